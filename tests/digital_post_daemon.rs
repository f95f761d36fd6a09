//! Digital post end to end on the real daemon: an `.eml` with a PDF
//! attachment dropped into the digital share becomes one item with both
//! documents; once allocated, its printout appears in the unit's scan folder
//! (read back with pdfium: header, body, the attachment's page), the daemon
//! does not take its own printout in, and the printout leaving the folder
//! registers the item.

mod email_support;
mod extract_support;
mod support;

use std::time::{Duration, Instant};

use postmottak::config::Config;
use postmottak::item::{Role, UnitId};
use postmottak::store::events::Actor;
use postmottak::store::users::{self, NewUser};
use postmottak::store::Store;
use support::*;

const WAIT: Duration = Duration::from_secs(120);

fn wait_for(what: &str, mut done: impl FnMut() -> bool) {
    let start = Instant::now();
    while !done() {
        assert!(start.elapsed() < WAIT, "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(200));
    }
}

fn add_caseworker(env: &Env) {
    let config = Config::load(&env.config).unwrap();
    std::fs::create_dir_all(env.data_dir()).unwrap();
    let mut store = Store::open(&config.database_path()).unwrap();
    users::create(
        &mut store,
        &NewUser {
            username: "kari",
            display_name: "Kari Saksbehandler",
            email: None,
            role: Role::Caseworker,
            units: &[UnitId::new("mta").unwrap()],
            password_hash: "x",
            totp_secret: "x",
        },
        Actor::System,
    )
    .unwrap();
}

#[test]
fn an_email_with_a_pdf_is_one_item_whose_printout_registers_it() {
    let env = Env::new(Opts::default());
    add_caseworker(&env);
    let daemon = env.start();
    let eml = email_support::bokmal_with_pdf(&text_pdf(77));
    std::fs::write(env.inbox("digital").join("melding.eml"), &eml).unwrap();

    let items = env.wait_items(WAIT, "the e-mail queued", |items| {
        items.iter().any(|i| state(i) == "queued")
    });
    assert_eq!(items.len(), 1, "one item per e-mail: {items:#?}");
    let item = &items[0];
    assert_eq!(item["source"], "digital");
    assert_eq!(item["title"], "Søknad om praktisk bistand", "{item}");
    assert_eq!(item["document_type"], "soknad_tjenester", "{item}");
    // Header + body on one page, then the attachment's page.
    assert_eq!(item["page_count"], 2, "{item}");
    assert_eq!(item["text_source"], "text_layer", "{item}");
    let id = item["id"].as_i64().unwrap();

    // Both documents, with the e-mail's own facts.
    {
        let config = Config::load(&env.config).unwrap();
        let store = Store::open(&config.database_path()).unwrap();
        let d = postmottak::store::deliveries::get(&store, postmottak::item::ItemId(id))
            .unwrap()
            .expect("a delivery");
        assert_eq!(d.from_name.as_deref(), Some("Kari Nordmann øst"));
        assert_eq!(d.from_address.as_deref(), Some("kari.nordmann@example.no"));
        assert!(
            d.body.contains("Jeg søker om praktisk bistand"),
            "{}",
            d.body
        );
        let docs: Vec<(&str, &str, u32, u32)> = d
            .documents
            .iter()
            .map(|x| (x.role.as_str(), x.name.as_str(), x.first_page, x.page_count))
            .collect();
        assert_eq!(
            docs,
            vec![("body", "E-post", 1, 1), ("attachment", "soknad.pdf", 2, 1)]
        );
        let (date, sender): (Option<String>, Option<String>) = store
            .conn()
            .query_row(
                "SELECT document_date, sender FROM items WHERE id = ?1",
                [id],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .unwrap();
        assert_eq!(date.as_deref(), Some("2026-11-05"));
        assert_eq!(
            sender.as_deref(),
            Some("Kari Nordmann øst <kari.nordmann@example.no>")
        );
    }

    let out = env.cli(&["allocate", &id.to_string(), "--to", "kari"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );

    let printout = env.inbox("mta").join(format!("epost-sak-{id}.pdf"));
    wait_for("the printout in the MTA folder", || printout.is_file());
    // The original left the inbox but is kept (and the content store has it).
    wait_for("the original moved aside", || {
        !env.inbox("digital").join("melding.eml").exists()
    });
    assert_eq!(
        std::fs::read(env.inbox("digital").join("_originaler/melding.eml")).unwrap(),
        eml
    );

    // The printout reads like the printed e-mail: pdfium's text layer.
    let read = extract_support::extractor()
        .extract_path(&printout)
        .unwrap();
    assert_eq!(read.pages.len(), 2);
    let first = &read.pages[0].text;
    for expected in [
        "Fra:",
        "Kari Nordmann øst <kari.nordmann@example.no>",
        "Til:",
        "Dato:",
        "05.11.2026 09:15",
        "Emne:",
        "Søknad om praktisk bistand",
        "soknad.pdf",
        "Jeg søker om praktisk bistand i hjemmet",
    ] {
        assert!(
            first.contains(expected),
            "{expected:?} missing in {first:?}"
        );
    }
    assert!(
        read.pages[1].text.contains("Brev nummer 77"),
        "{:?}",
        read.pages[1].text
    );

    // Our own output is never a new arrival, even after a rescan's worth of time.
    std::thread::sleep(Duration::from_secs(3));
    let items = env.items();
    assert_eq!(items.len(), 1, "{items:#?}");
    assert_eq!(state(&items[0]), "allocated");

    // The case system fetches the file: the item is registered.
    std::fs::remove_file(&printout).unwrap();
    env.wait_items(WAIT, "the item registered", |items| {
        items.len() == 1 && state(&items[0]) == "registered"
    });
    assert!(daemon.stop().success());
    assert!(!env.log().contains("Kari Nordmann"), "no names in the log");
}

#[test]
fn a_svarinn_pdf_with_its_json_is_one_delivery_and_the_json_is_no_item() {
    let env = Env::new(Opts::default());
    let pdf = text_pdf(88);
    let json = email_support::forsendelse_json(&[("vedtak.pdf", &pdf)], true);
    // The metadata first, then the document, as a SvarInn client saves them.
    std::fs::write(env.inbox("digital").join("vedtak.json"), &json).unwrap();
    std::fs::write(env.inbox("digital").join("vedtak.pdf"), &pdf).unwrap();
    let daemon = env.start();
    env.wait_items(WAIT, "the delivery queued", |items| {
        items.iter().any(|i| state(i) == "queued")
    });
    std::thread::sleep(Duration::from_secs(2));
    let items = env.items();
    assert_eq!(items.len(), 1, "{items:#?}");
    assert_eq!(items[0]["title"], "Vedtak om helsetjenester i hjemmet");
    assert!(
        env.inbox("digital").join("vedtak.json").exists(),
        "kept with its document"
    );
    assert!(daemon.stop().success());
}
