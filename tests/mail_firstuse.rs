//! Mail as a new installation sends it (issue 15): with no `base_url` the
//! board's only known address is the loopback listen address, which no
//! reader of the mail can open, so notices and reports leave the board link
//! out instead of printing a dead one — and every date in them reads the
//! Norwegian way. Real SMTP (aiosmtpd) on loopback.

mod common;
#[path = "support_mail/seed.rs"]
mod seed;

use std::sync::Arc;
use std::time::Duration;

use postmottak::calendar::ManualClock;
use postmottak::mail;
use seed::*;
use tokio_util::sync::CancellationToken;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_a_board_address_mail_has_no_dead_links_and_norwegian_dates() {
    let dir = tempfile::tempdir().unwrap();
    let port = free_port();
    let sink = SmtpSink::start(port, &dir.path().join("smtp"));
    let config = config(
        dir.path(),
        &format!(
            r#"
[web]
listen = "127.0.0.1:0"
[mail]
smtp_host = "127.0.0.1"
smtp_port = {port}
from = "postmottak@example.kommune.no"
poll_secs = 0.2
retry_base_secs = 1
[mail.recipients]
records_officer = ["arkiv@example.kommune.no"]
[reports]
[[reports.schedule]]
report = "backlog"
days = ["wed"]
time = "07:00"
"#
        ),
    );
    let store = open(&config);
    let kari = user(
        &store,
        "kari",
        "Kari Saksbehandler",
        "caseworker",
        Some("kari@example.kommune.no"),
    );
    // September's shelf is blocked by an unregistered letter …
    item(&store, &Seed::scan(oslo(2026, 9, 3, 10, 0), "queued"));
    // … and Kari has a letter waiting to be registered.
    item(
        &store,
        &Seed {
            allocated_to: Some(kari),
            title: "Klage på vedtak",
            ..Seed::digital(oslo(2026, 11, 20, 9, 0), "allocated")
        },
    );

    // Wednesday 2 December 2026: the shelf date and the backlog report.
    let clock = Arc::new(ManualClock::new(oslo(2026, 12, 2, 7, 1)));
    let token = CancellationToken::new();
    let task = tokio::spawn(mail::run_with_clock(
        Arc::new(config.clone()),
        token.clone(),
        clock,
    ));
    let got = sink.wait_for(2, 15).await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    token.cancel();
    task.await.unwrap().unwrap();
    assert_eq!(got.len(), 2, "{got:#?}");

    let iso = regex::Regex::new(r"\b\d{4}-\d{2}-\d{2}\b").unwrap();
    for m in &got {
        for p in m["parts"].as_array().unwrap() {
            if p["type"] == "text/calendar" {
                continue;
            }
            let t = p["text"].as_str().unwrap();
            assert!(!t.contains("127.0.0.1"), "a dead link: {t}");
            assert!(!t.contains("http://"), "a link nobody can open: {t}");
            assert!(!t.contains("Tavlen:"), "{t}");
            assert!(!iso.is_match(t), "an ISO date for people: {t}");
        }
    }
    let shelf = got
        .iter()
        .find(|m| m["rcpt_tos"] == serde_json::json!(["arkiv@example.kommune.no"]))
        .expect("the shelf notice");
    let text = shelf["parts"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["type"] == "text/plain")
        .unwrap()["text"]
        .as_str()
        .unwrap();
    assert!(text.contains("mottatt 03.09.2026"), "{text}");
    let backlog = got
        .iter()
        .find(|m| m["rcpt_tos"] == serde_json::json!(["kari@example.kommune.no"]))
        .expect("Kari's backlog");
    let text = backlog["parts"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["type"] == "text/plain")
        .unwrap()["text"]
        .as_str()
        .unwrap();
    assert!(text.contains("20.11.2026"), "{text}");
    assert!(text.contains("Laget 02.12.2026 07:"), "{text}");
}
