//! Shared helpers for the extract tests: where the corpus and samples are,
//! a real extractor, character error rate.
#![allow(dead_code)]

use std::path::{Path, PathBuf};

use postmottak::extract::{ExtractConfig, Extractor};

pub use crate::common::repo;

/// `../shared/corpus` (or `$POSTMOTTAK_CORPUS`, for worktrees that sit
/// elsewhere), or `None` after saying loudly that the test is skipped.
pub fn corpus(test: &str) -> Option<PathBuf> {
    let dir = std::env::var_os("POSTMOTTAK_CORPUS")
        .map(PathBuf::from)
        .unwrap_or_else(|| repo().join("../shared/corpus"));
    if dir.is_dir() {
        Some(dir)
    } else {
        eprintln!(
            "\n*** SKIPPING {test}: {} is absent (the shared test corpus lives beside the repository) ***\n",
            dir.display()
        );
        None
    }
}

pub fn extractor() -> Extractor {
    extractor_with(ExtractConfig::default())
}

pub fn extractor_with(config: ExtractConfig) -> Extractor {
    match Extractor::new(&config) {
        Ok(x) => x,
        Err(e) => panic!("extractor did not start: {e} (run scripts/setup; set POSTMOTTAK_PDFIUM)"),
    }
}

/// Whitespace-insensitive text: runs of whitespace become one space.
pub fn normalize(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Levenshtein distance over chars.
pub fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    let mut cur = vec![0; b.len() + 1];
    for (i, ca) in a.iter().enumerate() {
        cur[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let sub = prev[j] + usize::from(ca != cb);
            cur[j + 1] = sub.min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        std::mem::swap(&mut prev, &mut cur);
    }
    prev[b.len()]
}

/// Character error rate of `ocr` against `truth`, whitespace-normalised.
pub fn cer(truth: &str, ocr: &str) -> f64 {
    let (t, o) = (normalize(truth), normalize(ocr));
    edit_distance(&t, &o) as f64 / t.chars().count().max(1) as f64
}

/// Peak resident memory of this process so far, in MB (Linux).
pub fn peak_rss_mb() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|kb| kb.parse::<u64>().ok())
        })
        .map_or(0, |kb| kb / 1024)
}

pub fn file(dir: &Path, rel: &str) -> PathBuf {
    dir.join(rel)
}
