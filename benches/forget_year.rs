//! Benchmark (not a test): disk use over a simulated year of post with the
//! `[forget]` policy, against what the same post would take if nothing were
//! ever deleted (postmottak before issue 16).
//!
//! Each working day of 2026, `--per-day` generated text-PDF letters arrive
//! (content-store copies named by SHA-256, like admission), a third of them
//! get a page image on the board (a 60 KB file in the page cache), and each
//! is registered 1–5 working days later (one in twenty waits 40 days); the
//! sweep runs every day as the daemon would. Printed per month: content
//! store, page cache, database, and the no-deletion figure. The content
//! store stays bounded by arrival rate × (registration delay + grace).
//!
//! Run: `cargo bench --bench forget_year` (`-- --per-day N`, default 25; about 200 a day is a year of 50 000 letters).
//! The database keeps growing by design: the bare records stay for
//! `keep_records_years` (5), a few hundred bytes an item.

#[path = "../tests/support/mod.rs"]
mod support;

use std::path::Path;
use std::time::Instant;

use chrono::{Datelike, NaiveDate};
use postmottak::calendar::{add_days, is_working_day, oslo_instant};
use postmottak::forget::{self, ForgetConfig};
use postmottak::item::{ItemId, UnitId};
use postmottak::store::board::fixture::{self, FixtureItem};
use postmottak::store::items;
use postmottak::store::Store;
use rand::{Rng, SeedableRng};

const IMAGE_BYTES: usize = 60 * 1024;

fn dir_bytes(path: &Path) -> u64 {
    let Ok(entries) = std::fs::read_dir(path) else {
        return 0;
    };
    entries
        .flatten()
        .map(|e| match e.metadata() {
            Ok(m) if m.is_dir() => dir_bytes(&e.path()),
            Ok(m) => m.len(),
            Err(_) => 0,
        })
        .sum()
}

fn mb(bytes: u64) -> String {
    format!("{:.1}", bytes as f64 / (1024.0 * 1024.0))
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let per_day: u32 = args
        .iter()
        .position(|a| a == "--per-day")
        .and_then(|i| args.get(i + 1))
        .and_then(|v| v.parse().ok())
        .unwrap_or(25);
    let tmp = tempfile::tempdir().expect("temp dir");
    let data_dir = tmp.path().join("var");
    std::fs::create_dir_all(data_dir.join("cache/pages")).expect("cache dir");
    let mut store = Store::open(&data_dir.join("postmottak.sqlite")).expect("store");
    let cfg = ForgetConfig {
        page_cache_max_mb: 20,
        ..ForgetConfig::default()
    };
    let mut rng = rand::rngs::StdRng::seed_from_u64(16);
    let unit = UnitId::new("mta").expect("unit");
    let started = Instant::now();

    // (item, day it is registered)
    let mut pending: Vec<(ItemId, NaiveDate)> = Vec::new();
    let mut serial = 0u32;
    let mut without_policy = 0u64;
    let mut content_without_policy = 0u64;
    let mut max_content = 0u64;
    let mut letter_bytes = 0u64;
    println!(
        "{:<8} {:>8} {:>12} {:>10} {:>8} {:>12} {:>14}",
        "month", "letters", "content MB", "cache MB", "db MB", "total MB", "no deletion MB"
    );
    let mut day: NaiveDate = "2026-01-01".parse().expect("date");
    let end: NaiveDate = "2026-12-31".parse().expect("date");
    while day <= end {
        let at = oslo_instant(day.and_hms_opt(9, 0, 0).unwrap_or_default());
        if is_working_day(day) {
            let mut batch = Vec::new();
            for _ in 0..per_day {
                serial += 1;
                let bytes = support::text_pdf(serial);
                letter_bytes = bytes.len() as u64;
                let sha = support::sha256_hex(&bytes);
                let rel = format!("content/{}/{sha}", &sha[..2]);
                let path = data_dir.join(&rel);
                std::fs::create_dir_all(path.parent().unwrap_or(&data_dir)).expect("dir");
                std::fs::write(&path, &bytes).expect("content");
                without_policy += bytes.len() as u64;
                content_without_policy += bytes.len() as u64;
                let mut item = FixtureItem::queued(&unit, "soknad_tjenester", "Søknad", "tekst");
                item.content_path = rel;
                item.received_at = at;
                batch.push(item);
            }
            let ids = fixture::insert(&store, &batch).expect("insert");
            for id in ids {
                if rng.gen_ratio(1, 3) {
                    let image = data_dir.join(format!("cache/pages/{}-1-110.png", id.0));
                    std::fs::write(image, vec![0u8; IMAGE_BYTES]).expect("image");
                    without_policy += IMAGE_BYTES as u64;
                }
                let mut when = day;
                let delay = if rng.gen_ratio(1, 20) {
                    40
                } else {
                    rng.gen_range(1..=5)
                };
                let mut left = delay;
                while left > 0 {
                    when = add_days(when, 1);
                    if is_working_day(when) {
                        left -= 1;
                    }
                }
                pending.push((id, when));
            }
        }
        let registered_at = oslo_instant(day.and_hms_opt(14, 0, 0).unwrap_or_default());
        pending.retain(|(id, when)| {
            if *when == day {
                items::mark_registered(&store, *id, registered_at).expect("register");
                false
            } else {
                true
            }
        });
        let night = oslo_instant(day.and_hms_opt(2, 15, 0).unwrap_or_default());
        forget::run(&mut store, &data_dir, &cfg, day, night).expect("sweep");
        let content = dir_bytes(&data_dir.join("content"));
        max_content = max_content.max(content);
        let month_end = add_days(day, 1).month() != day.month();
        if month_end {
            let cache = dir_bytes(&data_dir.join("cache"));
            let db = ["postmottak.sqlite", "postmottak.sqlite-wal"]
                .iter()
                .map(|f| {
                    std::fs::metadata(data_dir.join(f))
                        .map(|m| m.len())
                        .unwrap_or(0)
                })
                .sum::<u64>();
            println!(
                "{:<8} {:>8} {:>12} {:>10} {:>8} {:>12} {:>14}",
                format!("{}-{:02}", day.year(), day.month()),
                serial,
                mb(content),
                mb(cache),
                mb(db),
                mb(content + cache + db),
                mb(without_policy + db)
            );
        }
        match day.succ_opt() {
            Some(next) => day = next,
            None => break,
        }
    }
    // Upper bound: a letter is held at most its registration delay (40
    // working days ≈ 56 calendar days for the slowest) plus the grace
    // period (and a day for the nightly sweep); five arrival days a week.
    let held_days = 56 + 1 + u64::from(cfg.registered_grace_days);
    let bound = u64::from(per_day) * letter_bytes * held_days * 5 / 7;
    println!(
        "content store: max {} MB over the year; policy bound ≈ {} MB \
         (arrivals × (slowest registration + {} days grace)); without deletion {} MB",
        mb(max_content),
        mb(bound),
        cfg.registered_grace_days,
        mb(content_without_policy)
    );
    println!(
        "page cache bound {} MB; {} letters in {:.1} s",
        cfg.page_cache_max_mb,
        serial,
        started.elapsed().as_secs_f64()
    );
}
