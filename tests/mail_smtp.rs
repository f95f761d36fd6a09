//! The mail service against a real SMTP server (aiosmtpd) on loopback: a
//! shelf reaching its date produces exactly one notice with the .ics; with
//! the server down the notice waits in the outbox and is delivered exactly
//! once after the server starts, across a restart of the service; a blocked
//! shelf names its items without person numbers; scheduled reports go out
//! once at their time.

mod common;
#[path = "support_mail/seed.rs"]
mod seed;

use std::sync::Arc;
use std::time::Duration;

use postmottak::calendar::ManualClock;
use postmottak::config::Config;
use postmottak::mail;
use postmottak::store::outbox::OutboxState;
use seed::*;
use serde_json::Value;
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;

fn mail_config(dir: &std::path::Path, port: u16, schedule: &str) -> Config {
    config(
        dir,
        &format!(
            r#"
[mail]
smtp_host = "127.0.0.1"
smtp_port = {port}
tls = "none"
from = "postmottak@example.kommune.no"
base_url = "https://postmottak.example.kommune.no"
retry_base_secs = 1
retry_max_secs = 2
poll_secs = 0.2
timeout_secs = 5
[mail.recipients]
records_officer = ["arkiv@example.kommune.no"]
[reports]
{schedule}
"#
        ),
    )
}

struct Service {
    token: CancellationToken,
    task: JoinHandle<Result<(), mail::MailError>>,
}

fn start(config: &Config, clock: &Arc<ManualClock>) -> Service {
    let token = CancellationToken::new();
    let task = tokio::spawn(mail::run_with_clock(
        Arc::new(config.clone()),
        token.clone(),
        clock.clone(),
    ));
    Service { token, task }
}

impl Service {
    async fn stop(self) {
        self.token.cancel();
        self.task.await.unwrap().unwrap();
    }
}

fn part<'a>(message: &'a Value, content_type: &str) -> &'a Value {
    message["parts"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["type"] == content_type)
        .unwrap_or_else(|| panic!("no {content_type} part in {message}"))
}

async fn wait_until(mut done: impl FnMut() -> bool) {
    let deadline = std::time::Instant::now() + Duration::from_secs(15);
    while !done() {
        assert!(std::time::Instant::now() < deadline, "timed out waiting");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

fn seed_ready_september(config: &Config) {
    let store = open(config);
    for d in [3, 14, 29] {
        item(&store, &Seed::scan(oslo(2026, 9, d, 10, 0), "registered"));
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_shelf_reaching_its_date_sends_exactly_one_notice_with_a_calendar_event() {
    let dir = tempfile::tempdir().unwrap();
    let port = free_port();
    let sink = SmtpSink::start(port, &dir.path().join("smtp"));
    let config = mail_config(dir.path(), port, "schedule = []");
    seed_ready_september(&config);

    let clock = Arc::new(ManualClock::new(oslo(2026, 12, 1, 16, 0)));
    let service = start(&config, &clock);
    tokio::time::sleep(Duration::from_millis(800)).await;
    assert!(sink.messages().is_empty(), "nothing is due the day before");

    clock.set(oslo(2026, 12, 2, 7, 0));
    let got = sink.wait_for(1, 10).await;
    assert_eq!(got.len(), 1);
    // Several more cycles: still one.
    tokio::time::sleep(Duration::from_millis(1000)).await;
    service.stop().await;
    let got = sink.messages();
    assert_eq!(got.len(), 1, "exactly one notice: {got:#?}");

    let m = &got[0];
    assert_eq!(
        m["subject"],
        "Makuleringshylle september 2026 kan makuleres fra 2. desember 2026"
    );
    assert_eq!(
        m["rcpt_tos"],
        serde_json::json!(["arkiv@example.kommune.no"])
    );
    let text = part(m, "text/plain")["text"].as_str().unwrap();
    assert!(text.contains("Hyllen har 3 dokumenter"), "{text}");
    assert!(
        text.contains("postmottak shelf confirm-shredded 2026-09 --by"),
        "{text}"
    );
    assert!(
        text.contains("https://postmottak.example.kommune.no/shelves/2026-09"),
        "{text}"
    );
    let html = part(m, "text/html")["text"].as_str().unwrap();
    assert!(html.contains("href=\"https://postmottak.example.kommune.no/shelves/2026-09\""));
    let ics = part(m, "text/calendar");
    assert_eq!(ics["filename"], "makulering-2026-09.ics");
    let ics = ics["text"].as_str().unwrap();
    assert!(ics.contains("BEGIN:VCALENDAR"), "{ics}");
    assert!(ics.contains("DTSTART;VALUE=DATE:20261202"), "{ics}");
    assert!(ics.contains("DTEND;VALUE=DATE:20261203"), "{ics}");
    assert!(ics.contains("METHOD:PUBLISH"), "{ics}");
    assert!(
        ics.contains("SUMMARY:Makuler hylle september 2026"),
        "{ics}"
    );

    let store = open(&config);
    let rows = postmottak::store::outbox::outbox_rows(&store).unwrap();
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].state, OutboxState::Sent);
    assert_eq!(rows[0].message_id, m["message_id"].as_str().unwrap());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn with_the_server_down_the_notice_waits_and_is_delivered_once_after_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    let port = free_port();
    let config = mail_config(dir.path(), port, "schedule = []");
    seed_ready_september(&config);
    let clock = Arc::new(ManualClock::new(oslo(2026, 12, 2, 7, 0)));

    // No server on the port: the notice is queued and attempts fail; the
    // retry waits for its backoff on the service's clock.
    let first = start(&config, &clock);
    let store = open(&config);
    let attempts = |store: &postmottak::store::Store| {
        postmottak::store::outbox::outbox_rows(store)
            .unwrap()
            .first()
            .map(|r| r.attempts)
            .unwrap_or(0)
    };
    wait_until(|| attempts(&store) >= 1).await;
    tokio::time::sleep(Duration::from_millis(600)).await;
    assert_eq!(
        attempts(&store),
        1,
        "no retry before the backoff has passed"
    );
    clock.set(oslo(2026, 12, 2, 7, 1));
    wait_until(|| attempts(&store) >= 2).await;
    first.stop().await;
    let rows = postmottak::store::outbox::outbox_rows(&store).unwrap();
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].state, OutboxState::Pending);
    assert!(rows[0].last_error.is_some());
    // An unsent mail cannot be deleted.
    assert!(store
        .inspect()
        .schema_refuses("DELETE FROM outbox")
        .unwrap());

    // The server comes up; a new service instance (a restart) delivers it.
    let sink = SmtpSink::start(port, &dir.path().join("smtp"));
    clock.set(oslo(2026, 12, 2, 7, 5));
    let second = start(&config, &clock);
    let got = sink.wait_for(1, 15).await;
    assert_eq!(got.len(), 1);
    tokio::time::sleep(Duration::from_millis(1000)).await;
    second.stop().await;
    // And another restart later sends nothing again.
    let third = start(&config, &clock);
    tokio::time::sleep(Duration::from_millis(800)).await;
    third.stop().await;

    let got = sink.messages();
    assert_eq!(got.len(), 1, "delivered exactly once: {got:#?}");
    let rows = postmottak::store::outbox::outbox_rows(&store).unwrap();
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].state, OutboxState::Sent);
    assert_eq!(rows[0].message_id, got[0]["message_id"].as_str().unwrap());
    assert_eq!(
        rows[0].message_id,
        mail::compose::message_id("shelf:2026-09:ready", "postmottak@example.kommune.no")
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_blocked_shelf_notice_names_its_items_without_person_numbers() {
    let dir = tempfile::tempdir().unwrap();
    let port = free_port();
    let sink = SmtpSink::start(port, &dir.path().join("smtp"));
    let config = mail_config(dir.path(), port, "schedule = []");
    let store = open(&config);
    let mut waiting = Vec::new();
    for d in [3, 4, 5] {
        let id = item(&store, &Seed::scan(oslo(2026, 9, d, 10, 0), "queued"));
        person_id(&store, id, "018809*****");
        waiting.push(id);
    }
    item(&store, &Seed::scan(oslo(2026, 9, 6, 10, 0), "registered"));

    let clock = Arc::new(ManualClock::new(oslo(2026, 12, 2, 7, 0)));
    let service = start(&config, &clock);
    let got = sink.wait_for(1, 10).await;
    tokio::time::sleep(Duration::from_millis(600)).await;
    service.stop().await;
    assert_eq!(sink.messages().len(), 1);
    let m = &got[0];
    assert_eq!(
        m["subject"],
        "Makuleringshylle september 2026 er blokkert: 3 dokumenter er ikke registrert"
    );
    let text = part(m, "text/plain")["text"].as_str().unwrap();
    for id in &waiting {
        assert!(text.contains(&format!("Sak {id} · mottatt")), "{text}");
        assert!(
            text.contains(&format!("https://postmottak.example.kommune.no/items/{id}")),
            "{text}"
        );
    }
    // Mail leaves the secure zone: no person IDs, not even masked (issue 9).
    assert!(!text.contains("018809"), "{text}");
    assert!(
        !text.contains("confirm-shredded"),
        "a blocked shelf cannot be confirmed: {text}"
    );
    let raw = std::fs::read_to_string(sink.dir.join("0001.eml")).unwrap();
    let digits11 = regex::Regex::new(r"\b\d{11}\b").unwrap();
    for p in m["parts"].as_array().unwrap() {
        let t = p["text"].as_str().unwrap();
        assert!(!digits11.is_match(t), "an 11-digit number in the mail: {t}");
    }
    assert!(raw.contains("Message-ID: <"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn scheduled_reports_go_out_once_at_their_time() {
    let dir = tempfile::tempdir().unwrap();
    let port = free_port();
    let sink = SmtpSink::start(port, &dir.path().join("smtp"));
    let config = mail_config(
        dir.path(),
        port,
        r#"
[[reports.schedule]]
report = "backlog"
days = ["mon"]
time = "07:30"
[[reports.schedule]]
report = "deviation"
days = ["mon", "thu"]
time = "07:30"
"#,
    );
    let store = open(&config);
    let kari = user(
        &store,
        "kari",
        "Kari Saksbehandler",
        "caseworker",
        Some("kari@example.kommune.no"),
    );
    user(
        &store,
        "ola",
        "Ola Uten Restanse",
        "caseworker",
        Some("ola@example.kommune.no"),
    );
    let late = item(
        &store,
        &Seed {
            allocated_to: Some(kari),
            title: "Klage på vedtak",
            ..Seed::digital(oslo(2026, 11, 20, 9, 0), "allocated")
        },
    );
    person_id(&store, late, "018809*****");
    item(
        &store,
        &Seed {
            reject_code: Some("encrypted"),
            ..Seed::digital(oslo(2026, 11, 27, 9, 0), "rejected")
        },
    );

    // Monday 30 November 2026, 07:29: nothing yet.
    let clock = Arc::new(ManualClock::new(oslo(2026, 11, 30, 7, 29)));
    let service = start(&config, &clock);
    tokio::time::sleep(Duration::from_millis(800)).await;
    assert!(sink.messages().is_empty());
    clock.set(oslo(2026, 11, 30, 7, 31));
    let got = sink.wait_for(2, 10).await;
    tokio::time::sleep(Duration::from_millis(1000)).await;
    // Tuesday: nothing scheduled.
    clock.set(oslo(2026, 12, 1, 9, 0));
    tokio::time::sleep(Duration::from_millis(800)).await;
    service.stop().await;
    assert_eq!(sink.messages().len(), 2, "{got:#?}");

    let backlog = got
        .iter()
        .find(|m| m["rcpt_tos"] == serde_json::json!(["kari@example.kommune.no"]))
        .expect("Kari's backlog; Ola has none and gets no mail");
    assert_eq!(
        backlog["subject"],
        "Restanse 30. november 2026: 1 dokument fordelt til deg er ikke registrert"
    );
    let text = part(backlog, "text/plain")["text"].as_str().unwrap();
    // Received Friday 20 November, asked Monday 30 November: 6 working days.
    // Titles and (masked) person IDs stay on the board (issue 9).
    assert!(
        !text.contains("Klage på vedtak") && !text.contains("018809"),
        "{text}"
    );
    assert!(
        text.contains(&format!("{}    20.11.2026  6 ", late.0)),
        "{text}"
    );

    let deviation = got
        .iter()
        .find(|m| m["rcpt_tos"] == serde_json::json!(["arkiv@example.kommune.no"]))
        .unwrap();
    assert!(
        deviation["subject"]
            .as_str()
            .unwrap()
            .starts_with("Avviksrapport 30. november 2026:"),
        "{deviation}"
    );
    let html = part(deviation, "text/html")["text"].as_str().unwrap();
    assert!(html.contains("Avviste filer"), "{html}");
    assert!(html.contains("passordbeskyttet"), "{html}");
    assert!(
        deviation["headers"].to_string().contains("auto-generated")
            || std::fs::read_dir(&sink.dir)
                .unwrap()
                .flatten()
                .filter(|e| e.path().extension().is_some_and(|x| x == "eml"))
                .all(|e| std::fs::read_to_string(e.path())
                    .unwrap()
                    .contains("Auto-Submitted: auto-generated")),
        "every automated mail says so (RFC 3834)"
    );
}
