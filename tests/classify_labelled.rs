//! The labelled letter set (`samples/letters/*.toml`) through the classifier,
//! with the accuracy the issues demand: document type ≥ 95 %, unit ≥ 95 %,
//! person-ID recall 100 % with zero false positives, urgent recall 100 %,
//! document date ≥ 95 %; and the sender as the issue means it (a known
//! organisation or an organisation number; none for a private person).
//! Prints a confusion matrix and every miss (the held-out letters, see
//! `classify_support::batches`: only their summary, never letter by letter).
//!
//! `ground_truth_text` feeds each letter's own text (fast, no rendering);
//! `through_the_extractor` (in `classify_pipeline.rs`) reads the rendered
//! files with the real extractor.

mod classify_support;
mod common;

use classify_support::batches::{Level, Stamps, FORMERLY_HELD_OUT, HELD_OUT};
use classify_support::{
    classifier, cv, evaluate, is_held_out, is_tuning, load_letters, repo, text_extraction, Letter,
    Report,
};

fn id_below(letter: &Letter, n: u32) -> bool {
    classify_support::number(letter).is_some_and(|id| id < n)
}

#[test]
fn ground_truth_text() {
    let letters = load_letters();
    assert!(
        letters.len() >= 60,
        "the labelled set has {} letters; at least 60 expected",
        letters.len()
    );
    // The held-out letters are scored by their own tests alone
    // (`held_out_targets`, `held_out_level_reached`): a suite run never
    // shows their scores, so they are seen once, at their check.
    let tuned: Vec<Letter> = letters.into_iter().filter(|l| !is_held_out(l)).collect();
    let report = evaluate(&tuned, |letter| Some(text_extraction(letter)));
    report.print(&format!(
        "ground-truth text, letters the rules are tuned on ({})",
        HELD_OUT.all_but()
    ));
    for batch in FORMERLY_HELD_OUT {
        let part = classify_support::numbered(&tuned, batch.ids.clone());
        evaluate(&part, |letter| Some(text_extraction(letter)))
            .print_summary(&format!("ground-truth text, {}", batch.title()));
    }
    let batch_e = classify_support::numbered(&tuned, 700..880);
    evaluate(&batch_e, |letter| Some(text_extraction(letter)))
        .print("ground-truth text, tuning batch E 700-879");

    // The set the rules were built on (000–199) keeps the targets.
    let established: Vec<Letter> = tuned.into_iter().filter(|l| id_below(l, 200)).collect();
    let established = evaluate(&established, |letter| Some(text_extraction(letter)));
    established.assert_targets();
    // Every organisation named there is found, and no private person's
    // letter is given one (the level reached; keep it).
    assert_eq!(
        established.sender_ok, established.sender_total,
        "sender agreement below 100 %"
    );
    assert_eq!(established.sender_false, 0, "sender false positives");
    // The received stamp's date from the text is never invented, and found
    // wherever a tuning letter is stamped (text layer and ground truth) but
    // where a formerly held-out batch missed it at its check: Q's four are
    // stamps without a stamp word ("VOSS HERAD / 01.12.2026"), which the
    // text cannot tell from a letterhead with its date.
    assert_eq!(report.stamp_invented, 0, "stamp date invented");
    let allowed: Vec<(&str, Stamps)> = FORMERLY_HELD_OUT
        .iter()
        .filter_map(|b| Some((b.name?, b.check()?.text_stamps)))
        .filter(|(_, stamps)| stamps.may_miss > 0)
        .collect();
    let levels: Vec<String> = allowed
        .iter()
        .map(|(name, stamps)| format!("{name}'s {} ({})", stamps.may_miss, stamps.measured))
        .collect();
    report.assert_stamp_level(
        "tuning letters from the text",
        allowed.iter().map(|(_, stamps)| stamps.may_miss).sum(),
        &levels.join(", "),
    );
}

/// The targets on the held-out letters (`HELD_OUT`), which the rules
/// and the model were never tuned or trained on; in the suite while the
/// held-out batch meets them, else `#[ignore]`d with the reason.
/// Which batches met them at their check, session by session, is in
/// samples/README.md.
/// Only the summary is printed, and only with `--nocapture`.
#[test]
#[ignore = "issue 11: fresh AW at its check (session 47) met every target but urgent recall, 42/43 on the text and through OCR; so did AV (39/41), AT (43/44), AS (39/42), AR (41/43) and AQ (41/42) before it, while AU met them all"]
fn held_out_targets() {
    let held_out: Vec<Letter> = load_letters().into_iter().filter(is_held_out).collect();
    let unseen = evaluate(&held_out, |letter| Some(text_extraction(letter)));
    unseen.print_summary(&format!(
        "ground-truth text, HELD-OUT letters {}",
        HELD_OUT.title()
    ));
    unseen.assert_targets();
}

/// The level the held-out batch reached at its one check (`HELD_OUT`'s
/// `checked`), kept beside the targets: a change that loses ground on
/// unseen letters fails here, even where the targets still hold.
#[test]
fn held_out_level_reached() {
    let held_out: Vec<Letter> = load_letters().into_iter().filter(is_held_out).collect();
    assert!(held_out.len() >= 200, "{} held-out letters", held_out.len());
    let check = HELD_OUT.check();
    let title = format!("HELD-OUT {}", HELD_OUT.title());
    let r = assert_level(&title, &held_out, check.level);
    assert_eq!(r.stamp_invented, 0, "held-out: stamp date invented");
    r.assert_stamp_level(
        &format!("{title} from the text"),
        check.text_stamps.may_miss,
        check.text_stamps.measured,
    );
}

fn assert_level(title: &str, part: &[Letter], level: Level) -> Report {
    let Level {
        type_pct,
        unit_pct,
        date_pct,
        urgent_missed,
        urgent_false,
        ids_missed,
    } = level;
    let r = evaluate(part, |letter| Some(text_extraction(letter)));
    let n = r.letters;
    assert!(n >= 30, "{title}: {n} letters");
    assert!(
        r.type_ok * 100 >= n * type_pct,
        "{title}: document type {}/{n}",
        r.type_ok
    );
    assert!(
        r.unit_ok * 100 >= n * unit_pct,
        "{title}: unit {}/{n}",
        r.unit_ok
    );
    assert!(
        r.date_ok * 100 >= n * date_pct,
        "{title}: document date {}/{n}",
        r.date_ok
    );
    assert!(
        r.ids_found + ids_missed >= r.ids_expected,
        "{title}: person-ID recall {}/{}",
        r.ids_found,
        r.ids_expected
    );
    assert_eq!(r.ids_false, 0, "{title}: person-ID false positives");
    assert!(
        r.urgent_found + urgent_missed >= r.urgent_expected,
        "{title}: urgent recall {}/{}",
        r.urgent_found,
        r.urgent_expected
    );
    assert!(
        r.urgent_false <= urgent_false,
        "{title}: urgent false positives {}",
        r.urgent_false
    );
    r
}

#[test]
fn the_table_of_batches_is_consistent() {
    if let Err(fault) = classify_support::batches::check_table() {
        panic!("tests/classify_support/batches.rs: {fault}");
    }
}

/// The formerly held-out parts never fall below the level they had while
/// held out (`FORMERLY_HELD_OUT`).
#[test]
fn formerly_held_out_level_kept() {
    let letters = load_letters();
    for batch in FORMERLY_HELD_OUT {
        let part = classify_support::numbered(&letters, batch.ids.clone());
        assert_level(&batch.title(), &part, batch.level());
    }
}

/// The model tables (`config/type_model.tsv`, `urgent_model.tsv`,
/// `unit_model.tsv`) are what the tuning letters (all but the held-out
/// batch) train, each on its label (the type, `urgent`, the unit):
/// never the held-out letters. Stale after a letter changes;
/// `POSTMOTTAK_WRITE_MODEL=1` rewrites them.
#[test]
fn type_model_is_trained_on_the_tuning_letters_only() {
    let tuning = tuning_letters();
    table_is_current("type_model.tsv", cv::train(&tuning, cv::C, cv::FEATURES));
}

#[test]
fn urgent_model_is_trained_on_the_tuning_letters_only() {
    table_is_current("urgent_model.tsv", cv::train_urgent(&tuning_letters()));
}

#[test]
fn unit_model_is_trained_on_the_tuning_letters_only() {
    table_is_current("unit_model.tsv", cv::train_unit(&tuning_letters()));
}

fn tuning_letters() -> Vec<Letter> {
    load_letters().into_iter().filter(is_tuning).collect()
}

fn table_is_current(name: &str, trained: postmottak::classify::LinearModel) {
    let path = repo().join("config").join(name);
    let want = trained.to_tsv();
    if std::env::var_os("POSTMOTTAK_WRITE_MODEL").is_some() {
        std::fs::write(&path, &want).unwrap();
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == want,
        "config/{name} is stale: run POSTMOTTAK_WRITE_MODEL=1 cargo test --test classify_labelled model_is_trained"
    );
}

/// The document type on writers the model never saw: cross-validation by
/// writing round on the tuning letters, each round classified by a model
/// trained on the others. The tests above score letters the shipped model
/// was trained on, which a linear model fits almost perfectly, so this is
/// the type's and urgency's regression guard on the tuning letters (session
/// 16: type 2620/2755, 95.1 %, where naive Bayes with the same rules read
/// 2579, 93.6 %).
#[test]
fn type_unit_and_urgency_by_writing_round_stay_at_their_level() {
    let tuning: Vec<Letter> = load_letters().into_iter().filter(is_tuning).collect();
    let folds = cv::cross_validate(
        &classifier(),
        &tuning,
        &cv::batch_folds(&tuning),
        cv::C,
        cv::FEATURES,
    );
    let totals = cv::print_folds(&folds);
    let (ok, wrong, n) = (totals.type_ok, totals.type_wrong, totals.letters);
    assert_eq!(n, tuning.len());
    assert!(
        ok * 1000 >= n * 948,
        "document type by writing round {ok}/{n}, below 94.8 %"
    );
    assert!(
        wrong * 100 <= n * 4,
        "wrong types by writing round {wrong}/{n}"
    );
    // The unit (the unit table fits its own letters as closely): its level
    // at every rotation is in samples/README ("The round CV's floors").
    assert!(
        totals.unit_ok * 1000 >= n * 970,
        "unit by writing round {}/{n}, below 97.0 %",
        totals.unit_ok
    );
    // Urgency likewise (the urgency table fits its own letters as closely),
    // its history beside the unit's in samples/README.
    let (found, urgent, false_alarms) = (
        totals.urgent_found,
        totals.urgent_expected,
        totals.urgent_false,
    );
    assert!(
        found * 1000 >= urgent * 974,
        "urgent recall by writing round {found}/{urgent}, below 97.4 %"
    );
    assert!(
        false_alarms * 100 <= (n - urgent) * 5,
        "urgent false alarms by writing round {false_alarms} of {} calm letters",
        n - urgent
    );
}

/// 10-fold cross-validation on the tuning letters, the model retrained per
/// fold: how a change to the model or to the abstain rule is measured
/// (`cargo test --test classify_labelled cross_validation -- --ignored
/// --nocapture`; `POSTMOTTAK_EVAL_RULES` tries another rules file,
/// `POSTMOTTAK_CV_MODELS="0.1:words,0.1:pairs+nynorsk"` other model
/// trainings).
#[test]
#[ignore = "a measuring tool: prints per-fold accuracy"]
fn cross_validation() {
    let tuning: Vec<Letter> = load_letters().into_iter().filter(is_tuning).collect();
    let base = classifier();
    let variants = std::env::var("POSTMOTTAK_CV_MODELS").unwrap_or_default();
    let mut variants: Vec<(f64, postmottak::classify::ModelFeatures)> = variants
        .split(',')
        .filter_map(|v| {
            let (c, kind) = v.split_once(':')?;
            let features = postmottak::classify::ModelFeatures {
                pairs: kind.contains("pairs"),
                nynorsk_as_bokmal: kind.contains("nynorsk"),
                subject: kind.contains("subject"),
                unquoted: kind.contains("unquoted"),
                moments: kind.contains("moments"),
            };
            Some((c.parse().ok()?, features))
        })
        .collect();
    if variants.is_empty() {
        variants.push((cv::C, cv::FEATURES));
    }
    // POSTMOTTAK_CV_BY=round: one fold per writing round (see batch_folds).
    let by_round = std::env::var("POSTMOTTAK_CV_BY").is_ok_and(|v| v == "round");
    let fold_of = if by_round {
        cv::batch_folds(&tuning)
    } else {
        cv::folds(&tuning, 10)
    };
    for (c, features) in variants {
        println!("\n--- model: C {c}, {features:?}, by round: {by_round}");
        let folds = cv::cross_validate(&base, &tuning, &fold_of, c, features);
        let totals = cv::print_folds(&folds);
        assert_eq!(totals.letters, tuning.len());
        assert!(totals.type_ok > 0);
    }
}

/// Which urgency cues fire on the tuning letters (never the held-out ones):
/// per urgent letter its cues, per calm letter any cue that fired. How a
/// cue's false alarms are calibrated (`cargo test --test classify_labelled
/// urgent_cues_on_tuning -- --ignored --nocapture`).
#[test]
#[ignore = "a measuring tool: prints the urgency cues per tuning letter"]
fn urgent_cues_on_tuning() {
    let tuning: Vec<Letter> = load_letters().into_iter().filter(is_tuning).collect();
    let c = classifier();
    let (mut alone_right, mut alone_false, mut urgent) = (0, 0, 0);
    for letter in &tuning {
        let extraction = text_extraction(letter);
        let input = postmottak::classify::ClassifyInput {
            extraction: &extraction,
            source: postmottak::item::Source::Digital,
            folder_unit: None,
            received_on: None,
        };
        let got = c.classify(&input);
        let cues: Vec<String> = got
            .reasons
            .iter()
            .filter(|r| r.kind == postmottak::classify::ReasonKind::Urgent)
            .map(|r| format!("{} ({})", r.label, r.weight))
            .collect();
        let near = cues.iter().any(|c| c.contains("få dager etter"));
        let want = letter.expected.urgent;
        urgent += usize::from(want);
        alone_right += usize::from(want && near);
        alone_false += usize::from(!want && near);
        if want || !cues.is_empty() {
            println!(
                "{} want {want} got {}: {}",
                letter.id,
                got.urgent,
                cues.join("; ")
            );
        }
    }
    println!("near need alone: {alone_right}/{urgent} urgent letters, {alone_false} calm letters");
}
