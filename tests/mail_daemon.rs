//! The mail service inside the real daemon: with the SMTP server down, a
//! due shelf notice waits in the outbox across a daemon restart and is
//! delivered exactly once when the server is up; later restarts send nothing.

mod common;
#[path = "support_mail/seed.rs"]
mod seed;

use postmottak::store::outbox::OutboxState;
use seed::*;

#[test]
fn a_notice_survives_a_daemon_restart_and_is_delivered_once() {
    let dir = tempfile::tempdir().unwrap();
    for folder in ["inbox/mta", "inbox/omsorg", "inbox/digital"] {
        std::fs::create_dir_all(dir.path().join(folder)).unwrap();
    }
    let port = free_port();
    let config = config(
        dir.path(),
        &format!(
            r#"
[mail]
smtp_port = {port}
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
        ),
    );
    let config_path = config.source.clone().unwrap();
    // July 2026 may be shredded from 2 October 2026: due on any day this runs.
    let store = open(&config);
    item(&store, &Seed::scan(oslo(2026, 7, 6, 9, 0), "registered"));
    item(&store, &Seed::scan(oslo(2026, 7, 7, 9, 0), "registered"));
    let rows = || postmottak::store::outbox::outbox_rows(&store).unwrap();

    let daemon = Daemon::start(&config_path);
    wait_until(30, "a failed attempt", || {
        rows().first().is_some_and(|r| r.attempts >= 1)
    });
    assert!(daemon.stop().success());
    assert_eq!(rows().len(), 1);
    assert_eq!(rows()[0].state, OutboxState::Pending);

    let sink = SmtpSink::start(port, &dir.path().join("smtp"));
    let daemon = Daemon::start(&config_path);
    wait_until(30, "delivery", || sink.messages().len() == 1);
    std::thread::sleep(std::time::Duration::from_millis(1500));
    assert!(daemon.stop().success());
    let daemon = Daemon::start(&config_path);
    std::thread::sleep(std::time::Duration::from_millis(1500));
    assert!(daemon.stop().success());

    let got = sink.messages();
    assert_eq!(got.len(), 1, "delivered exactly once: {got:#?}");
    assert_eq!(
        got[0]["subject"],
        "Makuleringshylle juli 2026 kan makuleres fra 2. oktober 2026"
    );
    assert!(got[0]["parts"]
        .as_array()
        .unwrap()
        .iter()
        .any(|p| p["type"] == "text/calendar"));
    let row = &rows()[0];
    assert_eq!(row.state, OutboxState::Sent);
    assert!(row.attempts >= 2, "{row:?}");
    assert_eq!(row.message_id, got[0]["message_id"].as_str().unwrap());
}
