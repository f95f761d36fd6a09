//! The daemon with the real binary, real folders and real files: arrivals
//! by copy, rename and slow writes; start-up with files waiting; deletion
//! before settling; registration; duplicates; polling folders; refusals into
//! `_avvist/`; config errors; SIGHUP and SIGTERM.

mod support;

use std::time::Duration;

use support::*;

const WAIT: Duration = Duration::from_secs(90);

fn all_settled(items: &[serde_json::Value]) -> bool {
    items
        .iter()
        .all(|i| !matches!(state(i), "admitted" | "extracted" | "classified"))
}

#[test]
fn copied_renamed_and_slowly_written_files_each_become_one_complete_item() {
    let env = Env::new(Opts::default());
    let daemon = env.start();
    let (a, b, c) = (text_pdf(1), text_pdf(2), text_pdf(3));

    std::fs::write(env.path().join("a.pdf"), &a).unwrap();
    std::fs::copy(
        env.path().join("a.pdf"),
        env.inbox("mta").join("copied.pdf"),
    )
    .unwrap();

    // Written under a temporary name in the inbox, then renamed: the .part is
    // never taken in. And a file renamed in from outside the folder.
    write_slowly(
        &env.inbox("mta").join("renamed.pdf.part"),
        &b,
        3,
        Duration::from_millis(400),
    );
    std::fs::rename(
        env.inbox("mta").join("renamed.pdf.part"),
        env.inbox("mta").join("renamed.pdf"),
    )
    .unwrap();
    std::fs::write(env.path().join("outside.pdf"), &c).unwrap();
    std::fs::rename(
        env.path().join("outside.pdf"),
        env.inbox("digital").join("moved-in.pdf"),
    )
    .unwrap();

    // A scanner writing slowly: pauses longer than the settle time, the file
    // closed after every chunk, and only complete at the end.
    let slow = text_pdf(4);
    write_slowly(
        &env.inbox("mta").join("slow.pdf"),
        &slow,
        6,
        Duration::from_millis(700),
    );

    let items = env.wait_items(WAIT, "four queued items", |items| {
        items.len() >= 4 && items.iter().all(|i| state(i) == "queued")
    });
    assert_eq!(items.len(), 4, "{items:#?}");
    for (name, bytes, unit, source) in [
        ("copied.pdf", &a, "mta", "scan"),
        ("renamed.pdf", &b, "mta", "scan"),
        ("moved-in.pdf", &c, "mta", "digital"),
        ("slow.pdf", &slow, "mta", "scan"),
    ] {
        let found = by_name(&items, name);
        assert_eq!(found.len(), 1, "{name}: {items:#?}");
        let item = found[0];
        assert_eq!(
            item["sha256"],
            sha256_hex(bytes),
            "{name} must be stored complete"
        );
        assert_eq!(item["source"], source, "{name}");
        assert_eq!(item["page_count"], 1, "{name}");
        assert_eq!(item["text_source"], "text_layer", "{name}");
        if source == "scan" {
            assert_eq!(item["unit"], unit, "{name}");
        }
        assert!(
            item["document_type"].is_string() && item["title"].is_string(),
            "{item}"
        );
    }
    // The queue view (without --all) lists exactly the waiting items.
    let out = env.cli(&["queue", "list", "--json"]);
    assert_eq!(String::from_utf8_lossy(&out.stdout).lines().count(), 4);
    assert!(daemon.stop().success());
}

#[test]
fn files_waiting_at_startup_are_taken_in_and_duplicates_linked() {
    let env = Env::new(Opts::default());
    let first = text_pdf(10);
    std::fs::write(env.inbox("mta").join("brev.pdf"), &first).unwrap();
    std::fs::write(env.inbox("omsorg").join("brev-kopi.pdf"), &first).unwrap();
    std::fs::write(env.inbox("omsorg").join("annet.pdf"), text_pdf(11)).unwrap();
    std::fs::write(env.inbox("omsorg").join("~$brev.pdf"), b"office lock file").unwrap();
    std::fs::write(env.inbox("omsorg").join("Thumbs.db"), b"thumbs").unwrap();
    let daemon = env.start();
    let items = env.wait_items(WAIT, "three items settled", |items| {
        items.len() >= 3 && all_settled(items)
    });
    assert_eq!(
        items.len(),
        3,
        "temp and system files are ignored: {items:#?}"
    );
    let original = by_name(&items, "brev.pdf")[0];
    let copy = by_name(&items, "brev-kopi.pdf")[0];
    assert_eq!(state(original), "queued");
    assert_eq!(state(copy), "duplicate");
    assert_eq!(copy["duplicate_of"], original["id"]);
    assert_eq!(state(by_name(&items, "annet.pdf")[0]), "queued");

    // Restarting finds the same files and admits nothing new.
    assert!(daemon.stop().success());
    let daemon = env.start();
    std::thread::sleep(Duration::from_secs(2));
    assert_eq!(env.items().len(), 3);
    // The duplicate stays in its folder until someone takes it.
    assert!(env.inbox("omsorg").join("brev-kopi.pdf").exists());
    drop(daemon);
}

#[test]
fn deleted_before_settling_leaves_nothing_and_removed_after_queueing_is_registered() {
    let env = Env::new(Opts::default());
    let daemon = env.start();
    // Half a PDF (no %%EOF yet), then gone.
    let doomed = text_pdf(20);
    std::fs::write(
        env.inbox("mta").join("doomed.pdf"),
        &doomed[..doomed.len() / 2],
    )
    .unwrap();
    std::thread::sleep(Duration::from_millis(150));
    std::fs::remove_file(env.inbox("mta").join("doomed.pdf")).unwrap();

    std::fs::write(env.inbox("mta").join("kept.pdf"), text_pdf(21)).unwrap();
    let items = env.wait_items(WAIT, "kept.pdf queued", |items| {
        by_name(items, "kept.pdf")
            .first()
            .is_some_and(|i| state(i) == "queued")
    });
    assert_eq!(
        items.len(),
        1,
        "the deleted file must not be an item: {items:#?}"
    );
    assert!(items[0]["registered_at"].is_null());

    // The case system took it: the file leaves the folder.
    std::fs::remove_file(env.inbox("mta").join("kept.pdf")).unwrap();
    let items = env.wait_items(WAIT, "registered", |items| state(&items[0]) == "registered");
    assert!(items[0]["registered_at"].is_string());
    // The content store still holds the bytes.
    let sha = items[0]["sha256"].as_str().unwrap();
    let copy = env.data_dir().join("content").join(&sha[..2]).join(sha);
    assert_eq!(std::fs::read(copy).unwrap(), text_pdf(21));
    drop(daemon);
}

#[test]
fn a_polled_folder_behaves_like_a_native_one() {
    let env = Env::new(Opts {
        poll_omsorg: true,
        ..Opts::default()
    });
    let daemon = env.start();
    let status = String::from_utf8(env.cli(&["status"]).stdout).unwrap();
    assert!(status.contains("avspørring (poll = true)"), "{status}");
    assert!(status.contains("hendelser (inotify)"), "{status}");

    std::fs::write(env.inbox("omsorg").join("polled.pdf"), text_pdf(30)).unwrap();
    let slow = text_pdf(31);
    write_slowly(
        &env.inbox("omsorg").join("slow.pdf"),
        &slow,
        4,
        Duration::from_millis(600),
    );
    std::fs::write(env.inbox("omsorg").join("x.tmp"), b"temp").unwrap();
    let items = env.wait_items(WAIT, "two queued in the polled folder", |items| {
        items.len() >= 2 && items.iter().all(|i| state(i) == "queued")
    });
    assert_eq!(items.len(), 2, "{items:#?}");
    assert_eq!(by_name(&items, "slow.pdf")[0]["sha256"], sha256_hex(&slow));
    assert!(items.iter().all(|i| i["unit"] == "omsorg"));

    std::fs::remove_file(env.inbox("omsorg").join("polled.pdf")).unwrap();
    env.wait_items(WAIT, "registered by polling", |items| {
        state(by_name(items, "polled.pdf")[0]) == "registered"
    });
    drop(daemon);
}

#[test]
fn every_refusal_ends_in_avvist_with_a_reason_and_the_daemon_goes_on() {
    let Some(corpus) = corpus() else { return };
    let env = Env::new(Opts {
        incomplete_grace_secs: 1,
        ..Opts::default()
    });
    let daemon = env.start();
    let o = corpus.join("ocrmypdf");
    let cases = [
        (o.join("derived/empty.pdf"), "mta", "empty"),
        (o.join("invalid.pdf"), "mta", "corrupt"),
        (
            o.join("derived/skew_truncated_40000.pdf"),
            "omsorg",
            "corrupt",
        ),
        (
            o.join("derived/jbig2_encrypted_R4.pdf"),
            "digital",
            "encrypted",
        ),
        (
            o.join("derived/trivial_encrypted_userpw_R6.pdf"),
            "digital",
            "encrypted",
        ),
        (o.join("hugemono.pdf"), "omsorg", "too_large"),
        (o.join("tagged.odt"), "digital", "unsupported"),
    ];
    for (src, folder, _) in &cases {
        std::fs::copy(src, env.inbox(folder).join(src.file_name().unwrap())).unwrap();
    }
    std::fs::write(env.inbox("mta").join("good.pdf"), text_pdf(40)).unwrap();
    let items = env.wait_items(WAIT, "all refused and the good one queued", |items| {
        items.len() > cases.len() && all_settled(items)
    });
    for (src, folder, code) in &cases {
        let name = src.file_name().unwrap().to_str().unwrap();
        let found = by_name(&items, name);
        assert_eq!(found.len(), 1, "{name}");
        assert_eq!(state(found[0]), "rejected", "{name}: {}", found[0]);
        assert_eq!(found[0]["reject_code"], *code, "{name}");
        let avvist = env.inbox(folder).join("_avvist");
        assert!(
            !env.inbox(folder).join(name).exists(),
            "{name} left in inbox"
        );
        assert_eq!(
            std::fs::read(avvist.join(name)).unwrap(),
            std::fs::read(src).unwrap(),
            "{name}: original kept byte for byte"
        );
        let reason = std::fs::read_to_string(avvist.join(format!("{name}.årsak.txt"))).unwrap();
        assert!(
            reason.contains(&format!("Feilkode: {code}")) && reason.contains("Årsak:"),
            "{reason}"
        );
    }
    assert_eq!(state(by_name(&items, "good.pdf")[0]), "queued");
    // Files in _avvist/ are never taken in again.
    std::thread::sleep(Duration::from_secs(1));
    assert_eq!(env.items().len(), cases.len() + 1);
    drop(daemon);
}

#[test]
fn a_bad_config_is_refused_with_a_clear_message() {
    let env = Env::new(Opts::default());
    let ok = env.cli(&["check-config"]);
    assert!(
        ok.status.success(),
        "{}",
        String::from_utf8_lossy(&ok.stderr)
    );
    assert!(String::from_utf8_lossy(&ok.stdout).starts_with("OK"));

    let text = std::fs::read_to_string(&env.config).unwrap();
    std::fs::write(&env.config, text.replace("settle_ms", "setle_ms")).unwrap();
    let out = env.cli(&["check-config"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("setle_ms"));

    std::fs::write(
        &env.config,
        text.replace("inbox/omsorg", "inbox/finnes-ikke"),
    )
    .unwrap();
    for args in [&["check-config"][..], &["run"][..]] {
        let out = env.cli(args);
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {err}");
        assert!(
            err.contains("units[1].scan_folder")
                && err.contains("finnes-ikke")
                && err.contains("finnes ikke"),
            "{args:?}: {err}"
        );
    }
}

#[test]
fn sighup_adds_a_folder_and_sigterm_stops_cleanly() {
    let opts = Opts::default();
    let env = Env::new(opts.clone());
    let daemon = env.start();
    std::fs::create_dir_all(env.path().join("inbox/rus")).unwrap();
    std::fs::write(env.path().join("inbox/rus/waiting.pdf"), text_pdf(50)).unwrap();
    env.set_config(&opts, true);
    daemon.signal(nix::sys::signal::Signal::SIGHUP);
    let items = env.wait_items(WAIT, "file in the new folder", |items| {
        items.first().is_some_and(|i| state(i) == "queued")
    });
    assert_eq!(items[0]["unit"], "ekstra");

    // A bad config on SIGHUP is refused and the old one kept.
    let good = std::fs::read_to_string(&env.config).unwrap();
    std::fs::write(&env.config, "this is not toml").unwrap();
    daemon.signal(nix::sys::signal::Signal::SIGHUP);
    std::thread::sleep(Duration::from_millis(500));
    std::fs::write(&env.config, good).unwrap(); // for the CLI; the daemon is not told
    std::fs::write(env.path().join("inbox/rus/after.pdf"), text_pdf(51)).unwrap();
    env.wait_items(WAIT, "still running after a bad reload", |items| {
        items.len() == 2 && items.iter().all(|i| state(i) == "queued")
    });
    assert!(daemon.stop().success(), "SIGTERM must exit 0");
    let log = env.log();
    assert!(log.contains("ugyldig"), "bad reload must be logged");
    // The log is for files and the journal: plain text, no colour codes.
    assert!(log.contains("postmottak kjører"), "{log}");
    assert!(!log.contains('\u{1b}'), "ANSI escapes in the log: {log}");
}

#[test]
fn a_refused_file_that_cannot_be_moved_is_reported_and_moved_later() {
    let env = Env::new(Opts {
        rescan_secs: 1,
        ..Opts::default()
    });
    // `_avvist` cannot be created: a dangling symlink holds its name.
    let avvist = env.inbox("digital").join("_avvist");
    std::os::unix::fs::symlink(env.path().join("nowhere"), &avvist).unwrap();
    let daemon = env.start();
    std::fs::write(env.inbox("digital").join("notat.txt"), b"ikke et dokument").unwrap();
    std::fs::write(env.inbox("digital").join("brev.pdf"), text_pdf(60)).unwrap();
    let items = env.wait_items(WAIT, "refused and good", |items| {
        items.len() == 2 && all_settled(items)
    });
    assert_eq!(
        by_name(&items, "notat.txt")[0]["reject_code"],
        "unsupported"
    );
    assert_eq!(
        state(by_name(&items, "brev.pdf")[0]),
        "queued",
        "the daemon goes on"
    );
    assert!(
        env.inbox("digital").join("notat.txt").exists(),
        "not moved while _avvist is unusable"
    );
    let start = std::time::Instant::now();
    loop {
        let status = String::from_utf8(env.cli(&["status"]).stdout).unwrap();
        if status.contains("Siste feil") && status.contains("_avvist") {
            break;
        }
        assert!(start.elapsed() < WAIT, "error not reported: {status}");
        std::thread::sleep(Duration::from_millis(200));
    }

    // The folder is repaired: the next rescan finishes the move.
    std::fs::remove_file(&avvist).unwrap();
    let start = std::time::Instant::now();
    while !avvist.join("notat.txt").exists() {
        assert!(start.elapsed() < WAIT, "never moved; log:\n{}", env.log());
        std::thread::sleep(Duration::from_millis(200));
    }
    assert!(avvist.join("notat.txt.årsak.txt").exists());
    assert!(!env.inbox("digital").join("notat.txt").exists());
    assert_eq!(env.items().len(), 2, "no new item for the retried move");
    drop(daemon);
}

#[test]
fn systemd_hears_ready_status_watchdog_and_stopping() {
    let env = Env::new(Opts::default());
    let socket_path = env.path().join("notify.sock");
    let socket = std::os::unix::net::UnixDatagram::bind(&socket_path).unwrap();
    socket
        .set_read_timeout(Some(Duration::from_secs(30)))
        .unwrap();
    let daemon = env.start_with_env(&[
        ("NOTIFY_SOCKET", socket_path.to_str().unwrap()),
        ("WATCHDOG_USEC", "2000000"),
    ]);
    let mut heard = String::new();
    let mut buf = [0u8; 4096];
    let start = std::time::Instant::now();
    while !(heard.contains("READY=1")
        && heard.contains("WATCHDOG=1")
        && heard.contains("STATUS=0 i kø, 0 under OCR"))
    {
        assert!(start.elapsed() < WAIT, "heard only: {heard}");
        let n = socket.recv(&mut buf).unwrap();
        heard.push_str(&String::from_utf8_lossy(&buf[..n]));
        heard.push('\n');
    }
    assert!(daemon.stop().success());
    let mut rest = String::new();
    while let Ok(n) = socket.recv(&mut buf) {
        rest.push_str(&String::from_utf8_lossy(&buf[..n]));
        if rest.contains("STOPPING=1") {
            break;
        }
    }
    assert!(rest.contains("STOPPING=1"), "{rest}");
}

#[test]
fn a_folder_that_goes_away_does_not_register_its_items() {
    let env = Env::new(Opts {
        rescan_secs: 1,
        ..Opts::default()
    });
    let daemon = env.start();
    std::fs::write(env.inbox("mta").join("a.pdf"), text_pdf(70)).unwrap();
    env.wait_items(WAIT, "queued", |items| {
        items.len() == 1 && state(&items[0]) == "queued"
    });

    // The share disappears (unmounted, renamed away): its files only look gone.
    let away = env.path().join("inbox/mta-away");
    std::fs::rename(env.inbox("mta"), &away).unwrap();
    std::thread::sleep(Duration::from_secs(3));
    assert_eq!(state(&env.items()[0]), "queued", "log:\n{}", env.log());

    // Back again: watched again, and a file taken from it is registered.
    std::fs::rename(&away, env.inbox("mta")).unwrap();
    std::thread::sleep(Duration::from_secs(2));
    std::fs::write(env.inbox("mta").join("b.pdf"), text_pdf(71)).unwrap();
    env.wait_items(WAIT, "b queued", |items| {
        items.len() == 2 && all_settled(items)
    });
    std::fs::remove_file(env.inbox("mta").join("a.pdf")).unwrap();
    env.wait_items(WAIT, "a registered", |items| {
        state(by_name(items, "a.pdf")[0]) == "registered"
    });
    drop(daemon);
}

#[test]
fn a_second_daemon_on_the_same_data_folder_is_refused() {
    let env = Env::new(Opts::default());
    let daemon = env.start();
    let out = env.cli(&["run"]);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("kjører allerede"), "{err}");
    // The first one is unaffected.
    std::fs::write(env.inbox("mta").join("a.pdf"), text_pdf(80)).unwrap();
    env.wait_items(WAIT, "queued", |items| {
        items.len() == 1 && state(&items[0]) == "queued"
    });
    assert!(daemon.stop().success());
}

#[test]
fn an_allocated_item_shows_its_caseworker_and_is_registered_when_taken() {
    use postmottak::item::{ItemId, Role, UnitId};
    use postmottak::store::{board, events::Actor, users, Store};

    let env = Env::new(Opts::default());
    let daemon = env.start();
    std::fs::write(env.inbox("omsorg").join("brev.pdf"), text_pdf(90)).unwrap();
    let items = env.wait_items(WAIT, "queued", |items| {
        items.len() == 1 && state(&items[0]) == "queued"
    });
    let id = ItemId(items[0]["id"].as_i64().unwrap());

    // The morning meeting allocates it (the board's store API, as the board does).
    let mut store = Store::open(&env.data_dir().join("postmottak.sqlite")).unwrap();
    let user = users::create(
        &store,
        &users::NewUser {
            username: "kari",
            display_name: "Kari Saksbehandler",
            email: None,
            role: Role::Caseworker,
            units: &[UnitId::new("omsorg").unwrap()],
            password_hash: "x",
            totp_secret: "x",
        },
        Actor::System,
    )
    .unwrap();
    board::allocate(
        &mut store,
        id,
        user,
        Actor::System,
        board::AllocationKind::Cli,
        false,
    )
    .unwrap();
    drop(store);

    let items = env.items();
    assert_eq!(state(&items[0]), "allocated");
    assert_eq!(items[0]["allocated_to"], "kari");
    assert!(items[0]["allocated_at"].is_string());
    let waiting = env.cli(&["queue", "list", "--json"]);
    assert!(waiting.stdout.is_empty(), "allocated items are not waiting");

    std::fs::remove_file(env.inbox("omsorg").join("brev.pdf")).unwrap();
    env.wait_items(WAIT, "registered", |items| state(&items[0]) == "registered");
    drop(daemon);
}

#[test]
fn a_lost_content_copy_is_restored_from_the_original_not_refused() {
    use postmottak::item::{Sha256, Source, UnitId};
    use postmottak::store::items::{self, NewArrival};
    use postmottak::watch::settle::FileStamp;

    // An item admitted before a crash whose content copy has since vanished.
    let env = Env::new(Opts::default());
    let bytes = text_pdf(95);
    let path = env.inbox("mta").join("brev.pdf");
    std::fs::write(&path, &bytes).unwrap();
    let stamp = FileStamp::read(&path).unwrap().unwrap();
    std::fs::create_dir_all(env.data_dir()).unwrap();
    let sha = Sha256::of_bytes(&bytes);
    let mut store =
        postmottak::store::Store::open(&env.data_dir().join("postmottak.sqlite")).unwrap();
    items::admit(
        &mut store,
        &NewArrival {
            sha256: sha,
            source: Source::Scan,
            folder_unit: Some(UnitId::new("mta").unwrap()),
            source_path: path.to_string_lossy().into_owned(),
            file_name: "brev.pdf".into(),
            size: stamp.size,
            mtime_ns: stamp.mtime_ns,
            content_path: format!("content/{}/{}", &sha.to_hex()[..2], sha.to_hex()),
            received_at: chrono::Utc::now(),
        },
    )
    .unwrap();
    drop(store);

    let daemon = env.start();
    let items = env.wait_items(WAIT, "resumed and queued", |items| {
        items.len() == 1 && state(&items[0]) == "queued"
    });
    assert_eq!(items[0]["page_count"], 1);
    assert!(path.exists(), "the original stays in its inbox");
    let copy = env
        .data_dir()
        .join("content")
        .join(&sha.to_hex()[..2])
        .join(sha.to_hex());
    assert_eq!(std::fs::read(copy).unwrap(), bytes);
    drop(daemon);
}
