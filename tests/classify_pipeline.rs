//! The labelled set through the real pipeline: every rendered sample
//! (`samples/files/<folder>/<id>.*` — scans at 200/300 dpi, upside-down and
//! duplex scans, PNG/JPEG/TIFF, text PDFs) read by the real `Extractor`
//! (pdfium + tesseract), then classified. Same targets as the ground-truth
//! run: document type ≥ 95 %, person-ID recall 100 % with zero false
//! positives, urgent recall 100 %, document date ≥ 95 %.
//!
//! OCR is the cost (~2 s a scan per core): files are read by two threads
//! sharing one extractor with two OCR workers. The whole set (some 4 000
//! scans, ~40 minutes on two cores) is `through_the_extractor`, ignored,
//! run at every held-out check and after any change to the extract stage;
//! the suite reads a fixed sample of it, `a_sample_through_the_extractor`
//! (every letter below 200 and every eighth after, about 550 scans), so the
//! whole suite stays well under 20 minutes.

mod classify_support;
mod common;

use std::path::PathBuf;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use classify_support::batches::{span, FORMERLY_HELD_OUT, HELD_OUT, SAMPLE_LATER_STAMPS};
use classify_support::{evaluate, is_held_out, load_letters, repo, Letter};
use postmottak::extract::{ExtractConfig, Extraction, Extractor};

fn rendered(letter: &Letter) -> PathBuf {
    let ext = match letter.render.as_str() {
        "png" => "png",
        "jpeg" => "jpg",
        "tiff" => "tif",
        _ => "pdf",
    };
    repo()
        .join("samples/files")
        .join(&letter.folder)
        .join(format!("{}.{ext}", letter.id))
}

/// Every letter's rendered file read by the real extractor on `threads`
/// threads, each taking the next letter when it is free (scans and text
/// PDFs differ a hundredfold in cost). `before` runs as a letter is taken;
/// each result carries how long its extraction took.
fn extract_all(
    extractor: &Extractor,
    letters: &[&Letter],
    threads: usize,
    before: impl Fn(&Letter) + Sync,
) -> Vec<(String, Extraction, Duration)> {
    let next = std::sync::atomic::AtomicUsize::new(0);
    let results: Mutex<Vec<(String, Extraction, Duration)>> = Mutex::new(Vec::new());
    std::thread::scope(|s| {
        for _ in 0..threads {
            s.spawn(|| loop {
                let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                let Some(letter) = letters.get(i) else { break };
                before(letter);
                let path = rendered(letter);
                let started = Instant::now();
                let extraction = extractor
                    .extract_path(&path)
                    .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
                results
                    .lock()
                    .unwrap()
                    .push((letter.id.clone(), extraction, started.elapsed()));
            });
        }
    });
    results.into_inner().unwrap()
}

/// The extractor the tests share: two OCR workers for two threads.
fn extractor() -> Extractor {
    let config = ExtractConfig {
        ocr_workers: Some(2),
        ..ExtractConfig::default()
    };
    Extractor::new(&config).expect("extractor (run scripts/setup)")
}

/// `letters` through the real extractor, looked up by letter.
fn extracted_by_letter(letters: &[&Letter]) -> impl Fn(&Letter) -> Option<Extraction> + use<> {
    let results = extract_all(&extractor(), letters, 2, |_| {});
    move |letter: &Letter| {
        results
            .iter()
            .find(|(id, _, _)| *id == letter.id)
            .map(|(_, e, _)| e.clone())
    }
}

/// The rendered letters `keep` chooses, and their extractions.
fn rendered_through_the_extractor(
    keep: fn(&Letter) -> bool,
) -> (Vec<Letter>, impl Fn(&Letter) -> Option<Extraction>) {
    let letters: Vec<Letter> = load_letters()
        .into_iter()
        .filter(|l| keep(l) && rendered(l).is_file())
        .collect();
    let chosen: Vec<&Letter> = letters.iter().collect();
    let extracted = extracted_by_letter(&chosen);
    (letters, extracted)
}

/// The suite's fixed sample: every tuning letter below 200 (the set the
/// targets are asserted on, with the quality-flag letters) and every
/// eighth after it by number, which spreads over every writing round,
/// render and stamp look. Held-out letters are read only by the full run.
fn in_the_suite_sample(letter: &Letter) -> bool {
    !is_held_out(letter) && classify_support::number(letter).is_some_and(|n| n < 200 || n % 8 == 0)
}

#[test]
fn a_sample_through_the_extractor() {
    let (letters, extracted) = rendered_through_the_extractor(in_the_suite_sample);
    let report = evaluate(&letters, &extracted);
    report.print_summary("rendered files through the real Extractor, the suite's sample");
    let part = |range| classify_support::numbered(&letters, range);
    let built_on = evaluate(&part(0..1400), &extracted);
    let outside = 1400..HELD_OUT.ids.start;
    let later = evaluate(&part(outside.clone()), &extracted);
    println!(
        "stamp date: sampled scans below 1400 {}/{} right, sampled scans {} {}/{} right",
        built_on.stamped_right,
        built_on.stamped_total,
        span(&outside),
        later.stamped_right,
        later.stamped_total
    );
    // The issue's ≥ 95 % on the stamped scans the reader was built on.
    let (right, stamped) = (built_on.stamped_right, built_on.stamped_total);
    assert!(
        right * 100 >= stamped * 95,
        "stamp date right on {right}/{stamped} sampled stamped letters below 1400"
    );
    // The outside batches' stamps, kept at the level measured on this
    // sample.
    later.assert_stamp_level(
        &format!("sampled stamps {}", span(&outside)),
        SAMPLE_LATER_STAMPS.may_miss,
        SAMPLE_LATER_STAMPS.measured,
    );
    assert_eq!(report.stamp_invented, 0, "stamp date invented");
    // The set the rules were built on (000–199) keeps the targets.
    evaluate(&part(0..200), &extracted).assert_targets();

    // Quality flags from real extraction facts: the duplex scan's blank
    // backs, the letter whose page 3 of 3 never arrived; clean text PDFs and
    // clean scans carry none.
    use postmottak::item::QualityFlag;
    let flags = |id: &str| report.flags.get(id).cloned().unwrap_or_default();
    assert!(flags("116-bpa-skjema-to-sider").contains(&QualityFlag::BlankPages));
    assert!(flags("166-klage-mangler-side").contains(&QualityFlag::MissingPages));
    assert_eq!(flags("167-klage-to-sider-nynorsk-digital"), vec![]);
    assert_eq!(flags("139-utskrivningsklar-pasient"), vec![]);
    assert_eq!(flags("100-soknad-hjemmesykepleie"), vec![]);
}

#[test]
#[ignore = "the whole labelled set through OCR, ~40 minutes on two cores: run at a held-out check and after a change to the extract stage (cargo test --test classify_pipeline through_the_extractor -- --ignored --nocapture)"]
fn through_the_extractor() {
    let letters = load_letters();
    let rendered_letters: Vec<&Letter> = letters.iter().filter(|l| rendered(l).is_file()).collect();
    let extracted = extracted_by_letter(&rendered_letters);
    let tuned: Vec<Letter> = letters
        .iter()
        .filter(|l| !is_held_out(l))
        .cloned()
        .collect();
    let report = evaluate(&tuned, &extracted);
    report.print(&format!(
        "rendered files through the real Extractor, tuning letters ({})",
        HELD_OUT.all_but()
    ));
    assert!(
        report.skipped.len() * 10 <= letters.len(),
        "too many letters without a rendered file: {:?} (run python3 samples/generate.py)",
        report.skipped
    );
    let held_out: Vec<Letter> = letters.iter().filter(|l| is_held_out(l)).cloned().collect();
    let unseen = evaluate(&held_out, &extracted);
    unseen.print_summary(&format!(
        "rendered files, HELD-OUT letters {}",
        HELD_OUT.title()
    ));
    // The received stamp (issue 11): ≥ 95 % right on the stamped scans the
    // stamp reader was built on (below 1400: with G, 190/201 before session
    // 7's stamp round, 193/201 after it; with H, 216/225 in session 9),
    // never invented on a letter without one. Each later batch, with new
    // stamp texts and looks by outside writers, is kept at the level of its
    // one check (`FORMERLY_HELD_OUT`'s `ocr_stamps`); the held-out batch's
    // stamps are held out like its letters.
    let part = |range| classify_support::numbered(&tuned, range);
    let built_on = evaluate(&part(0..1400), &extracted);
    let fresh: Vec<_> = FORMERLY_HELD_OUT
        .iter()
        .filter_map(|b| {
            let stamps = b.check()?.ocr_stamps;
            Some((
                b.title(),
                evaluate(&part(b.ids.clone()), &extracted),
                stamps,
            ))
        })
        .collect();
    let parts: Vec<String> = fresh
        .iter()
        .map(|(name, r, _)| format!("{name}: {}/{}", r.stamped_right, r.stamped_total))
        .collect();
    println!(
        "stamp date: tuning scans {}/{} right (below 1400: {}/{}, {}), held-out scans {}/{} right",
        report.stamped_right,
        report.stamped_total,
        built_on.stamped_right,
        built_on.stamped_total,
        parts.join(", "),
        unseen.stamped_right,
        unseen.stamped_total
    );
    let (right, stamped) = (built_on.stamped_right, built_on.stamped_total);
    assert!(
        right * 100 >= stamped * 95,
        "stamp date right on {right}/{stamped} stamped tuning letters below 1400"
    );
    for (name, r, stamps) in &fresh {
        r.assert_stamp_level(name, stamps.may_miss, stamps.measured);
    }
    if unseen.stamped_right * 100 < unseen.stamped_total * 95 {
        println!(
            "*** held-out stamp date below the issue's 95 % target: {}/{} ***",
            unseen.stamped_right, unseen.stamped_total
        );
    }
    // No stamp date is invented, on a tuning letter or a held-out one.
    assert_eq!(
        report.stamp_invented + unseen.stamp_invented,
        0,
        "stamp date invented"
    );
    // The set the rules were built on (000–199) keeps the targets; the
    // held-out set's are asserted on its text in classify_labelled's
    // `held_out_targets` (in the suite while the held-out batch meets
    // them).
    let established: Vec<Letter> = letters
        .iter()
        .filter(|l| classify_support::number(l).is_some_and(|n| n < 200))
        .cloned()
        .collect();
    evaluate(&established, &extracted).assert_targets();
    // Last: before its one check the held-out batch has no level, and the
    // guards above must not wait for it.
    assert_held_out_stamps(&unseen);
}

/// The held-out batch's stamped scans through the extractor at the level
/// of its one check (`HELD_OUT`'s `ocr_stamps`).
fn assert_held_out_stamps(unseen: &classify_support::Report) {
    let stamps = HELD_OUT.check().ocr_stamps;
    unseen.assert_stamp_level(
        &format!("held-out {} through the extractor", HELD_OUT.name),
        stamps.may_miss,
        stamps.measured,
    );
}

/// The held-out set alone through the real extractor: its check's summary
/// (type, unit, date, person IDs, urgency, the received stamp), in a few
/// minutes where the whole run takes half an hour. Only the summary is
/// printed, never a letter.
#[test]
#[ignore = "the held-out check through OCR: cargo test --test classify_pipeline held_out_through_the_extractor -- --ignored --nocapture"]
fn held_out_through_the_extractor() {
    let (letters, extracted) = rendered_through_the_extractor(is_held_out);
    let unseen = evaluate(&letters, &extracted);
    unseen.print_summary(&format!(
        "rendered files, HELD-OUT letters {}",
        HELD_OUT.title()
    ));
    println!(
        "stamp date: held-out scans {}/{} right, {} invented",
        unseen.stamped_right, unseen.stamped_total, unseen.stamp_invented
    );
    assert_held_out_stamps(&unseen);
    assert_eq!(unseen.stamp_invented, 0, "stamp date invented");
}

/// Whether the letter's id starts with one of the comma-separated
/// `prefixes` (a tuning aid's choice of letters: "80,81").
fn id_starts_with(letter: &Letter, prefixes: &str) -> bool {
    prefixes.split(',').any(|p| letter.id.starts_with(p.trim()))
}

/// A tuning aid for reading what OCR costs a batch once it is tuning
/// letters: the tuning letters whose ids start with one of
/// `POSTMOTTAK_IDS` (comma-separated prefixes, "80,81" for AP) through the
/// real extractor, with every miss listed. Held-out letters are never
/// taken.
#[test]
#[ignore = "a tuning aid: POSTMOTTAK_IDS=80,81 cargo test --test classify_pipeline tuning_ids_through_the_extractor -- --ignored --nocapture"]
fn tuning_ids_through_the_extractor() {
    let prefixes = std::env::var("POSTMOTTAK_IDS").unwrap_or_else(|_| "40".into());
    let letters: Vec<Letter> = load_letters()
        .into_iter()
        .filter(|l| !is_held_out(l) && rendered(l).is_file() && id_starts_with(l, &prefixes))
        .collect();
    let chosen: Vec<&Letter> = letters.iter().collect();
    let extracted = extracted_by_letter(&chosen);
    evaluate(&letters, &extracted).print(&format!(
        "rendered files through the real Extractor, tuning ids {prefixes}"
    ));
}

/// The fast loop for the received stamp: only the scans whose ids start
/// with one of `POSTMOTTAK_STAMP_IDS` (comma-separated prefixes, default
/// the tuning letters `40,41,42,43,44,45`), read by the real Extractor and
/// classified. Prints, per tuning letter, the expected stamp date, the one
/// read, and the extractor's stamp reading (`POSTMOTTAK_STAMP_TRACE=1` adds
/// which finder and reading won, one letter at a time); held-out letters
/// only add to a separate score.
#[test]
#[ignore = "a tuning aid: cargo test --test classify_pipeline stamps_only -- --ignored --nocapture"]
fn stamps_only() {
    let prefixes =
        std::env::var("POSTMOTTAK_STAMP_IDS").unwrap_or_else(|_| "40,41,42,43,44,45".into());
    let trace = std::env::var_os("POSTMOTTAK_STAMP_TRACE").is_some();
    if trace {
        let _ = tracing_subscriber::fmt()
            .with_env_filter("postmottak::extract::ocr::stamp=debug")
            .with_test_writer()
            .with_ansi(false)
            .try_init();
    }
    let letters: Vec<Letter> = load_letters()
        .into_iter()
        .filter(|l| l.render != "text_pdf" && rendered(l).is_file())
        .filter(|l| id_starts_with(l, &prefixes))
        .collect();
    let config = ExtractConfig {
        ocr_workers: Some(2),
        ..ExtractConfig::default()
    };
    let extractor = Extractor::new(&config).expect("extractor (run scripts/setup)");
    let chosen: Vec<&Letter> = letters.iter().collect();
    let results = extract_all(&extractor, &chosen, if trace { 1 } else { 2 }, |letter| {
        if trace && !is_held_out(letter) {
            println!("--- {}", letter.id);
        }
    });
    let classifier = classify_support::classifier();
    // [right, wrong, absent, invented] for tuning and held-out letters.
    let mut scores = [[0usize; 4]; 2];
    // (scans, time) for unstamped and stamped scans.
    let mut time = [(0u32, Duration::ZERO); 2];
    for letter in &letters {
        let Some((_, extraction, took)) = results.iter().find(|(id, _, _)| *id == letter.id) else {
            continue;
        };
        let stamped = letter.expected.stamped_date.is_some();
        let t = &mut time[usize::from(stamped)];
        t.0 += 1;
        t.1 += *took;
        let c = classifier.classify(&postmottak::classify::ClassifyInput {
            extraction,
            source: postmottak::item::Source::Scan,
            folder_unit: None,
            received_on: classify_support::arrival(),
        });
        let want = classify_support::date_string(&letter.expected.stamped_date);
        let got = c.stamped_date.map(|d| d.to_string());
        let outcome = match (&want, &got) {
            (Some(_), _) if want == got => 0,
            (Some(_), Some(_)) => 1,
            (Some(_), None) => 2,
            (None, Some(_)) => 3,
            (None, None) => continue,
        };
        let held_out = is_held_out(letter);
        scores[usize::from(held_out)][outcome] += 1;
        if !held_out {
            let reading = extraction
                .pages
                .iter()
                .find_map(|p| p.stamp.as_deref())
                .unwrap_or("-")
                .replace('\n', " / ");
            let mark = ["ok", "WRONG", "ABSENT", "INVENTED"][outcome];
            println!(
                "{:<8} {:<42} {:>6} ms want {:<10} got {:<10} read {:.1600}",
                mark,
                letter.id,
                took.as_millis(),
                want.unwrap_or_default(),
                got.unwrap_or_default(),
                reading
            );
        }
    }
    for (name, [right, wrong, absent, invented]) in ["tuning", "HELD-OUT"].iter().zip(scores) {
        println!("{name}: right {right}, wrong {wrong}, absent {absent}, invented {invented}");
    }
    // Extraction time per scan (two threads share two OCR workers: the
    // means are per thread, not per core).
    for (name, (n, total)) in ["unstamped", "stamped"].iter().zip(time) {
        println!(
            "{name} scans: {n}, {:.2} s each on average",
            total.as_secs_f64() / f64::from(n.max(1))
        );
    }
}
