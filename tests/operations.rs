//! Running postmottak as IT runs services, with the real binary on real
//! folders: a backup taken while the daemon takes arrivals, restored into a
//! new data folder, verified and served by the board; the metrics endpoint
//! scraped while files arrive and are refused; the OCR engines released at
//! rest and reloaded within a second; SIGHUP applying a non-folder section
//! (web, metrics) and the settings of a task that reads them at start
//! (direct allocation).

mod board_common;
mod common;
mod support;

use std::io::{Read, Write};
use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

use common::free_port;
use postmottak::config::Config;
use postmottak::store::outbox::NewMail;
use postmottak::store::Store;
use rusqlite::types::Value as Sql;
use support::*;

fn append_config(env: &Env, text: &str) {
    let mut config = std::fs::read_to_string(&env.config).unwrap();
    config.push_str(text);
    std::fs::write(&env.config, config).unwrap();
}

fn ok(out: &std::process::Output) -> String {
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        out.status.success(),
        "{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    stdout
}

/// Every row of a table, in rowid order.
fn rows(db: &Path, table: &str) -> Vec<Vec<Sql>> {
    Store::open(db)
        .unwrap()
        .inspect()
        .all(&format!("SELECT * FROM {table} ORDER BY rowid"), [], |r| {
            (0..r.as_ref().column_count())
                .map(|i| r.get::<_, Sql>(i))
                .collect::<rusqlite::Result<Vec<Sql>>>()
        })
        .unwrap()
}

fn queued(items: &[serde_json::Value]) -> usize {
    items.iter().filter(|i| state(i) == "queued").count()
}

#[test]
fn a_backup_taken_during_arrivals_restores_verifies_and_serves_on_the_board() {
    let env = Env::new(Opts::default());
    append_config(&env, "\n[mail]\nenabled = false\n");
    std::fs::create_dir_all(env.data_dir()).unwrap();
    let db = env.data_dir().join("postmottak.sqlite");
    let users = {
        let mut store = Store::open(&db).unwrap();
        let users = board_common::add_cast(&mut store);
        let to = vec!["arkiv@example.kommune.no".to_owned()];
        postmottak::store::outbox::enqueue_mail(
            &store,
            &NewMail {
                notice_key: "test:unsent",
                kind: "report_deviation",
                message_id: "<test@postmottak>",
                envelope_from: "postmottak@example.kommune.no",
                recipients: &to,
                subject: "Avviksrapport",
                raw: b"Subject: Avviksrapport\r\n\r\nTest\r\n",
                created_at: chrono::Utc::now(),
            },
        )
        .unwrap();
        users
    };
    let daemon = env.start();
    for n in 0..10 {
        std::fs::write(env.inbox("mta").join(format!("brev-{n}.pdf")), text_pdf(n)).unwrap();
    }
    env.wait_items(Duration::from_secs(90), "10 queued", |i| queued(i) == 10);

    let backup = tempfile::tempdir().unwrap();
    let to = backup.path().to_str().unwrap();
    let first = ok(&env.cli(&["backup", "--to", to]));
    assert!(
        first.contains("10 nye innholdsfiler kopiert, 0 fantes fra før"),
        "{first}"
    );

    // The second backup runs while thirty more letters arrive.
    let inbox = env.inbox("mta");
    let writer = std::thread::spawn(move || {
        for n in 10..40 {
            std::fs::write(inbox.join(format!("brev-{n}.pdf")), text_pdf(n)).unwrap();
            std::thread::sleep(Duration::from_millis(30));
        }
    });
    std::thread::sleep(Duration::from_millis(300));
    let during = ok(&env.cli(&["backup", "--to", to]));
    writer.join().unwrap();
    env.wait_items(Duration::from_secs(120), "40 queued", |i| queued(i) == 40);
    let last = ok(&env.cli(&["backup", "--to", to]));
    // Only what is new since the last backup is copied.
    assert!(
        !last.contains(", 0 fantes fra før"),
        "the third backup copied everything again: {last}"
    );
    assert!(last.contains("40 dokumenter"), "{last}");
    eprintln!("{first}{during}{last}");
    assert_eq!(daemon.stop().code(), Some(0));
    assert_eq!(
        std::fs::read_dir(backup.path().join("snapshots"))
            .unwrap()
            .count(),
        3
    );

    // Restore into a new, empty data folder.
    let restored_config = env.path().join("restored.toml");
    std::fs::write(
        &restored_config,
        std::fs::read_to_string(&env.config)
            .unwrap()
            .replace("data_dir = \"var\"", "data_dir = \"restored\""),
    )
    .unwrap();
    let restore = |args: &[&str]| {
        std::process::Command::new(BIN)
            .args(args)
            .arg("--config")
            .arg(&restored_config)
            .output()
            .unwrap()
    };
    let out = ok(&restore(&["restore", "--from", to]));
    assert!(out.contains("40 dokumenter"), "{out}");
    assert!(out.contains("alle 40 innholdsfiler finnes"), "{out}");
    let restored_db = env.path().join("restored/postmottak.sqlite");
    for table in [
        "items",
        "events",
        "users",
        "user_units",
        "outbox",
        "pages",
        "item_person_ids",
    ] {
        let (a, b) = (rows(&db, table), rows(&restored_db, table));
        assert_eq!(a, b, "table {table} differs after restore");
    }
    assert_eq!(rows(&restored_db, "outbox").len(), 1);
    assert_eq!(
        std::fs::read(env.data_dir().join("person_id.key")).unwrap(),
        std::fs::read(env.path().join("restored/person_id.key")).unwrap()
    );

    // A second restore into the now non-empty folder is refused.
    let again = restore(&["restore", "--from", to]);
    assert!(!again.status.success());
    assert!(String::from_utf8_lossy(&again.stderr).contains("ikke tom"));

    // The board serves the restored items.
    let config = Arc::new(Config::load(&restored_config).unwrap());
    let ids: Vec<i64> = rows(&restored_db, "items")
        .iter()
        .map(|r| match r[0] {
            Sql::Integer(id) => id,
            _ => panic!("id"),
        })
        .collect();
    let runtime = tokio::runtime::Runtime::new().unwrap();
    runtime.block_on(async {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let shutdown = tokio_util::sync::CancellationToken::new();
        tokio::spawn(postmottak::web::serve_on(
            listener,
            config,
            None,
            shutdown.clone(),
        ));
        let clerk = &users["merkantil"];
        let mut client =
            board_common::Client::signed_in(addr, &clerk.username, &clerk.secret).await;
        let queue = client.get("/").await;
        assert_eq!(queue.status, 200);
        for id in &ids {
            assert!(
                queue.body.contains(&format!("/items/{id}\"")),
                "item {id} not on the restored board"
            );
        }
        let item = client.get(&format!("/items/{}", ids[0])).await;
        assert_eq!(item.status, 200);
        shutdown.cancel();
    });

    // verify finds a damaged content file and names the item, not the file.
    let content: String = Store::open(&restored_db)
        .unwrap()
        .inspect()
        .one(
            "SELECT content_path FROM items WHERE id = ?1",
            [ids[0]],
            |r| r.get(0),
        )
        .unwrap();
    std::fs::write(env.path().join("restored").join(&content), b"damaged").unwrap();
    let verify = restore(&["verify"]);
    let text = String::from_utf8_lossy(&verify.stdout);
    assert_eq!(verify.status.code(), Some(1), "{text}");
    assert!(
        text.contains(&format!(
            "dokument #{}: innholdsfilen har feil sjekksum",
            ids[0]
        )),
        "{text}"
    );
    assert!(
        !text.contains("brev-"),
        "a file name in verify's output: {text}"
    );
}

/// `GET /metrics` over plain HTTP/1.0; `None` when nothing listens.
fn scrape(port: u16) -> Option<String> {
    let mut stream = std::net::TcpStream::connect(("127.0.0.1", port)).ok()?;
    stream
        .write_all(b"GET /metrics HTTP/1.0\r\nHost: localhost\r\n\r\n")
        .ok()?;
    let mut response = String::new();
    stream.read_to_string(&mut response).ok()?;
    assert!(
        response.starts_with("HTTP/1.0 200") || response.starts_with("HTTP/1.1 200"),
        "{response}"
    );
    Some(response.split_once("\r\n\r\n")?.1.to_owned())
}

/// The value of the sample line that starts with `series ` (name + labels).
fn value(text: &str, series: &str) -> Option<f64> {
    text.lines()
        .find_map(|l| l.strip_prefix(series)?.strip_prefix(' '))
        .and_then(|v| v.trim().parse().ok())
}

fn wait_for(what: &str, secs: u64, mut done: impl FnMut() -> bool) {
    let start = Instant::now();
    while !done() {
        assert!(
            start.elapsed() < Duration::from_secs(secs),
            "timed out waiting for {what}"
        );
        std::thread::sleep(Duration::from_millis(200));
    }
}

#[test]
fn metrics_move_as_files_arrive_and_are_refused_and_engines_rest_when_idle() {
    let env = Env::new(Opts::default());
    let port = free_port();
    append_config(
        &env,
        &format!("idle_release_secs = 2\n[mail]\nenabled = false\n[metrics]\nlisten = \"127.0.0.1:{port}\"\n"),
    );
    let daemon = env.start();
    let before = scrape(port).expect("metrics endpoint");
    assert_eq!(
        value(&before, "postmottak_items_admitted_total"),
        Some(0.0),
        "{before}"
    );
    for (unit, mode) in [
        ("mta", "events"),
        ("omsorg", "events"),
        ("digital", "events"),
    ] {
        let source = if unit == "digital" { "digital" } else { "scan" };
        let series =
            format!("postmottak_folder_up{{unit=\"{unit}\",source=\"{source}\",mode=\"{mode}\"}}");
        assert_eq!(value(&before, &series), Some(1.0), "{series} in\n{before}");
    }

    std::fs::write(env.inbox("mta").join("brev-a.pdf"), text_pdf(1)).unwrap();
    std::fs::write(env.inbox("omsorg").join("brev-b.pdf"), text_pdf(2)).unwrap();
    let scan =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("samples/files/mta/004-innsyn-journal.jpg");
    std::fs::copy(&scan, env.inbox("mta").join("skann-innsyn.jpg")).unwrap();
    std::fs::write(
        env.inbox("digital").join("notat.docx"),
        b"PK\x03\x04 not really a document",
    )
    .unwrap();
    let items = env.wait_items(Duration::from_secs(120), "3 queued, 1 refused", |i| {
        queued(i) == 3 && i.iter().any(|x| state(x) == "rejected")
    });
    let code = items
        .iter()
        .find(|i| state(i) == "rejected")
        .and_then(|i| i["reject_code"].as_str())
        .unwrap()
        .to_owned();

    let after = scrape(port).unwrap();
    assert_eq!(
        value(&after, "postmottak_items_admitted_total"),
        Some(4.0),
        "{after}"
    );
    assert_eq!(
        value(
            &after,
            &format!("postmottak_items_rejected_total{{code=\"{code}\"}}")
        ),
        Some(1.0),
        "{after}"
    );
    assert_eq!(
        value(&after, "postmottak_items{unit=\"mta\",state=\"queued\"}"),
        Some(2.0),
        "{after}"
    );
    assert_eq!(
        value(&after, "postmottak_items{unit=\"omsorg\",state=\"queued\"}"),
        Some(1.0),
        "{after}"
    );
    assert!(
        value(&after, "postmottak_ocr_page_seconds_count").unwrap() >= 1.0,
        "{after}"
    );
    assert!(
        value(&after, "postmottak_ocr_page_seconds_sum").unwrap() > 0.0,
        "{after}"
    );
    assert!(value(&after, "postmottak_last_arrival_timestamp_seconds").unwrap() > 1.7e9);
    assert_eq!(value(&after, "postmottak_outbox_pending"), Some(0.0));
    // No person data, title or file name in any line.
    for item in &items {
        let name = item["file_name"].as_str().unwrap();
        assert!(!after.contains(name), "file name {name} in metrics");
        if let Some(title) = item["title"].as_str() {
            assert!(!after.contains(title), "title {title} in metrics");
        }
    }
    let digits = regex::Regex::new(r"\d{11}").unwrap();
    for line in after.lines().filter(|l| l.contains('{')) {
        let labels = &line[line.find('{').unwrap()..line.rfind('}').unwrap()];
        assert!(!digits.is_match(labels), "an 11-digit number in {line}");
        assert!(!labels.contains('/'), "a path in {line}");
    }

    // At rest the engines are released; the next arrival loads them again.
    wait_for("engines released", 30, || {
        value(&scrape(port).unwrap(), "postmottak_ocr_engines_loaded") == Some(0.0)
    });
    // The gauge falls when the engines go; the rest's log line follows once
    // SQLite and the heap have given memory back too.
    wait_for("the rest logged", 30, || {
        env.log().contains("OCR-motorene er sluppet")
    });
    assert!(
        env.log().contains("OCR-motorene er sluppet"),
        "{}",
        env.log()
    );
    let resting = scrape(port).unwrap();
    // At the same rest every long-lived store connection gave its SQLite
    // page cache back, not only the pipeline's: the board's, the
    // after-meeting task's, the metrics scrape's, the mailer's.
    let shrunk = env
        .log()
        .lines()
        .filter(|l| l.contains("OCR-motorene er sluppet"))
        .filter_map(|l| l.split("sqlite_connections=").nth(1))
        .filter_map(|v| v.split_whitespace().next()?.parse::<u32>().ok())
        .max()
        .unwrap_or(0);
    assert!(
        shrunk >= 3,
        "{shrunk} connections shrunk at rest\n{}",
        env.log()
    );
    let sqlite = value(&resting, "postmottak_sqlite_heap_bytes").unwrap();
    eprintln!("SQLite heap at rest: {:.0} kB", sqlite / 1024.0);
    assert!(
        sqlite < 2.0 * 1_048_576.0,
        "SQLite holds {sqlite} bytes at rest"
    );
    let reloads = value(&resting, "postmottak_ocr_engine_reloads_total").unwrap();
    // A scan (a text-layer PDF never needs the engines).
    let scan =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("samples/files/mta/186-stottekontakt-sonn.tif");
    std::fs::copy(&scan, env.inbox("mta").join("skann-c.tif")).unwrap();
    env.wait_items(Duration::from_secs(60), "4 queued", |i| queued(i) == 4);
    let reloaded = scrape(port).unwrap();
    assert_eq!(
        value(&reloaded, "postmottak_ocr_engine_reloads_total"),
        Some(reloads + 1.0),
        "{reloaded}"
    );
    // The cost is the loading thread's CPU time: the wall time on a shared
    // two-core machine under test load says more about the neighbours.
    let cpu = value(&reloaded, "postmottak_ocr_engine_reload_cpu_seconds").unwrap();
    let wall = value(&reloaded, "postmottak_ocr_engine_reload_seconds").unwrap();
    eprintln!("OCR engine reload: {cpu:.3} s CPU, {wall:.3} s wall");
    assert!(
        cpu > 0.0 && cpu < 1.0,
        "reloading the OCR engines cost {cpu} s CPU"
    );
    assert!(wall < 10.0, "reloading the OCR engines took {wall} s");
    assert_eq!(daemon.stop().code(), Some(0));
}

/// The status line of `GET /login` on the board at `port`, if it answers.
fn board_answers(port: u16) -> bool {
    let Ok(mut stream) = std::net::TcpStream::connect(("127.0.0.1", port)) else {
        return false;
    };
    let _ = stream.write_all(b"GET /login HTTP/1.0\r\nHost: localhost\r\n\r\n");
    let mut response = String::new();
    let _ = stream.read_to_string(&mut response);
    response.starts_with("HTTP/1.0 200") || response.starts_with("HTTP/1.1 200")
}

#[test]
fn sighup_applies_new_web_and_metrics_sections_without_a_restart() {
    let env = Env::new(Opts::default());
    let (board, moved, port) = (free_port(), free_port(), free_port());
    let config = std::fs::read_to_string(&env.config)
        .unwrap()
        .replace(support::WEB_SECTION, "");
    std::fs::write(&env.config, config).unwrap();
    append_config(
        &env,
        &format!("\n[mail]\nenabled = false\n[web]\nlisten = \"127.0.0.1:{board}\"\n"),
    );
    let daemon = env.start();
    wait_for("the board", 20, || board_answers(board));
    assert!(scrape(port).is_none());
    let config = std::fs::read_to_string(&env.config)
        .unwrap()
        .replace(&format!("127.0.0.1:{board}"), &format!("127.0.0.1:{moved}"));
    std::fs::write(&env.config, config).unwrap();
    append_config(&env, &format!("[metrics]\nlisten = \"127.0.0.1:{port}\"\n"));
    daemon.signal(nix::sys::signal::Signal::SIGHUP);
    wait_for("metrics after SIGHUP", 20, || scrape(port).is_some());
    wait_for("the board on its new address", 20, || board_answers(moved));
    assert!(
        !board_answers(board),
        "the board still answers on its old address"
    );
    let pid = daemon.pid();
    let text = scrape(port).unwrap();
    assert!(text.contains("postmottak_items_admitted_total 0"), "{text}");
    assert!(
        env.log().contains("startet på nytt med ny konfigurasjon"),
        "{}",
        env.log()
    );
    // Same process: a reload, not a restart.
    assert_eq!(daemon.pid(), pid);
    assert!(nix::sys::signal::kill(nix::unistd::Pid::from_raw(pid), None).is_ok());
    assert_eq!(daemon.stop().code(), Some(0));
}

/// An installation with one unit whose caseworkers' shelves are allocated
/// at once (`direct`) or not.
fn direct_config(direct: bool) -> String {
    format!(
        "data_dir = \"var\"\n[[units]]\nid = \"mta\"\nname = \"MTA\"\n\
         scan_folder = \"inbox/mta\"\ndirect_allocation = {direct}\n\
         [digital]\nfolder = \"inbox/digital\"\n\
         [watch]\nsettle_ms = 300\npoll_interval_ms = 250\n[mail]\nenabled = false\n"
    )
}

#[test]
fn sighup_turns_on_direct_allocation_in_the_running_daemon() {
    let env = Env::new(Opts::default());
    std::fs::write(&env.config, direct_config(false)).unwrap();
    let config = Config::load(&env.config).unwrap();
    std::fs::create_dir_all(config.data_dir()).unwrap();
    let users = board_common::add_cast(&mut Store::open(&config.database_path()).unwrap());
    let mta = env.inbox("mta");
    std::fs::create_dir_all(mta.join("kari")).unwrap();
    let daemon = env.start();
    let pid = daemon.pid();

    std::fs::write(&env.config, direct_config(true)).unwrap();
    daemon.signal(nix::sys::signal::Signal::SIGHUP);
    wait_for("the direct task restarted", 20, || {
        env.log()
            .lines()
            .any(|l| l.contains("startet på nytt med ny konfigurasjon") && l.contains("direct"))
    });
    // The `direct` task read its config only at start before: a scan on
    // Kari's shelf stayed queued for the meeting.
    std::fs::write(mta.join("kari/fra-kari.pdf"), text_pdf(1)).unwrap();
    let items = env.wait_items(Duration::from_secs(60), "direct allocation", |items| {
        by_name(items, "fra-kari.pdf")
            .first()
            .is_some_and(|i| state(i) == "allocated")
    });
    let id = by_name(&items, "fra-kari.pdf")[0]["id"].as_i64().unwrap();
    let store = Store::open(&config.database_path()).unwrap();
    let to: Option<i64> = store
        .inspect()
        .one("SELECT allocated_to FROM items WHERE id = ?1", [id], |r| {
            r.get(0)
        })
        .unwrap();
    assert_eq!(to, Some(users["kari"].id));
    // Same process: a reload, not a restart.
    assert_eq!(daemon.pid(), pid);
    assert_eq!(daemon.stop().code(), Some(0));
}

#[test]
fn the_nightly_backup_timer_and_service_verify() {
    let Some(analyze) = ["/usr/bin/systemd-analyze", "/bin/systemd-analyze"]
        .iter()
        .map(Path::new)
        .find(|p| p.is_file())
    else {
        eprintln!("SKIPPED: systemd-analyze not found");
        return;
    };
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    let dir = tempfile::tempdir().unwrap();
    for name in ["postmottak-backup.service", "postmottak-backup.timer"] {
        let text = std::fs::read_to_string(repo.join("systemd").join(name))
            .unwrap()
            .replace("/usr/local/bin/postmottak", BIN);
        std::fs::write(dir.path().join(name), text).unwrap();
    }
    let service = std::fs::read_to_string(dir.path().join("postmottak-backup.service")).unwrap();
    assert!(service.contains(&format!(
        "ExecStart={BIN} backup --to /var/backups/postmottak"
    )));
    let out = std::process::Command::new(analyze)
        .arg("verify")
        .arg(dir.path().join("postmottak-backup.timer"))
        .arg(dir.path().join("postmottak-backup.service"))
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(!stderr.contains("postmottak-backup"), "warnings: {stderr}");
}
