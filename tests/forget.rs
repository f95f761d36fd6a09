//! Forgetting postmottak's own copies (issue 16), with the real binary on a
//! real store and content store on disk:
//! - with the clock moved (`retention run --at`), a registered item's copy,
//!   text, person-ID links, images and title go after the grace period and
//!   not a day before; its row and history stay and reports still count it;
//!   unregistered items of any age keep everything; a content file shared
//!   by two items survives until its last user is gone; old records go
//!   after `keep_records_years`;
//! - the real daemon: a file put back within the grace period restores its
//!   item; after the content is gone, the history holds no file name;
//! - `kill -9` during a run loses nothing that should stay and, after the
//!   next run, leaves nothing that should go.

mod support;

use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use postmottak::item::{ItemId, UnitId};
use postmottak::store::board::fixture::{self, FixtureItem, FixturePerson, FixtureState};
use postmottak::store::Store;
use support::*;

fn store(env: &Env) -> Store {
    std::fs::create_dir_all(env.data_dir()).unwrap();
    Store::open(&env.data_dir().join("postmottak.sqlite")).unwrap()
}

/// Writes a unique text PDF into the content store the way admission names
/// it (by SHA-256); returns its `content_path`.
fn content(env: &Env, serial: u32) -> String {
    let bytes = text_pdf(serial);
    let sha = sha256_hex(&bytes);
    let rel = format!("content/{}/{sha}", &sha[..2]);
    let path = env.data_dir().join(&rel);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(&path, bytes).unwrap();
    rel
}

fn letter(content_path: &str, at: &str, state: FixtureState) -> FixtureItem {
    let mut item = FixtureItem::queued(
        &UnitId::new("mta").unwrap(),
        "soknad_tjenester",
        "Søknad om hjemmehjelp fra Kari Nordmann",
        "Jeg ber om hjelp i hjemmet. Hilsen Kari Nordmann",
    );
    item.source = postmottak::item::Source::Scan;
    item.content_path = content_path.into();
    item.file_name = "kari-nordmann-soknad.pdf".into();
    item.received_at = at.parse().unwrap();
    item.persons = vec![FixturePerson {
        keyed_hash: format!("hash-{content_path}-{at}"),
        masked: "018809*****".into(),
    }];
    item.state = state;
    item
}

fn registered() -> FixtureState {
    FixtureState::Registered { allocated_to: None }
}

/// A page image in the cache for `id`.
fn cache_image(env: &Env, id: ItemId) -> PathBuf {
    let dir = env.data_dir().join("cache/pages");
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(format!("{}-1-110.png", id.0));
    std::fs::write(&path, b"\x89PNG\r\n\x1a\nfake page image").unwrap();
    path
}

fn int(store: &Store, sql: &str, id: ItemId) -> i64 {
    store.inspect().one(sql, [id.0], |r| r.get(0)).unwrap()
}

/// Content still held: pages, person IDs, title, file name, no deletion mark.
fn holds_content(store: &Store, id: ItemId) -> bool {
    let pages = int(store, "SELECT COUNT(*) FROM pages WHERE item_id = ?1", id);
    let persons = int(
        store,
        "SELECT COUNT(*) FROM item_person_ids WHERE item_id = ?1",
        id,
    );
    let (title, file_name, forgotten): (Option<String>, String, Option<String>) = store
        .inspect()
        .one(
            "SELECT title, file_name, content_forgotten_at FROM items WHERE id = ?1",
            [id.0],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .unwrap();
    let all = pages > 0 && title.is_some() && !file_name.is_empty();
    let none = pages == 0 && persons == 0 && title.is_none() && file_name.is_empty();
    assert!(
        (all && forgotten.is_none()) || (none && forgotten.is_some()),
        "item {id} is half forgotten: pages {pages}, persons {persons}, title {title:?}, \
         file {file_name:?}, forgotten {forgotten:?}"
    );
    all
}

fn exists(env: &Env, rel: &str) -> bool {
    env.data_dir().join(rel).exists()
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

fn row_exists(store: &Store, id: ItemId) -> bool {
    int(store, "SELECT COUNT(*) FROM items WHERE id = ?1", id) == 1
}

#[test]
fn registered_content_goes_after_the_grace_period_and_not_a_day_before() {
    let env = Env::new(Opts::default());
    let own = content(&env, 1);
    let shared = content(&env, 3);
    let old = content(&env, 2);
    // Registered 2 March (Oslo): due 1 April with the default 30 days.
    let ids = fixture::insert(
        &store(&env),
        &[
            {
                let mut a = letter(&own, "2026-03-02T10:00:00Z", registered());
                a.title = "Unik tittel for sak A".into();
                a.pages = vec!["Unik brevtekst for sak A".into()];
                a
            },
            letter(&shared, "2026-03-02T10:00:00Z", registered()),
            letter(&shared, "2026-04-15T10:00:00Z", registered()),
            // Six years old and never taken by the case system.
            letter(&old, "2020-01-06T10:00:00Z", FixtureState::Queued),
        ],
    )
    .unwrap();
    let (a, c, d, b) = (ids[0], ids[1], ids[2], ids[3]);
    let dup = fixture::insert(
        &store(&env),
        &[letter(
            &old,
            "2020-01-07T10:00:00Z",
            FixtureState::Duplicate { of: b },
        )],
    )
    .unwrap()[0];
    // A duplicate of a (same bytes, same file): it goes with its original.
    let dup_a = fixture::insert(
        &store(&env),
        &[letter(
            &own,
            "2026-03-02T11:00:00Z",
            FixtureState::Duplicate { of: a },
        )],
    )
    .unwrap()[0];
    let image_a = cache_image(&env, a);
    let image_b = cache_image(&env, b);

    let plan = cli_ok(&env, &["retention", "plan", "--at", "2026-03-31"]);
    assert!(plan.contains("01.04.2026"), "{plan}");
    assert!(
        plan.contains("registrert i saksbehandlingssystemet"),
        "{plan}"
    );
    assert!(!plan.contains("Kari"), "the plan shows no content: {plan}");

    // The day before: nothing goes.
    cli_ok(&env, &["retention", "run", "--at", "2026-03-31"]);
    let s = store(&env);
    for id in [a, b, c, d, dup, dup_a] {
        assert!(holds_content(&s, id), "item {id} kept on 31 March");
    }
    assert!(exists(&env, &own) && image_a.exists());

    let db_bytes = || {
        ["postmottak.sqlite", "postmottak.sqlite-wal"]
            .iter()
            .flat_map(|f| std::fs::read(env.data_dir().join(f)).unwrap_or_default())
            .collect::<Vec<u8>>()
    };
    let holds = |bytes: &[u8], text: &str| bytes.windows(text.len()).any(|w| w == text.as_bytes());
    assert!(holds(&db_bytes(), "Unik brevtekst for sak A"));

    // The day it is due.
    let out = cli_ok(&env, &["retention", "run", "--at", "2026-04-01"]);
    // Gone from the database file and its WAL, not just from the rows.
    let bytes = db_bytes();
    for text in ["Unik brevtekst for sak A", "Unik tittel for sak A"] {
        assert!(!holds(&bytes, text), "{text:?} still in the database file");
    }
    assert!(out.contains("Sletting per 01.04.2026"), "{out}");
    let s = store(&env);
    assert!(!holds_content(&s, a) && !holds_content(&s, c) && !holds_content(&s, dup_a));
    assert!(!exists(&env, &own), "a's copy is gone");
    assert!(!image_a.exists(), "a's page image is gone");
    assert!(exists(&env, &shared), "d still needs the shared file");
    for id in [b, d, dup] {
        assert!(holds_content(&s, id), "item {id} keeps its content");
    }
    assert!(exists(&env, &old) && image_b.exists());
    // The row and its history stay; deletion is an event.
    assert_eq!(
        s.inspect()
            .one(
                "SELECT state || ' ' || unit || ' ' || document_type FROM items WHERE id = ?1",
                [a.0],
                |r| r.get::<_, String>(0)
            )
            .unwrap(),
        "registered mta soknad_tjenester"
    );
    let kinds: Vec<String> = s
        .inspect()
        .all(
            "SELECT kind || ':' || COALESCE(to_state, '') FROM events WHERE item_id = ?1 ORDER BY id",
            [a.0],
            |r| r.get(0),
        )
        .unwrap();
    assert!(
        kinds.contains(&"transition:registered".to_owned()),
        "{kinds:?}"
    );
    assert_eq!(kinds.last().unwrap(), "content_forgotten:", "{kinds:?}");
    drop(s);

    // Running again changes nothing and adds no event.
    cli_ok(&env, &["retention", "run", "--at", "2026-04-02"]);
    assert_eq!(
        int(
            &store(&env),
            "SELECT COUNT(*) FROM events WHERE item_id = ?1 AND kind = 'content_forgotten'",
            a
        ),
        1
    );

    // Reports still count it; the deviation report counts the deletion.
    let post_list = cli_ok(
        &env,
        &[
            "report",
            "post-list",
            "--from",
            "2026-03-01",
            "--to",
            "2026-03-31",
        ],
    );
    assert!(post_list.contains("(uten emne)"), "{post_list}");
    assert!(!post_list.contains("Kari"), "{post_list}");
    let deviation = cli_ok(
        &env,
        &[
            "report",
            "deviation",
            "--from",
            "2026-04-01",
            "--to",
            "2026-04-01",
        ],
    );
    assert!(
        deviation.contains("Slettet etter lagringsreglene"),
        "{deviation}"
    );
    assert!(
        deviation.contains("Innhold slettet: 2 etter registrering, 0 avviste filer, 1 duplikater."),
        "two registered items and a duplicate deleted: {deviation}"
    );

    // The last user of the shared file goes: so does the file.
    cli_ok(&env, &["retention", "run", "--at", "2026-05-15"]);
    assert!(!holds_content(&store(&env), d));
    assert!(
        !exists(&env, &shared),
        "shared file gone with its last user"
    );

    // Records go after keep_records_years (5) from registration.
    cli_ok(&env, &["retention", "run", "--at", "2031-03-01"]);
    assert!(row_exists(&store(&env), a));
    cli_ok(&env, &["retention", "run", "--at", "2031-03-02"]);
    let s = store(&env);
    assert!(!row_exists(&s, a) && !row_exists(&s, c), "records deleted");
    assert_eq!(
        int(&s, "SELECT COUNT(*) FROM events WHERE item_id = ?1", a),
        0
    );
    assert!(row_exists(&s, d), "d's record has another six weeks");
    // An unregistered item of any age keeps everything, still.
    assert!(holds_content(&s, b) && holds_content(&s, dup));
    assert!(exists(&env, &old) && image_b.exists());
}

fn today_plus(days: u64) -> String {
    let today = postmottak::calendar::oslo_date(chrono::Utc::now());
    today
        .checked_add_days(chrono::Days::new(days))
        .unwrap()
        .to_string()
}

#[test]
fn a_file_put_back_within_the_grace_period_restores_its_item() {
    let env = Env::new(Opts {
        settle_ms: 150,
        ..Opts::default()
    });
    let daemon = env.start();
    let bytes = text_pdf(4242);
    let file = env.inbox("mta").join("brev-til-kari.pdf");
    std::fs::write(&file, &bytes).unwrap();
    let items = env.wait_items(Duration::from_secs(60), "queued", |items| {
        items.len() == 1 && state(&items[0]) == "queued"
    });
    let id = items[0]["id"].as_i64().unwrap();

    // The case system takes it, by mistake, and it is put back.
    std::fs::remove_file(&file).unwrap();
    env.wait_items(Duration::from_secs(30), "registered", |items| {
        state(&items[0]) == "registered"
    });
    std::fs::write(&file, &bytes).unwrap();
    let items = env.wait_items(Duration::from_secs(30), "restored", |items| {
        state(&items[0]) == "queued"
    });
    assert_eq!(items.len(), 1, "restored, not a duplicate: {items:?}");
    assert_eq!(items[0]["id"].as_i64(), Some(id));
    assert!(items[0]["file_name"] == "brev-til-kari.pdf");

    // Taken for real; the grace period passes.
    std::fs::remove_file(&file).unwrap();
    env.wait_items(Duration::from_secs(30), "registered again", |items| {
        state(&items[0]) == "registered"
    });
    cli_ok(&env, &["retention", "run", "--at", &today_plus(29)]);
    assert!(holds_content(&store(&env), ItemId(id)), "not a day before");
    cli_ok(&env, &["retention", "run", "--at", &today_plus(30)]);
    let s = store(&env);
    assert!(!holds_content(&s, ItemId(id)));
    let sha = sha256_hex(&bytes);
    assert!(!exists(&env, &format!("content/{}/{sha}", &sha[..2])));
    let mentions: i64 = s
        .inspect()
        .one(
            "SELECT COUNT(*) FROM events WHERE detail LIKE '%brev-til-kari%'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(mentions, 0, "no file name left in the history");
    drop(s);

    // Too late to undo: the file coming back now is a new arrival, with its
    // own copy, and the forgotten item stays as it is.
    std::fs::write(&file, &bytes).unwrap();
    let items = env.wait_items(Duration::from_secs(30), "a new arrival", |items| {
        items.len() == 2
    });
    assert_eq!(state(&items[0]), "registered");
    assert!(exists(&env, &format!("content/{}/{sha}", &sha[..2])));
    let log = env.log();
    assert!(!log.contains("panicked"));
    assert!(
        log.contains("sletting etter retningslinjene er kjørt"),
        "the daemon sweeps at start-up: {log}"
    );
    assert!(!log.contains("brev-til-kari"), "no file name in the log");
    assert!(daemon.stop().success());
}

#[test]
fn a_refused_files_copy_goes_after_its_period_and_the_original_stays_in_avvist() {
    let env = Env::new(Opts {
        settle_ms: 150,
        ..Opts::default()
    });
    let daemon = env.start();
    let bytes = b"%PDF-1.4\nthis is not a pdf at all\n%%EOF\n".to_vec();
    std::fs::write(env.inbox("mta").join("skadet-brev.pdf"), &bytes).unwrap();
    let items = env.wait_items(Duration::from_secs(60), "refused", |items| {
        items.len() == 1 && state(&items[0]) == "rejected"
    });
    let id = ItemId(items[0]["id"].as_i64().unwrap());
    let original = env.inbox("mta").join("_avvist/skadet-brev.pdf");
    let sha = sha256_hex(&bytes);
    let copy = format!("content/{}/{sha}", &sha[..2]);
    let wait = Instant::now();
    while !original.exists() && wait.elapsed() < Duration::from_secs(10) {
        std::thread::sleep(Duration::from_millis(50));
    }
    assert!(original.exists() && exists(&env, &copy));

    let plan = cli_ok(&env, &["retention", "plan"]);
    assert!(plan.contains("avvist for 90 dager siden: 1"), "{plan}");
    cli_ok(&env, &["retention", "run", "--at", &today_plus(89)]);
    assert!(exists(&env, &copy), "not a day before");
    cli_ok(&env, &["retention", "run", "--at", &today_plus(90)]);
    assert!(!exists(&env, &copy), "postmottak's copy is gone");
    assert!(original.exists(), "the original in _avvist/ is the admin's");
    let s = store(&env);
    assert_eq!(
        s.inspect()
            .one(
                "SELECT state || ' ' || reject_code || ' ' || content_forget_policy
                 FROM items WHERE id = ?1",
                [id.0],
                |r| r.get::<_, String>(0)
            )
            .unwrap(),
        "rejected corrupt refused"
    );
    drop(s);
    assert!(daemon.stop().success());
}

const DUE: u32 = 1200;
const KEPT: u32 = 150;
const SHARED: u32 = 60;

#[test]
fn kill_9_during_a_retention_run_loses_nothing_and_leaves_nothing() {
    let env = Env::new(Opts::default());
    // DUE registered items (due 4 February), KEPT queued ones; the first
    // SHARED queued items have the same bytes as a due item.
    let mut items = Vec::new();
    let mut paths = Vec::new();
    for n in 0..DUE {
        let p = content(&env, 10_000 + n);
        items.push(letter(&p, "2026-01-05T10:00:00Z", registered()));
        paths.push(p);
    }
    for n in 0..KEPT {
        let p = if n < SHARED {
            paths[n as usize].clone()
        } else {
            content(&env, 50_000 + n)
        };
        items.push(letter(&p, "2025-01-05T10:00:00Z", FixtureState::Queued));
        paths.push(p);
    }
    let ids = fixture::insert(&store(&env), &items).unwrap();
    for id in &ids {
        cache_image(&env, *id);
    }
    let (due, kept) = ids.split_at(DUE as usize);

    let check_kept = |s: &Store| {
        for (i, id) in kept.iter().enumerate() {
            assert!(holds_content(s, *id), "kept item {id} lost content");
            assert!(exists(&env, &paths[DUE as usize + i]), "kept file lost");
        }
    };
    let mut mid_run = false;
    let mut delay = Duration::from_millis(60);
    for attempt in 0..12 {
        let mut child = Command::new(BIN)
            .args(["retention", "run", "--at", "2026-03-01", "--config"])
            .arg(&env.config)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let start = Instant::now();
        while start.elapsed() < delay {
            if child.try_wait().unwrap().is_some() {
                break;
            }
            std::thread::sleep(Duration::from_millis(5));
        }
        let finished = child.try_wait().unwrap().is_some();
        child.kill().ok();
        child.wait().unwrap();
        let s = store(&env);
        check_kept(&s);
        let mut forgotten = 0;
        for (i, id) in due.iter().enumerate() {
            if holds_content(&s, *id) {
                assert!(exists(&env, &paths[i]), "file of {id} removed early");
            } else {
                forgotten += 1;
            }
        }
        eprintln!("attempt {attempt}: killed after {delay:?}, {forgotten}/{DUE} forgotten");
        if forgotten > 0 && forgotten < DUE as usize {
            mid_run = true;
        }
        if finished || forgotten == DUE as usize {
            break;
        }
        delay = delay.mul_f32(1.5);
    }
    assert!(mid_run, "no kill landed in the middle of a run");

    // After the next (complete) run: nothing that should go is left.
    cli_ok(&env, &["retention", "run", "--at", "2026-03-01"]);
    let s = store(&env);
    check_kept(&s);
    let cache = env.data_dir().join("cache/pages");
    for (i, id) in due.iter().enumerate() {
        assert!(!holds_content(&s, *id));
        let shared = (i as u32) < SHARED;
        assert_eq!(exists(&env, &paths[i]), shared, "file of {id}");
        assert!(!cache.join(format!("{}-1-110.png", id.0)).exists());
        assert_eq!(
            int(
                &s,
                "SELECT COUNT(*) FROM events WHERE item_id = ?1 AND kind = 'content_forgotten'",
                *id
            ),
            1,
            "one deletion event for {id}"
        );
    }
    for id in kept {
        assert!(cache.join(format!("{}-1-110.png", id.0)).exists());
    }
    let pending: i64 = s
        .inspect()
        .one(
            "SELECT COUNT(*) FROM items WHERE content_file_pending = 1",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(pending, 0);
}
