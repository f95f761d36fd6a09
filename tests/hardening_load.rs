//! Issue 9, concurrency on the real binary: for about a minute, sign-ins
//! (including a burst of wrong codes against one account), allocations and
//! corrections on the board, arrivals through the pipeline and mail sending,
//! all at once. No SQLITE_BUSY, no 500, nothing lost, the lockout limit exact.

mod board_common;
mod common;
#[path = "support_mail/seed.rs"]
mod seed;
mod support;

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use board_common::{add_cast, totp_now, Client, PASSWORD};
use postmottak::store::Store;

const RUN_FOR: Duration = Duration::from_secs(60);

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn board_pipeline_and_mail_at_once_lose_nothing_and_never_fail() {
    let env = support::Env::new(support::Opts {
        settle_ms: 200,
        rescan_secs: 5,
        ..support::Opts::default()
    });
    let web_port = seed::free_port();
    let smtp_port = seed::free_port();
    let mut config = std::fs::read_to_string(&env.config)
        .unwrap()
        .replace(support::WEB_SECTION, "");
    config.push_str(&format!(
        r#"
[web]
listen = "127.0.0.1:{web_port}"
login_attempts_per_minute = 0
[mail]
smtp_port = {smtp_port}
from = "postmottak@example.kommune.no"
retry_base_secs = 1
retry_max_secs = 1
poll_secs = 0.2
timeout_secs = 5
[mail.recipients]
records_officer = ["arkiv@example.kommune.no"]
[reports]
schedule = []
"#
    ));
    std::fs::write(&env.config, config).unwrap();
    std::fs::create_dir_all(env.data_dir()).unwrap();
    let db = env.data_dir().join("postmottak.sqlite");
    let cast = {
        let mut store = Store::open(&db).unwrap();
        add_cast(&mut store)
    };
    {
        // Old registered scans: their shelves are due, so notices are mailed
        // while everything else runs.
        let store = Store::open(&db).unwrap();
        for month in [5, 6, 7] {
            seed::item(
                &store,
                &seed::Seed::scan(seed::oslo(2026, month, 6, 9, 0), "registered"),
            );
        }
    }
    let sink = seed::SmtpSink::start(smtp_port, &env.path().join("smtp"));
    let daemon = env.start();
    let addr: std::net::SocketAddr = format!("127.0.0.1:{web_port}").parse().unwrap();
    wait_for_board(addr).await;

    let stop = Arc::new(AtomicBool::new(false));
    let errors = Arc::new(std::sync::Mutex::new(Vec::<String>::new()));
    let requests = Arc::new(AtomicUsize::new(0));

    // Arrivals: a letter every ~300 ms into the three scan folders.
    let arrivals = {
        let (stop, inboxes) = (
            stop.clone(),
            ["mta", "omsorg", "rus-psykisk-helse"].map(|f| env.inbox(f)),
        );
        std::thread::spawn(move || {
            let mut n = 0u32;
            while !stop.load(Ordering::Relaxed) {
                let folder = &inboxes[n as usize % 3];
                std::fs::write(
                    folder.join(format!("last-{n}.pdf")),
                    support::text_pdf(20_000 + n),
                )
                .unwrap();
                n += 1;
                std::thread::sleep(Duration::from_millis(300));
            }
            n
        })
    };

    // Clerks and a leader allocate and correct whatever is queued.
    let mut workers = Vec::new();
    for (who, to) in [("merkantil", "kari"), ("leder", "per")] {
        let user = &cast[who];
        let mut client = Client::signed_in(addr, &user.username, &user.secret).await;
        let to = cast[to].id.to_string();
        let (stop, errors, requests, db) =
            (stop.clone(), errors.clone(), requests.clone(), db.clone());
        workers.push(tokio::spawn(async move {
            let csrf = client.get("/").await.csrf();
            while !stop.load(Ordering::Relaxed) {
                let queued = queued_ids(&db);
                for id in queued.iter().take(3) {
                    let correct = client
                        .post(
                            &format!("/items/{id}/correct"),
                            &[
                                ("csrf", &csrf),
                                ("document_type", "soknad_tjenester"),
                                ("unit", "mta"),
                                ("title", "Rettet tittel"),
                            ],
                        )
                        .await;
                    let allocate = client
                        .post(
                            &format!("/items/{id}/allocate"),
                            &[("csrf", &csrf), ("to", &to), ("back", "/")],
                        )
                        .await;
                    requests.fetch_add(2, Ordering::Relaxed);
                    for (what, status) in
                        [("correct", correct.status), ("allocate", allocate.status)]
                    {
                        // 409: another clerk was first; 403 is a role answer. Never 5xx.
                        if status >= 500 {
                            errors
                                .lock()
                                .unwrap()
                                .push(format!("{what} {id}: {status}"));
                        }
                    }
                }
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
        }));
    }

    // Sign-ins: a burst of wrong codes against "olga" (limit 5), and good
    // sign-ins by the others, over and over.
    let burst = {
        let olga = cast["olga"].id;
        let mut tasks = Vec::new();
        for _ in 0..20 {
            tasks.push(tokio::spawn(async move {
                let mut c = Client::new(addr);
                c.login("olga", PASSWORD, "000000").await.status
            }));
        }
        let mut statuses = Vec::new();
        for t in tasks {
            statuses.push(t.await.unwrap());
        }
        (olga, statuses)
    };
    let signer = {
        let (stop, errors, requests) = (stop.clone(), errors.clone(), requests.clone());
        let secret = cast["arkiv"].secret.clone();
        tokio::spawn(async move {
            while !stop.load(Ordering::Relaxed) {
                let mut c = Client::new(addr);
                let resp = c.login("arkiv", PASSWORD, &totp_now(&secret)).await;
                requests.fetch_add(1, Ordering::Relaxed);
                if resp.status >= 500 {
                    errors
                        .lock()
                        .unwrap()
                        .push(format!("login: {}", resp.status));
                }
                let page = c.get("/audit").await;
                if page.status >= 500 {
                    errors
                        .lock()
                        .unwrap()
                        .push(format!("audit: {}", page.status));
                }
                tokio::time::sleep(Duration::from_millis(200)).await;
            }
        })
    };

    tokio::time::sleep(RUN_FOR).await;
    stop.store(true, Ordering::Relaxed);
    let dropped = tokio::task::spawn_blocking(move || arrivals.join().unwrap())
        .await
        .unwrap();
    for w in workers {
        w.await.unwrap();
    }
    signer.await.unwrap();

    // Nothing lost: every letter dropped became an item and left the pipeline.
    let items = env.wait_items(Duration::from_secs(120), "every arrival through", |items| {
        (0..dropped).all(|n| {
            support::by_name(items, &format!("last-{n}.pdf"))
                .first()
                .is_some_and(|i| matches!(support::state(i), "queued" | "allocated"))
        })
    });
    assert!(items.len() as u32 >= dropped);
    seed::wait_until(60, "the shelf notices", || sink.messages().len() >= 3);

    let errors = errors.lock().unwrap().clone();
    assert!(errors.is_empty(), "{errors:?}");
    assert!(requests.load(Ordering::Relaxed) > 50);
    let (olga, statuses) = burst;
    assert!(statuses.iter().all(|s| *s == 200), "{statuses:?}");
    let store = Store::open(&db).unwrap();
    let checked: i64 = store
        .inspect()
        .one(
            "SELECT COUNT(*) FROM events WHERE actor = ?1 AND kind IN ('login_failed','login_locked')",
            [olga],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(checked, 5, "the lockout limit is exact");
    let log = env.log();
    for bad in ["database is locked", "SQLITE_BUSY"] {
        assert!(!log.contains(bad), "{bad} in the log:\n{log}");
    }
    assert!(daemon.stop().success());
}

fn queued_ids(db: &std::path::Path) -> Vec<i64> {
    let Ok(store) = Store::open(db) else {
        return Vec::new();
    };
    store
        .inspect()
        .all(
            "SELECT id FROM items WHERE state = 'queued' ORDER BY id LIMIT 10",
            [],
            |r| r.get(0),
        )
        .unwrap_or_default()
}

async fn wait_for_board(addr: std::net::SocketAddr) {
    let start = Instant::now();
    while tokio::net::TcpStream::connect(addr).await.is_err() {
        assert!(
            start.elapsed() < Duration::from_secs(60),
            "board never listened"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}
