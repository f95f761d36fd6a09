//! Issue 13 with the real daemon on real folders: a duplex scan with blank
//! back pages (real OCR) blocks its shred shelf until its quality is
//! confirmed on the command line, and a replacement scan supersedes the old
//! item; scans on a caseworker's own shelf (`mta/kari/`) are allocated at
//! once, or go to the meeting when the caseworker may not have the unit's
//! post; the after-meeting mail goes over real SMTP, one per caseworker per
//! round, never repeated after a restart, with nothing private in it.

mod board_common;
mod common;
mod support;

#[path = "support_mail/seed.rs"]
mod seed;

use std::path::Path;
use std::time::Duration;

use postmottak::calendar;
use postmottak::item::ItemId;
use postmottak::retention::ShelfId;
use postmottak::store::board::fixture;
use postmottak::store::users;
use postmottak::store::Store;
use support::{state, Env, Opts};

/// The standard board cast in the installation's store (before the daemon
/// starts, so it finds them).
fn cast(env: &Env) -> std::collections::HashMap<String, board_common::TestUser> {
    let config = postmottak::config::Config::load(&env.config).unwrap();
    std::fs::create_dir_all(config.data_dir()).unwrap();
    let mut store = Store::open(&config.database_path()).unwrap();
    board_common::add_cast(&mut store)
}

fn db(env: &Env) -> Store {
    let config = postmottak::config::Config::load(&env.config).unwrap();
    Store::open(&config.database_path()).unwrap()
}

fn id_of(items: &[serde_json::Value], name: &str) -> ItemId {
    let found = support::by_name(items, name);
    ItemId(found[0]["id"].as_i64().unwrap())
}

fn item_state(items: &[serde_json::Value], name: &str) -> String {
    support::by_name(items, name)
        .first()
        .map(|i| state(i).to_owned())
        .unwrap_or_default()
}

fn cli_ok(env: &Env, args: &[&str]) -> String {
    let out = env.cli(args);
    assert!(
        out.status.success(),
        "{args:?}: {}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

fn sample(name: &str) -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("samples/files/mta")
        .join(name)
}

#[test]
fn a_duplex_scan_blocks_its_shelf_until_its_quality_is_confirmed_and_a_replacement_supersedes() {
    let env = Env::new(Opts::default());
    let users = cast(&env);
    let daemon = env.start();
    let mta = env.inbox("mta");
    // A duplex scan with blank back pages, and a scan that will be redone.
    std::fs::copy(
        sample("002-soknad-omsorgsstonad.pdf"),
        mta.join("duplex.pdf"),
    )
    .unwrap();
    std::fs::write(mta.join("skjev.pdf"), support::text_pdf(1)).unwrap();
    let items = env.wait_items(Duration::from_secs(180), "both queued", |items| {
        item_state(items, "duplex.pdf") == "queued" && item_state(items, "skjev.pdf") == "queued"
    });
    let duplex = id_of(&items, "duplex.pdf");
    let redo = id_of(&items, "skjev.pdf");
    let flags: String = db(&env)
        .inspect()
        .one(
            "SELECT quality_flags FROM items WHERE id = ?1",
            [duplex.0],
            |r| r.get(0),
        )
        .unwrap();
    assert!(flags.contains("blank_pages"), "{flags}");

    // The redone scan: allocated to Kari, then replaced by a new scan.
    cli_ok(&env, &["allocate", &redo.to_string(), "--to", "kari"]);
    std::fs::write(mta.join("skjev-ny.pdf"), support::text_pdf(2)).unwrap();
    let items = env.wait_items(Duration::from_secs(60), "new scan queued", |items| {
        item_state(items, "skjev-ny.pdf") == "queued"
    });
    let new = id_of(&items, "skjev-ny.pdf");
    let refused = env.cli(&[
        "quality",
        "replace",
        &redo.to_string(),
        "--with",
        &new.to_string(),
        "--by",
        "olga",
    ]);
    assert!(!refused.status.success(), "Olga is not in the unit");
    let out = cli_ok(
        &env,
        &[
            "quality",
            "replace",
            &redo.to_string(),
            "--with",
            &new.to_string(),
            "--by",
            "kari",
        ],
    );
    assert!(
        out.contains(&format!("Sak {redo} er erstattet av sak {new}")),
        "{out}"
    );
    let items = env.items();
    assert_eq!(item_state(&items, "skjev.pdf"), "superseded");
    assert_eq!(item_state(&items, "skjev-ny.pdf"), "allocated");

    // The case system takes the files (removes them): registered.
    for f in ["duplex.pdf", "skjev-ny.pdf", "skjev.pdf"] {
        std::fs::remove_file(mta.join(f)).unwrap();
    }
    env.wait_items(Duration::from_secs(30), "registered", |items| {
        item_state(items, "duplex.pdf") == "registered"
            && item_state(items, "skjev-ny.pdf") == "registered"
    });

    // With the 62 days passed, the shelf waits only for the quality check.
    let shelf = ShelfId::of_date(calendar::oslo_date(chrono::Utc::now()));
    let at = shelf.shred_from(62).to_string();
    let show = |env: &Env| cli_ok(env, &["shelf", "show", &shelf.to_string(), "--at", &at]);
    let before = show(&env);
    assert!(before.contains("Status: blokkert"), "{before}");
    assert!(before.contains("blanke sider"), "{before}");
    assert!(
        before.contains("(hos ikke fordelt)"),
        "who has it: {before}"
    );
    assert!(before.contains(&format!("sak {:>6}", new.0)), "{before}");
    assert!(
        !before.contains(&format!("sak {:>6}", redo.0)),
        "the superseded scan is off the shelf: {before}"
    );

    let refused = env.cli(&["quality", "confirm", &duplex.to_string(), "--by", "per"]);
    assert!(!refused.status.success(), "Per does not have the item");
    let out = cli_ok(
        &env,
        &[
            "quality",
            "confirm",
            &duplex.to_string(),
            "--by",
            "merkantil",
        ],
    );
    assert!(out.contains("blanke sider"), "{out}");
    let after = show(&env);
    assert!(after.contains("Status: kan makuleres"), "{after}");
    assert!(users.contains_key("merkantil"));
    drop(daemon);
}

fn direct_config(env: &Env) {
    std::fs::write(
        &env.config,
        r#"data_dir = "var"
[[units]]
id = "mta"
name = "MTA"
scan_folder = "inbox/mta"
direct_allocation = true
[[units]]
id = "omsorg"
name = "Omsorg"
scan_folder = "inbox/omsorg"
[digital]
folder = "inbox/digital"
[watch]
settle_ms = 300
rescan_secs = 300
poll_interval_ms = 250
[extract]
ocr_workers = 1
"#,
    )
    .unwrap();
}

#[test]
fn scans_on_a_caseworkers_shelf_are_allocated_at_once_or_go_to_the_meeting_with_a_note() {
    let env = Env::new(Opts::default());
    direct_config(&env);
    let users = cast(&env);
    let mta = env.inbox("mta");
    std::fs::create_dir_all(mta.join("kari")).unwrap();
    let daemon = env.start();

    std::fs::write(mta.join("kari/fra-kari.pdf"), support::text_pdf(1)).unwrap();
    std::fs::write(mta.join("til-motet.pdf"), support::text_pdf(2)).unwrap();
    // A shelf made while the daemon runs: Olga works in Omsorg, not MTA.
    std::fs::create_dir_all(mta.join("olga")).unwrap();
    std::thread::sleep(Duration::from_millis(300));
    std::fs::write(mta.join("olga/fra-olga.pdf"), support::text_pdf(3)).unwrap();
    // Nothing deeper than one level is taken in.
    std::fs::create_dir_all(mta.join("kari/arkiv")).unwrap();
    std::fs::write(mta.join("kari/arkiv/gammel.pdf"), support::text_pdf(4)).unwrap();

    let items = env.wait_items(Duration::from_secs(60), "shelf arrivals", |items| {
        item_state(items, "fra-kari.pdf") == "allocated"
            && item_state(items, "til-motet.pdf") == "queued"
            && item_state(items, "fra-olga.pdf") == "queued"
    });
    let store = db(&env);
    let allocated = |id: ItemId| -> Option<i64> {
        store
            .inspect()
            .one(
                "SELECT allocated_to FROM items WHERE id = ?1",
                [id.0],
                |r| r.get(0),
            )
            .unwrap()
    };
    assert_eq!(
        allocated(id_of(&items, "fra-kari.pdf")),
        Some(users["kari"].id)
    );
    // Her own scan is no news to her: no after-meeting mail about it.
    let untold = postmottak::store::after_meeting::untold(&store).unwrap();
    assert!(untold
        .iter()
        .all(|u| u.item != id_of(&items, "fra-kari.pdf")));
    let olga_item = id_of(&items, "fra-olga.pdf");
    assert_eq!(allocated(olga_item), None);
    // The `direct` task writes its note after the pipeline queued the scan:
    // give it a moment under load.
    let note_of = || -> Option<String> {
        store
            .inspect()
            .one(
                "SELECT detail FROM events WHERE item_id = ?1 AND kind = 'direct_allocation_refused'",
                [olga_item.0],
                |r| r.get(0),
            )
            .ok()
    };
    let deadline = std::time::Instant::now() + Duration::from_secs(20);
    let note = loop {
        match note_of() {
            Some(note) => break note,
            None if std::time::Instant::now() < deadline => {
                std::thread::sleep(Duration::from_millis(200))
            }
            None => panic!("no direct_allocation_refused note for Olga's scan"),
        }
    };
    assert!(note.contains("no_access"), "{note}");
    // Still queued a moment later: the meeting decides.
    std::thread::sleep(Duration::from_secs(1));
    let items = env.items();
    assert_eq!(item_state(&items, "fra-olga.pdf"), "queued");
    assert!(
        support::by_name(&items, "gammel.pdf").is_empty(),
        "two levels down is not a shelf"
    );
    // Kari takes hers into the case system: the shelf is a watched folder.
    std::fs::remove_file(mta.join("kari/fra-kari.pdf")).unwrap();
    env.wait_items(Duration::from_secs(30), "registered", |items| {
        item_state(items, "fra-kari.pdf") == "registered"
    });
    drop(daemon);
}

#[test]
fn one_mail_per_caseworker_per_round_never_repeated_after_a_restart() {
    let env = Env::new(Opts::default());
    let port = seed::free_port();
    let sink = seed::SmtpSink::start(port, &env.path().join("smtp"));
    let mut text = std::fs::read_to_string(&env.config).unwrap();
    text.push_str(&format!(
        r#"
[mail]
smtp_host = "127.0.0.1"
smtp_port = {port}
tls = "none"
from = "postmottak@example.kommune.no"
base_url = "https://postmottak.example.kommune.no"
poll_secs = 0.2
retry_base_secs = 1
retry_max_secs = 2
after_meeting_quiet_secs = 3
# The daemon runs on the wall clock: Monday's scheduled backlog report
# would mail Kari too (a round that never saw it would fail on Mondays).
[reports]
schedule = []
"#
    ));
    std::fs::write(&env.config, text).unwrap();
    let users = cast(&env);
    let ids = {
        let store = db(&env);
        for (name, address) in [
            ("kari", "kari@example.kommune.no"),
            ("per", "per@example.kommune.no"),
        ] {
            let user = users::require(&store, name).unwrap();
            fixture::set_email(&store, user.id, Some(address)).unwrap();
        }
        let mut letters = Vec::new();
        for (n, doc) in ["soknad_bpa", "klage", "soknad_tjenester", "fullmakt"]
            .iter()
            .enumerate()
        {
            let mut l = board_common::letter("mta", doc, "Søknad fra Ola Nordmann", "Privat tekst");
            l.file_name = format!("ola-nordmann-{n}.pdf");
            l.urgent = n == 0;
            l.persons = vec![postmottak::store::board::fixture::FixturePerson {
                keyed_hash: format!("hash-{n}"),
                masked: "178541*****".into(),
            }];
            letters.push(l);
        }
        postmottak::store::board::fixture::insert(&store, &letters).unwrap()
    };
    let daemon = env.start();
    // The meeting: two for Kari, one for Per.
    for (id, to) in [(ids[0], "kari"), (ids[1], "kari"), (ids[2], "per")] {
        cli_ok(&env, &["allocate", &id.to_string(), "--to", to]);
    }
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let got = rt.block_on(sink.wait_for(2, 30));
    assert_eq!(got.len(), 2, "{got:#?}\n{}", env.log());
    std::thread::sleep(Duration::from_secs(1));
    assert_eq!(sink.messages().len(), 2, "one per caseworker");
    let to_kari = got
        .iter()
        .find(|m| m["rcpt_tos"] == serde_json::json!(["kari@example.kommune.no"]))
        .expect("a mail to Kari");
    let raw = |m: &serde_json::Value| m.to_string();
    let kari_text = raw(to_kari);
    assert!(
        kari_text.contains(&format!("Sak {}", ids[0])),
        "{kari_text}"
    );
    assert!(kari_text.contains(&format!("Sak {}", ids[1])));
    assert!(
        !kari_text.contains(&format!("Sak {}:", ids[2])),
        "Per's is not in Kari's mail"
    );
    assert!(kari_text.contains("HASTER") && kari_text.contains("KLAGE"));
    assert!(kari_text.contains("https://postmottak.example.kommune.no/min-post"));
    for m in &got {
        let all = raw(m);
        for private in [
            "Ola Nordmann",
            "ola-nordmann",
            "178541",
            "Privat tekst",
            "Kari Saksbehandler",
        ] {
            assert!(!all.contains(private), "{private} leaked: {all}");
        }
    }

    // A restart repeats nothing.
    drop(daemon);
    let daemon = env.start();
    std::thread::sleep(Duration::from_secs(5));
    assert_eq!(sink.messages().len(), 2, "nothing repeated after a restart");
    // The next round: only the new allocation.
    cli_ok(&env, &["allocate", &ids[3].to_string(), "--to", "per"]);
    let got = rt.block_on(sink.wait_for(3, 30));
    assert_eq!(got.len(), 3);
    let last = raw(&got[2]);
    assert!(last.contains(&format!("Sak {}", ids[3])), "{last}");
    assert!(!last.contains(&format!("Sak {}:", ids[2])), "{last}");
    assert!(users.contains_key("per"));
    drop(daemon);
}
