//! A scheduled report that fell due while the daemon was stopped is sent
//! once when it starts again, and never twice; a new installation does not
//! send the reports of the days before it first ran.

mod common;
#[path = "support_mail/seed.rs"]
mod seed;

use postmottak::mail::scheduler::enqueue_due;
use postmottak::store::Store;
use seed::*;

const SCHEDULE: &str = r#"
[mail]
from = "postmottak@example.kommune.no"
[mail.recipients]
records_officer = ["arkiv@example.kommune.no"]
[[reports.schedule]]
report = "deviation"
days = ["mon"]
time = "07:30"
"#;

fn keys(store: &Store) -> Vec<String> {
    postmottak::store::outbox::outbox_rows(store)
        .unwrap()
        .into_iter()
        .map(|r| r.notice_key)
        .collect()
}

#[test]
fn a_report_due_while_the_daemon_was_stopped_is_sent_once_when_it_starts() {
    let dir = tempfile::tempdir().unwrap();
    let config = config(dir.path(), SCHEDULE);
    let store = open(&config);
    // Running on Friday 27 November: last Monday was before the first run.
    assert_eq!(
        enqueue_due(&store, &config, oslo(2026, 11, 27, 12, 0)).unwrap(),
        0
    );
    // Stopped over the weekend and all Monday 30 November; started Tuesday.
    assert_eq!(
        enqueue_due(&store, &config, oslo(2026, 12, 1, 9, 0)).unwrap(),
        1
    );
    assert_eq!(keys(&store), vec!["report:deviation:2026-11-30"]);
    let subject = postmottak::store::outbox::outbox_rows(&store).unwrap()[0]
        .subject
        .clone();
    assert!(
        subject.starts_with("Avviksrapport 30. november 2026:"),
        "{subject}"
    );
    // Never twice: later the same day, the next day, a restart.
    for at in [
        oslo(2026, 12, 1, 9, 1),
        oslo(2026, 12, 2, 8, 0),
        oslo(2026, 12, 7, 7, 29),
    ] {
        assert_eq!(enqueue_due(&store, &config, at).unwrap(), 0, "{at}");
    }
    // The next Monday's comes on time.
    assert_eq!(
        enqueue_due(&store, &config, oslo(2026, 12, 7, 7, 31)).unwrap(),
        1
    );
    assert_eq!(
        keys(&store),
        vec!["report:deviation:2026-11-30", "report:deviation:2026-12-07"]
    );
}

#[test]
fn a_new_installation_does_not_send_the_reports_of_days_before_it_ran() {
    let dir = tempfile::tempdir().unwrap();
    let config = config(dir.path(), SCHEDULE);
    let store = open(&config);
    // First start ever on Tuesday: Monday's report is not owed.
    assert_eq!(
        enqueue_due(&store, &config, oslo(2026, 12, 1, 9, 0)).unwrap(),
        0
    );
    // First start on a Monday after 07:30: today's report is due, as before.
    let dir = tempfile::tempdir().unwrap();
    let config = seed::config(dir.path(), SCHEDULE);
    let store = open(&config);
    assert_eq!(
        enqueue_due(&store, &config, oslo(2026, 11, 30, 8, 0)).unwrap(),
        1
    );
}
