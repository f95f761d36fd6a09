//! Shred shelves on a real on-disk store: dates across month lengths, leap
//! years and the year end; which items block a shelf and why; confirmation by
//! a records officer, kept forever.

mod common;
#[path = "support_mail/seed.rs"]
mod seed;

use chrono::NaiveDate;
use postmottak::retention::{
    self, BlockReason, RetentionConfig, RetentionError, ShelfId, ShelfState,
};
use postmottak::store::Store;
use seed::*;

fn shelf(s: &str) -> ShelfId {
    s.parse().unwrap()
}

#[test]
fn shred_dates_follow_month_lengths_leap_years_and_the_year_end() {
    // 62 full days after the month's last day; shreddable the day after.
    let cases = [
        ("2026-09", day(2026, 12, 2)), // the issue's example: 30 days in September
        ("2026-10", day(2027, 1, 2)),  // 31 days, across the year end
        ("2026-11", day(2027, 2, 1)),
        ("2026-12", day(2027, 3, 4)), // year end, then a 28-day February
        ("2027-02", day(2027, 5, 2)), // February of a common year
        ("2028-02", day(2028, 5, 2)), // leap-year February ends on the 29th
        ("2027-12", day(2028, 3, 3)), // the leap day lies inside the 62 days
        ("2028-01", day(2028, 4, 3)),
    ];
    for (id, expected) in cases {
        assert_eq!(shelf(id).shred_from(62), expected, "shelf {id}");
    }
    assert_eq!(shelf("2026-09").shred_from(90), day(2026, 12, 30));
    assert_eq!(shelf("2028-02").last_day(), day(2028, 2, 29));
}

#[test]
fn items_sit_on_the_shelf_of_their_oslo_scan_month() {
    let dir = tempfile::tempdir().unwrap();
    let config = config(dir.path(), "");
    let store = open(&config);
    // 23:30 UTC on 30 September is 01:30 on 1 October in Oslo.
    let late = item(&store, &Seed::scan(oslo(2026, 10, 1, 1, 30), "registered"));
    let sept = item(&store, &Seed::scan(oslo(2026, 9, 30, 23, 59), "registered"));
    // Digital post has no paper original.
    item(&store, &Seed::digital(oslo(2026, 9, 15, 9, 0), "queued"));
    let shelves =
        retention::shelves(&store, &RetentionConfig::default(), day(2026, 12, 2)).unwrap();
    let ids: Vec<(String, Vec<i64>)> = shelves
        .iter()
        .map(|s| (s.id.to_string(), s.items.iter().map(|i| i.id.0).collect()))
        .collect();
    assert_eq!(
        ids,
        vec![
            ("2026-09".to_owned(), vec![sept.0]),
            ("2026-10".to_owned(), vec![late.0])
        ]
    );
    assert_eq!(shelves[0].state, ShelfState::Ready);
    assert_eq!(shelves[1].state, ShelfState::Waiting);
}

#[test]
fn a_blocked_shelf_names_its_blocking_items_and_confirmation_is_kept_forever() {
    let dir = tempfile::tempdir().unwrap();
    let config = config(dir.path(), "[retention]\nmin_days = 62\n");
    let mut store = open(&config);
    let cfg = &config.raw.retention;
    let officer = user(
        &store,
        "arkiv",
        "Anne Arkiv",
        "records_officer",
        Some("arkiv@example.no"),
    );
    let worker = user(&store, "kari", "Kari Saksbehandler", "caseworker", None);

    let clean = item(&store, &Seed::scan(oslo(2026, 9, 1, 9, 0), "registered"));
    let allocated = item(
        &store,
        &Seed {
            allocated_to: Some(worker),
            ..Seed::scan(oslo(2026, 9, 2, 9, 0), "allocated")
        },
    );
    let queued = item(&store, &Seed::scan(oslo(2026, 9, 3, 9, 0), "queued"));
    let flagged = item(
        &store,
        &Seed {
            quality_flags: r#"["low_ocr_confidence","blank_pages"]"#,
            ..Seed::scan(oslo(2026, 9, 4, 9, 0), "registered")
        },
    );
    let cleared = item(
        &store,
        &Seed {
            quality_flags: r#"["strong_skew"]"#,
            quality_cleared: true,
            ..Seed::scan(oslo(2026, 9, 5, 9, 0), "registered")
        },
    );
    // A refused scan is not on the shelf: the paper is scanned again.
    item(
        &store,
        &Seed {
            reject_code: Some("corrupt"),
            ..Seed::scan(oslo(2026, 9, 6, 9, 0), "rejected")
        },
    );

    let id = shelf("2026-09");
    assert_eq!(
        retention::shelf(&store, cfg, id, day(2026, 9, 20))
            .unwrap()
            .state,
        ShelfState::Filling
    );
    assert_eq!(
        retention::shelf(&store, cfg, id, day(2026, 12, 1))
            .unwrap()
            .state,
        ShelfState::Waiting
    );

    let blocked = retention::shelf(&store, cfg, id, day(2026, 12, 2)).unwrap();
    assert_eq!(blocked.state, ShelfState::Blocked);
    assert_eq!(blocked.items.len(), 5);
    let blockers: Vec<(i64, Vec<BlockReason>)> = blocked
        .blockers()
        .map(|i| (i.id.0, i.blocking.clone()))
        .collect();
    use postmottak::item::{ItemState, QualityFlag};
    assert_eq!(
        blockers,
        vec![
            (
                allocated.0,
                vec![BlockReason::NotRegistered(ItemState::Allocated)]
            ),
            (
                queued.0,
                vec![BlockReason::NotRegistered(ItemState::Queued)]
            ),
            (
                flagged.0,
                vec![BlockReason::OpenQualityFlags(vec![
                    QualityFlag::LowOcrConfidence,
                    QualityFlag::BlankPages
                ])]
            ),
        ]
    );
    assert_eq!(
        blocked.block_summary_nb(),
        "2 dokumenter er ikke registrert, 1 dokument har åpent kvalitetsavvik"
    );

    // Confirm shelf `id` as `by`, shredded on `on`, with `today` as today.
    let confirm = |store: &mut Store, by: &str, on: NaiveDate, today: NaiveDate| {
        retention::confirm_shredded(store, cfg, id, by, on, today)
    };
    let refused = confirm(&mut store, "arkiv", day(2026, 12, 2), day(2026, 12, 2));
    assert!(
        matches!(refused, Err(RetentionError::NotReady { .. })),
        "{refused:?}"
    );

    register(&store, allocated);
    register(&store, queued);
    clear_quality(&store, flagged, worker);
    let ready = retention::shelf(&store, cfg, id, day(2026, 12, 2)).unwrap();
    assert_eq!(ready.state, ShelfState::Ready);

    // Only a records officer may confirm, and not before the date.
    let by_worker = confirm(&mut store, "kari", day(2026, 12, 3), day(2026, 12, 3));
    assert!(
        matches!(by_worker, Err(RetentionError::NotRecordsOfficer { .. })),
        "{by_worker:?}"
    );
    let too_early = confirm(&mut store, "arkiv", day(2026, 12, 1), day(2026, 12, 3));
    assert!(
        matches!(too_early, Err(RetentionError::NotReady { .. })),
        "{too_early:?}"
    );
    let unknown = confirm(&mut store, "ingen", day(2026, 12, 3), day(2026, 12, 3));
    assert!(
        matches!(unknown, Err(RetentionError::UnknownUser(_))),
        "{unknown:?}"
    );

    let done = confirm(&mut store, "arkiv", day(2026, 12, 2), day(2026, 12, 3)).unwrap();
    assert_eq!(done.state, ShelfState::Shredded);
    let confirmation = done.confirmation.unwrap();
    assert_eq!(confirmation.shredded_on, day(2026, 12, 2));
    assert_eq!(confirmation.confirmed_by, officer);
    assert_eq!(confirmation.confirmed_by_name, "Anne Arkiv");
    let mut expected = vec![clean, allocated, queued, flagged, cleared];
    expected.sort();
    assert_eq!(confirmation.item_ids, expected);

    let again = confirm(&mut store, "arkiv", day(2026, 12, 3), day(2026, 12, 3));
    assert!(again.is_err());
    // The log is permanent: the schema refuses to change or delete it.
    let refuses = |sql| store.inspect().schema_refuses(sql).unwrap();
    assert!(refuses("DELETE FROM shred_confirmations"));
    assert!(refuses(
        "UPDATE shred_confirmations SET shredded_on = '2020-01-01'"
    ));
    assert!(refuses("DELETE FROM shred_confirmation_items"));
    drop(store);
    let store = open(&config);
    let reopened = retention::shelf(&store, cfg, id, day(2027, 6, 1)).unwrap();
    assert_eq!(reopened.state, ShelfState::Shredded);
    let events: i64 = store
        .inspect()
        .one(
            "SELECT COUNT(*) FROM events WHERE kind = 'shelf_shredded' AND actor = ?1",
            [officer],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(events, 1);
}

#[test]
fn the_shelf_cli_lists_previews_and_confirms() {
    let dir = tempfile::tempdir().unwrap();
    let config = config(dir.path(), "");
    // July 2026: its date (2 October 2026) has passed on any day this runs.
    let store = open(&config);
    user(&store, "arkiv", "Anne Arkiv", "records_officer", None);
    let open_item = item(&store, &Seed::scan(oslo(2026, 7, 1, 9, 0), "queued"));
    person_id(&store, open_item, "018809*****");
    item(&store, &Seed::scan(oslo(2026, 7, 2, 9, 0), "registered"));
    drop(store);
    let run = |args: &[&str]| {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_postmottak"))
            .arg("shelf")
            .args(args)
            .arg("--config")
            .arg(dir.path().join("postmottak.toml"))
            .output()
            .unwrap();
        (
            out.status.success(),
            String::from_utf8_lossy(&out.stdout).into_owned(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    };
    let (ok, list, _) = run(&["list", "--at", "2026-10-02"]);
    assert!(ok);
    assert!(list.contains("2026-07  juli 2026"), "{list}");
    assert!(
        list.contains("blokkert – 1 dokument er ikke registrert"),
        "{list}"
    );
    let (ok, show, _) = run(&["show", "2026-07", "--at", "2026-10-01"]);
    assert!(ok);
    assert!(show.contains("Status: venter"), "{show}");
    assert!(
        show.contains("Kan makuleres fra: 2. oktober 2026"),
        "{show}"
    );
    assert!(show.contains(&format!("sak {:>6}", open_item.0)), "{show}");
    assert!(
        show.contains("(018809*****)  ← ikke registrert (status: til fordeling)"),
        "{show}"
    );
    let (ok, _, err) = run(&[
        "confirm-shredded",
        "2026-07",
        "--by",
        "arkiv",
        "--at",
        "2026-10-02",
    ]);
    assert!(!ok);
    assert!(err.contains("kan ikke makuleres: blokkert"), "{err}");
    let (ok, _, err) = run(&["show", "2026-13"]);
    assert!(!ok);
    assert!(err.contains("ÅÅÅÅ-MM"), "{err}");

    let store = open(&config);
    register(&store, open_item);
    drop(store);
    let (ok, out, err) = run(&[
        "confirm-shredded",
        "2026-07",
        "--by",
        "arkiv",
        "--at",
        "2026-10-02",
    ]);
    assert!(ok, "{err}");
    assert!(out.contains("bekreftet makulert: 2 dokumenter"), "{out}");
    let (_, list, _) = run(&["list"]);
    assert!(list.contains("makulert 02.10.2026 av Anne Arkiv"), "{list}");
}
