//! The labelled letter set (`samples/letters/*.toml`) through the classifier,
//! with the accuracy the issue demands: document type ≥ 95 %, person-ID
//! recall 100 % with zero false positives, urgent recall 100 %, document
//! date ≥ 95 %. Prints a confusion matrix and every miss.
//!
//! `ground_truth_text` feeds each letter's own text (fast, no rendering);
//! `through_the_extractor` (in `classify_pipeline.rs`) reads the rendered
//! files with the real extractor.

mod classify_support;

use classify_support::{evaluate, load_letters, text_extraction};

#[test]
fn ground_truth_text() {
    let letters = load_letters();
    assert!(
        letters.len() >= 60,
        "the labelled set has {} letters; at least 60 expected",
        letters.len()
    );
    let report = evaluate(&letters, |letter| Some(text_extraction(letter)));
    report.print("ground-truth text");
    report.assert_targets();
}
