//! The received stamp's plausibility window counts from the day the file
//! arrived (the item row's `received_at`), not from the day the daemon reads
//! it: a backlog read days later keeps its stamp dates, and a stamp dated
//! after the arrival is still refused.

mod support;

use std::path::Path;
use std::time::Duration;

use chrono::{TimeZone, Utc};
use postmottak::item::{ItemId, Sha256, Source, UnitId};
use postmottak::store::items::{self, NewArrival};
use postmottak::store::{board, Store};
use postmottak::watch::settle::FileStamp;
use support::*;

const WAIT: Duration = Duration::from_secs(90);

/// Puts a stamped letter in the inbox and admits it as having arrived at
/// `arrived` (as after a stop of the daemon: the row exists, nothing read).
fn admit_arrived(env: &Env, store: &mut Store, name: &str, stamp: &str, arrived: &str) -> ItemId {
    let bytes = text_pdf_lines(&[
        "RANA KOMMUNE",
        stamp,
        "Soknad om praktisk bistand i hjemmet",
        "Jeg ber om hjelp til husarbeid og innkjop to dager i uka.",
        "Hilsen Ola Nordmann",
    ]);
    let path = env.inbox("mta").join(name);
    std::fs::write(&path, &bytes).unwrap();
    let file = FileStamp::read(&path).unwrap().unwrap();
    let sha = Sha256::of_bytes(&bytes);
    match items::admit(
        store,
        &NewArrival {
            sha256: sha,
            source: Source::Scan,
            folder_unit: Some(UnitId::new("mta").unwrap()),
            source_path: path.to_string_lossy().into_owned(),
            file_name: name.into(),
            size: file.size,
            mtime_ns: file.mtime_ns,
            content_path: format!("content/{}/{}", &sha.to_hex()[..2], sha.to_hex()),
            received_at: arrived.parse().unwrap(),
        },
    )
    .unwrap()
    {
        items::Admission::New(id) => id,
        other => panic!("{name}: {other:?}"),
    }
}

fn stamped_date(db: &Path, id: ItemId) -> Option<chrono::NaiveDate> {
    let store = Store::open(db).unwrap();
    board::item(&store, id).unwrap().unwrap().stamped_date
}

#[test]
fn the_stamp_window_counts_from_the_files_arrival_not_from_the_reading() {
    let env = Env::new(Opts::default());
    std::fs::create_dir_all(env.data_dir()).unwrap();
    let db = env.data_dir().join("postmottak.sqlite");
    let mut store = Store::open(&db).unwrap();
    // Arrived on 20 March 2026, read now (months later): the stamp of ten
    // days before the arrival is far outside a window counted from today.
    let arrived = "2026-03-20T09:00:00Z";
    assert!(Utc::now() > Utc.with_ymd_and_hms(2026, 6, 20, 0, 0, 0).unwrap());
    let before = admit_arrived(&env, &mut store, "a.pdf", "MOTTATT 10 MAR 2026", arrived);
    let after = admit_arrived(&env, &mut store, "b.pdf", "MOTTATT 23 MAR 2026", arrived);
    drop(store);

    let daemon = env.start();
    env.wait_items(WAIT, "both read and queued", |items| {
        items.len() == 2 && items.iter().all(|i| state(i) == "queued")
    });
    drop(daemon);
    assert_eq!(
        stamped_date(&db, before),
        chrono::NaiveDate::from_ymd_opt(2026, 3, 10),
        "stamped ten days before the arrival"
    );
    assert_eq!(
        stamped_date(&db, after),
        None,
        "a stamp dated after the file arrived is a misreading"
    );
}
