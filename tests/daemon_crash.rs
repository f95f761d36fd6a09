//! The crash oracle (after vector's fault-injection harness): a producer
//! drops hundreds of uniquely numbered files into the inboxes — written
//! directly, slowly in chunks, renamed in from outside, or via `.part` — while
//! the daemon is `kill -9`'d and restarted several times at random moments.
//! At the end every file must be stored exactly once, with its complete
//! bytes, none lost, none stuck in the pipeline, and new input must still
//! flow. The seed is printed; `CRASH_SEED=n` replays a run.

mod support;

use std::collections::HashMap;
use std::time::Duration;

use rand::{Rng, SeedableRng};
use support::*;

const FILES: u32 = 240;
const KILLS: usize = 5;

#[test]
fn kill_9_during_a_burst_loses_nothing_and_duplicates_nothing() {
    let seed: u64 = std::env::var("CRASH_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| rand::thread_rng().gen());
    eprintln!("crash oracle seed: {seed} (replay with CRASH_SEED={seed})");
    let env = Env::new(Opts {
        settle_ms: 150,
        ..Opts::default()
    });
    let outside = env.path().join("outside");
    std::fs::create_dir_all(&outside).unwrap();

    let producer = {
        let inboxes = ["mta", "omsorg", "digital"].map(|f| env.inbox(f));
        let outside = outside.clone();
        std::thread::spawn(move || {
            let mut rng = rand::rngs::StdRng::seed_from_u64(seed);
            let mut produced = HashMap::new();
            for serial in 0..FILES {
                let bytes = text_pdf(1000 + serial);
                let name = format!("skann-{serial:04}.pdf");
                let dest = inboxes[serial as usize % 3].join(&name);
                match rng.gen_range(0..4) {
                    0 => std::fs::write(&dest, &bytes).unwrap(),
                    1 => write_slowly(
                        &dest,
                        &bytes,
                        3,
                        Duration::from_millis(rng.gen_range(20..200)),
                    ),
                    2 => {
                        let tmp = outside.join(&name);
                        std::fs::write(&tmp, &bytes).unwrap();
                        std::fs::rename(&tmp, &dest).unwrap();
                    }
                    _ => {
                        let part = dest.with_extension("pdf.part");
                        write_slowly(&part, &bytes, 2, Duration::from_millis(30));
                        std::fs::rename(&part, &dest).unwrap();
                    }
                }
                produced.insert(name, sha256_hex(&bytes));
                std::thread::sleep(Duration::from_millis(rng.gen_range(0..25)));
            }
            produced
        })
    };

    let mut rng = rand::rngs::StdRng::seed_from_u64(seed ^ 0x5eed);
    let mut daemon = env.start();
    for _ in 0..KILLS {
        std::thread::sleep(Duration::from_millis(rng.gen_range(200..1500)));
        daemon.kill9();
        std::thread::sleep(Duration::from_millis(rng.gen_range(0..300)));
        daemon = env.start();
    }
    let produced = producer.join().unwrap();

    let items = env.wait_items(Duration::from_secs(300), "every file queued", |items| {
        items.len() >= produced.len() && items.iter().all(|i| state(i) == "queued")
    });
    assert_eq!(items.len(), produced.len(), "each file stored exactly once");
    let mut seen = HashMap::new();
    for item in &items {
        let name = item["file_name"].as_str().unwrap();
        let expected = produced
            .get(name)
            .unwrap_or_else(|| panic!("unexpected item {item}"));
        assert_eq!(
            item["sha256"].as_str().unwrap(),
            expected,
            "{name} stored complete"
        );
        assert!(seen.insert(name.to_owned(), ()).is_none(), "{name} twice");
        let sha = expected.as_str();
        let copy = env.data_dir().join("content").join(&sha[..2]).join(sha);
        assert_eq!(
            &sha256_hex(&std::fs::read(&copy).unwrap()),
            expected,
            "content copy of {name}"
        );
    }
    // The history agrees: one admission and one move to `queued` per item,
    // whatever was redone after a kill.
    let store = postmottak::store::Store::open(&env.data_dir().join("postmottak.sqlite")).unwrap();
    let odd: Vec<(i64, i64, i64)> = store
        .inspect()
        .all(
            "SELECT i.id,
                    (SELECT COUNT(*) FROM events e WHERE e.item_id = i.id AND e.kind = 'admitted'),
                    (SELECT COUNT(*) FROM events e WHERE e.item_id = i.id AND e.to_state = 'queued')
             FROM items i",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .unwrap()
        .into_iter()
        .filter(|(_, admitted, queued)| (*admitted, *queued) != (1, 1))
        .collect();
    assert!(
        odd.is_empty(),
        "items with a history other than one admission and one queueing: {odd:?}"
    );
    drop(store);

    // No crash leftovers in the content store's scratch folder after a start.
    assert_eq!(
        std::fs::read_dir(env.data_dir().join("content/tmp"))
            .unwrap()
            .count(),
        0
    );

    // New input still flows after all that.
    std::fs::write(env.inbox("mta").join("etterpå.pdf"), text_pdf(99_999)).unwrap();
    env.wait_items(
        Duration::from_secs(60),
        "new input after the crashes",
        |items| {
            by_name(items, "etterpå.pdf")
                .first()
                .is_some_and(|i| state(i) == "queued")
        },
    );
    assert!(!env.log().contains("panicked"), "a panic in the daemon log");
    assert!(daemon.stop().success());
}
