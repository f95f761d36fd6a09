//! The scheduler and the outbox without a server: which notices are queued
//! on which day (ready, reminders, blocked, after shredding), that running it
//! again queues nothing twice, and who receives them.

mod common;
#[path = "support_mail/seed.rs"]
mod seed;

use chrono::{DateTime, Utc};
use postmottak::config::Config;
use postmottak::mail::scheduler::enqueue_due;
use postmottak::retention;
use postmottak::store::Store;
use seed::*;

fn keys(store: &Store) -> Vec<String> {
    postmottak::store::outbox::outbox_rows(store)
        .unwrap()
        .into_iter()
        .map(|r| r.notice_key)
        .collect()
}

fn tick(store: &Store, config: &Config, at: DateTime<Utc>) -> usize {
    // Twice: a second run on the same instant must queue nothing.
    let n = enqueue_due(store, config, at).unwrap();
    assert_eq!(enqueue_due(store, config, at).unwrap(), 0);
    n
}

const MAIL: &str = "[mail]\nfrom = \"postmottak@example.kommune.no\"\n[reports]\nschedule = []\n";

#[test]
fn a_ready_shelf_gets_one_notice_then_weekly_reminders_until_shredded() {
    let dir = tempfile::tempdir().unwrap();
    let config = config(dir.path(), MAIL);
    let mut store = open(&config);
    user(
        &store,
        "arkiv",
        "Anne Arkiv",
        "records_officer",
        Some("arkiv@example.kommune.no"),
    );
    item(&store, &Seed::scan(oslo(2026, 9, 3, 10, 0), "registered"));

    assert_eq!(tick(&store, &config, oslo(2026, 12, 1, 23, 59)), 0);
    assert_eq!(tick(&store, &config, oslo(2026, 12, 2, 0, 1)), 1);
    assert_eq!(tick(&store, &config, oslo(2026, 12, 8, 12, 0)), 0);
    assert_eq!(tick(&store, &config, oslo(2026, 12, 9, 12, 0)), 1);
    assert_eq!(tick(&store, &config, oslo(2026, 12, 10, 12, 0)), 0);
    assert_eq!(tick(&store, &config, oslo(2026, 12, 16, 12, 0)), 1);
    assert_eq!(
        keys(&store),
        vec![
            "shelf:2026-09:ready",
            "shelf:2026-09:ready-reminder:1",
            "shelf:2026-09:ready-reminder:2"
        ]
    );
    // With no configured list, the records officers' own addresses are used.
    let rows = postmottak::store::outbox::outbox_rows(&store).unwrap();
    assert_eq!(rows[0].recipients, vec!["arkiv@example.kommune.no"]);
    assert!(rows[1]
        .subject
        .starts_with("Påminnelse: makuleringshylle september 2026"));

    retention::confirm_shredded(
        &mut store,
        &config.raw.retention,
        "2026-09".parse().unwrap(),
        "arkiv",
        day(2026, 12, 17),
        day(2026, 12, 17),
    )
    .unwrap();
    assert_eq!(tick(&store, &config, oslo(2026, 12, 23, 12, 0)), 0);
    assert_eq!(tick(&store, &config, oslo(2027, 3, 1, 12, 0)), 0);
}

#[test]
fn a_blocked_shelf_is_reported_then_reminded_and_announced_when_it_clears() {
    let dir = tempfile::tempdir().unwrap();
    let config = config(
        dir.path(),
        &format!("{MAIL}[mail.recipients]\nrecords_officer = [\"Arkiv <arkiv@example.kommune.no>\"]\n[retention]\nreminder_days = 3\n"),
    );
    let store = open(&config);
    let kari = user(&store, "kari", "Kari Saksbehandler", "caseworker", None);
    let open_item = item(
        &store,
        &Seed {
            allocated_to: Some(kari),
            ..Seed::scan(oslo(2026, 9, 3, 10, 0), "allocated")
        },
    );
    item(&store, &Seed::scan(oslo(2026, 9, 4, 10, 0), "registered"));

    assert_eq!(tick(&store, &config, oslo(2026, 12, 2, 8, 0)), 1);
    assert_eq!(tick(&store, &config, oslo(2026, 12, 4, 8, 0)), 0);
    assert_eq!(tick(&store, &config, oslo(2026, 12, 5, 8, 0)), 1);
    register(&store, open_item);
    assert_eq!(tick(&store, &config, oslo(2026, 12, 6, 8, 0)), 1);
    assert_eq!(
        keys(&store),
        vec![
            "shelf:2026-09:blocked:0",
            "shelf:2026-09:blocked:1",
            "shelf:2026-09:ready"
        ]
    );
    let rows = postmottak::store::outbox::outbox_rows(&store).unwrap();
    assert_eq!(
        rows[0].subject,
        "Makuleringshylle september 2026 er blokkert: 1 dokument er ikke registrert"
    );
    assert_eq!(rows[0].recipients, vec!["Arkiv <arkiv@example.kommune.no>"]);
}

#[test]
fn a_first_run_long_after_the_date_sends_the_notice_not_a_reminder() {
    let dir = tempfile::tempdir().unwrap();
    let config = config(dir.path(), MAIL);
    let store = open(&config);
    user(
        &store,
        "arkiv",
        "Anne Arkiv",
        "records_officer",
        Some("arkiv@example.kommune.no"),
    );
    item(&store, &Seed::scan(oslo(2026, 9, 3, 10, 0), "registered"));
    assert_eq!(tick(&store, &config, oslo(2027, 1, 20, 8, 0)), 1);
    assert_eq!(keys(&store), vec!["shelf:2026-09:ready"]);
}

#[test]
fn without_any_recipient_nothing_is_queued_and_nothing_fails() {
    let dir = tempfile::tempdir().unwrap();
    let config = config(dir.path(), MAIL);
    let store = open(&config);
    // A records officer without an e-mail address.
    user(&store, "arkiv", "Anne Arkiv", "records_officer", None);
    item(&store, &Seed::scan(oslo(2026, 9, 3, 10, 0), "registered"));
    assert_eq!(tick(&store, &config, oslo(2026, 12, 2, 8, 0)), 0);
    assert!(keys(&store).is_empty());
}
