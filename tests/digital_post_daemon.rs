//! Digital post end to end on the real daemon: an `.eml` with a PDF
//! attachment dropped into the digital share becomes one item with both
//! documents; once allocated, its printout appears in the unit's scan folder
//! (read back with pdfium: header, body, the attachment's page), the daemon
//! does not take its own printout in, and the printout leaving the folder
//! registers the item; once forgotten, its original leaves `_originaler/`.

mod common;
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
    let store = Store::open(&config.database_path()).unwrap();
    users::create(
        &store,
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
            .inspect()
            .one(
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

    // Forgotten after the grace period: the original in `_originaler/` goes
    // with our own copies, not a day before; a stranger's file under the
    // move's numbered name but with other bytes stays.
    let originals = env.inbox("digital").join("_originaler");
    std::fs::write(originals.join("1-melding.eml"), b"en annen fil").unwrap();
    retention_run(&env, 29);
    assert!(originals.join("melding.eml").is_file(), "kept until due");
    retention_run(&env, 30);
    assert!(
        !originals.join("melding.eml").exists(),
        "the original is forgotten with the item"
    );
    assert_eq!(
        std::fs::read(originals.join("1-melding.eml")).unwrap(),
        b"en annen fil"
    );
}

/// `postmottak retention run` as if it were `days` days from today.
fn retention_run(env: &Env, days: u64) {
    let day = postmottak::calendar::oslo_date(chrono::Utc::now())
        .checked_add_days(chrono::Days::new(days))
        .unwrap()
        .to_string();
    let out = env.cli(&["retention", "run", "--at", &day]);
    assert!(
        out.status.success(),
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
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

#[test]
fn bad_deliveries_are_refused_into_avvist_and_the_service_goes_on() {
    let env = Env::new(Opts::default());
    let daemon = env.start();
    let digital = env.inbox("digital");
    // Still CMS-encrypted for the receiving system (EnvelopedData OID).
    let mut cms = vec![
        0x30, 0x82, 0x04, 0x00, 0x06, 0x09, 0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 0x01, 0x07, 0x03,
    ];
    cms.extend_from_slice(&[0xA0; 1024]);
    std::fs::write(digital.join("forsendelse.pdf"), &cms).unwrap();
    // A zip bomb: 60 MB of zeros in a small zip.
    let zeros = vec![0u8; 60 * 1024 * 1024];
    let json = email_support::forsendelse_json(&[("a.pdf", &zeros)], true);
    std::fs::write(
        digital.join("bombe.zip"),
        email_support::zip(&[("m.json", json.as_bytes()), ("a.pdf", &zeros)]),
    )
    .unwrap();
    std::fs::write(
        digital.join("winmail.dat"),
        [0x78, 0x9F, 0x3E, 0x22, 1, 0, 0],
    )
    .unwrap();
    let mut msg = vec![0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];
    msg.extend_from_slice(&[0xFF; 2000]);
    std::fs::write(digital.join("skadet.msg"), &msg).unwrap();
    // And after them a good e-mail, which must still get through.
    let eml = email_support::bokmal_with_pdf(&text_pdf(99));
    std::fs::write(digital.join("god.eml"), &eml).unwrap();

    let items = env.wait_items(WAIT, "four refused and one queued", |items| {
        items.len() == 5
            && items.iter().filter(|i| state(i) == "rejected").count() == 4
            && items.iter().any(|i| state(i) == "queued")
    });
    let code = |name: &str| {
        by_name(&items, name)[0]["reject_code"]
            .as_str()
            .unwrap()
            .to_owned()
    };
    assert_eq!(code("forsendelse.pdf"), "encrypted");
    assert_eq!(code("bombe.zip"), "too_large");
    assert_eq!(code("winmail.dat"), "unsupported");
    assert_eq!(code("skadet.msg"), "corrupt");
    wait_for("the refused files in _avvist", || {
        ["forsendelse.pdf", "bombe.zip", "winmail.dat", "skadet.msg"]
            .iter()
            .all(|n| digital.join("_avvist").join(n).is_file())
    });
    let reasons: String = std::fs::read_dir(digital.join("_avvist"))
        .unwrap()
        .flatten()
        .filter(|e| e.path().extension().is_some_and(|x| x == "txt"))
        .map(|e| std::fs::read_to_string(e.path()).unwrap())
        .collect();
    assert!(reasons.contains("lastes ned dekryptert"), "{reasons}");
    assert!(reasons.contains("zip-bombe"), "{reasons}");
    assert!(reasons.contains("winmail.dat"), "{reasons}");
    assert!(reasons.contains("Lagre som"), "{reasons}");
    assert!(daemon.stop().success());
    let log = env.log();
    for secret in [
        "Kari Nordmann",
        "praktisk bistand",
        "kari.nordmann",
        "god.eml",
    ] {
        assert!(!log.contains(secret), "{secret:?} in the log:\n{log}");
    }
}
