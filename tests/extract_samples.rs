//! The project's own synthetic Norwegian letters (`samples/`, with their
//! ground truth): character error rate on the scans under a threshold set
//! from measurement, never worse than the plain `tesseract` CLI on the same
//! page images, æ/ø/å kept, blank back sides and upside-down scans handled,
//! and text-layer pages never reaching OCR.

mod common;
#[path = "extract_support/mod.rs"]
mod support;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Mutex;

use postmottak::extract::{Extraction, PageSource, DEFAULT_LANGUAGES};

/// Aggregate CER over all OCR'd sample pages. Measured 0.3 % (nor+eng, PSM
/// 3, tesseract 5.3.0) with the plain CLI at 300 dpi; ours the same or
/// better. The threshold leaves room for another tesseract build, not for a
/// regression such as PSM 6 (≈ 5 %) or a lost orientation.
const MAX_AGGREGATE_CER: f64 = 0.01;
/// Worst single page (scan200 pages with a stamp are the hardest, ~1 %).
const MAX_PAGE_CER: f64 = 0.03;
/// A first page with a stamp pressed over the print (the held-in letters
/// 2xx): the print under the stamp's strokes is partly lost (measured up to
/// 5.2 %, 220: a violet frameless stamp over the address; the CLI's
/// aggregate on the same pages is twice ours).
const MAX_STAMPED_PAGE_CER: f64 = 0.06;
/// Text-layer PDFs must give exactly the drawn text, modulo whitespace.
const MAX_TEXT_LAYER_CER: f64 = 0.002;

struct Sample {
    path: PathBuf,
    /// The page texts as drawn, the received stamp left out (it is read on
    /// its own, not as part of the letter).
    truth: Vec<String>,
    /// The stamp's text, when the letter is stamped.
    stamp: Option<String>,
    /// One of the stamped held-in letters (not a showcase letter).
    extra: bool,
}

/// Stamped scans from the held-in labelled letters (200–299; the held-out
/// 300–399 are never measured letter by letter) that join the showcase
/// letters here: stamps in every look, over the address block too.
const STAMPED_EXTRA: usize = 12;

fn letter_stamp(root: &Path, id: &str) -> Option<String> {
    let text = std::fs::read_to_string(root.join("letters").join(format!("{id}.toml"))).ok()?;
    let value: toml::Value = toml::from_str(&text).ok()?;
    value.get("stamp")?.as_str().map(str::to_owned)
}

/// The truth without the stamp's lines that open a stamped page 1.
fn body_truth(mut pages: Vec<String>, stamp: Option<&str>) -> Vec<String> {
    if let (Some(stamp), Some(first)) = (stamp, pages.first_mut()) {
        let lines = stamp.lines().count();
        *first = first.lines().skip(lines).collect::<Vec<_>>().join("\n");
    }
    pages
}

/// Takes the stamp's words out of an OCR text: each word of the stamp that
/// the text holds more often than the letter's own truth does is dropped
/// (first occurrences first), so neither reader is charged for the stamp
/// and neither gets credit for it.
fn without_stamp_words(text: &str, stamp: Option<&str>, truth: &str) -> String {
    let Some(stamp) = stamp else {
        return text.to_owned();
    };
    let mut words: Vec<&str> = text.split_whitespace().collect();
    for w in stamp.split_whitespace() {
        let in_truth = truth.split_whitespace().filter(|t| t == &w).count();
        let in_text = words.iter().filter(|t| *t == &w).count();
        if in_text > in_truth {
            if let Some(i) = words.iter().position(|t| *t == w) {
                words.remove(i);
            }
        }
    }
    words.join(" ")
}

fn samples() -> Vec<Sample> {
    let root = support::repo().join("samples");
    let mut out = Vec::new();
    let mut folders: Vec<_> = std::fs::read_dir(root.join("files"))
        .unwrap()
        .flatten()
        .collect();
    folders.sort_by_key(|e| e.path());
    for folder in folders {
        let mut files: Vec<_> = std::fs::read_dir(folder.path())
            .unwrap()
            .flatten()
            .map(|e| e.path())
            .collect();
        files.sort();
        for path in files {
            let id = path.file_stem().unwrap().to_string_lossy().into_owned();
            // The showcase letters (000–099) cover every render kind; of the
            // others only some stamped held-in scans (the rest would only
            // make the suite slower).
            let stamp = letter_stamp(&root, &id);
            // By number, not by its first digit: ids from 2000 on are later
            // batches, not the held-in 200–299.
            let number: Option<u32> = id.split('-').next().and_then(|n| n.parse().ok());
            let extra = number.is_some_and(|n| (200..300).contains(&n)) && stamp.is_some();
            if !id.starts_with('0') && !extra {
                continue;
            }
            if extra
                && out
                    .iter()
                    .filter(|s: &&Sample| {
                        s.stamp.is_some() && !s.path.to_string_lossy().contains("/0")
                    })
                    .count()
                    >= STAMPED_EXTRA
            {
                continue;
            }
            let truth =
                std::fs::read_to_string(root.join("truth").join(format!("{id}.txt"))).unwrap();
            let pages = truth.split('\u{c}').map(str::to_owned).collect();
            out.push(Sample {
                path,
                truth: body_truth(pages, stamp.as_deref()),
                stamp,
                extra,
            });
        }
    }
    assert!(
        out.len() >= 10,
        "samples/files holds only {} files",
        out.len()
    );
    out
}

fn is_digital(s: &Sample) -> bool {
    s.path.parent().is_some_and(|p| p.ends_with("digital"))
}

fn aoa_count(text: &str) -> usize {
    text.chars().filter(|c| "æøåÆØÅ".contains(*c)).count()
}

/// The `tesseract` CLI on one PNG, same languages and PSM as ours.
fn cli_ocr(png: &Path) -> String {
    let out = Command::new("tesseract")
        .arg(png)
        .arg("-")
        .args(["--psm", "3", "-l", DEFAULT_LANGUAGES])
        .env("OMP_THREAD_LIMIT", "1")
        .output()
        .expect("tesseract CLI (Debian package tesseract-ocr)");
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[derive(Default)]
struct Tally {
    ours_errors: usize,
    cli_errors: usize,
    chars: usize,
    upright_ours: usize,
    upright_cli: usize,
    upright_chars: usize,
    aoa_truth: usize,
    aoa_diff: usize,
    problems: Vec<String>,
}

fn check_scan(
    extractor: &postmottak::extract::Extractor,
    s: &Sample,
    x: &Extraction,
    tmp: &Path,
    t: &Mutex<Tally>,
) {
    let name = s.path.file_name().unwrap().to_string_lossy().into_owned();
    if x.pages.len() != s.truth.len() {
        t.lock().unwrap().problems.push(format!(
            "{name}: {} pages, truth has {}",
            x.pages.len(),
            s.truth.len()
        ));
        return;
    }
    for (i, (page, truth)) in x.pages.iter().zip(&s.truth).enumerate() {
        let stamp = if i == 0 { s.stamp.as_deref() } else { None };
        if truth.trim().is_empty() {
            if !page.blank {
                t.lock().unwrap().problems.push(format!(
                    "{name} p{}: blank back side not detected",
                    page.number
                ));
            }
            continue;
        }
        let ours = support::edit_distance(
            &support::normalize(truth),
            &support::normalize(&without_stamp_words(&page.text, stamp, truth)),
        );
        let png = extractor
            .render_page_png(&s.path, page.number, 300)
            .unwrap();
        let png_path = tmp.join(format!("{name}-{}.png", page.number));
        std::fs::write(&png_path, png).unwrap();
        let cli = support::edit_distance(
            &support::normalize(truth),
            &support::normalize(&without_stamp_words(&cli_ocr(&png_path), stamp, truth)),
        );
        let chars = support::normalize(truth).chars().count();
        let mut t = t.lock().unwrap();
        let limit = if s.extra && i == 0 {
            MAX_STAMPED_PAGE_CER
        } else {
            MAX_PAGE_CER
        };
        if page.source != PageSource::Ocr || ours as f64 / chars as f64 > limit {
            t.problems.push(format!(
                "{name} p{}: {:?}, CER {:.2} %",
                page.number,
                page.source,
                ours as f64 / chars as f64 * 100.0
            ));
        }
        t.ours_errors += ours;
        t.cli_errors += cli;
        t.chars += chars;
        if page.rotation_degrees == 0 {
            t.upright_ours += ours;
            t.upright_cli += cli;
            t.upright_chars += chars;
        }
        // æøå on the showcase letters (the stamped extras lose some under
        // the stamp's strokes; their CER counts them).
        if !s.extra {
            t.aoa_truth += aoa_count(truth);
            t.aoa_diff += aoa_count(truth).abs_diff(aoa_count(&page.text));
        }
    }
}

#[test]
fn sample_scans_read_well_and_no_worse_than_tesseract_cli() {
    let extractor = support::extractor();
    let tmp = tempfile::tempdir().unwrap();
    let all = samples();
    // Everything outside the digital share is a scan (PDF, PNG, JPEG, TIFF).
    let scans: Vec<&Sample> = all.iter().filter(|s| !is_digital(s)).collect();
    let tally = Mutex::new(Tally::default());
    let next = Mutex::new(scans.iter());
    std::thread::scope(|sc| {
        for _ in 0..2 {
            sc.spawn(|| loop {
                let Some(s) = next.lock().unwrap().next() else {
                    return;
                };
                match extractor.extract_path(&s.path) {
                    Ok(x) => check_scan(&extractor, s, &x, tmp.path(), &tally),
                    Err(r) => tally
                        .lock()
                        .unwrap()
                        .problems
                        .push(format!("{}: refused {r}", s.path.display())),
                }
            });
        }
    });
    let t = tally.into_inner().unwrap();
    let ours = t.ours_errors as f64 / t.chars as f64;
    let cli = t.cli_errors as f64 / t.chars as f64;
    let up_ours = t.upright_ours as f64 / t.upright_chars.max(1) as f64;
    let up_cli = t.upright_cli as f64 / t.upright_chars.max(1) as f64;
    eprintln!(
        "sample scans: {} chars; CER ours {:.2} %, tesseract CLI {:.2} % (upright pages: {:.2} % vs {:.2} %); æøå {} in truth, count off by {}",
        t.chars, ours * 100.0, cli * 100.0, up_ours * 100.0, up_cli * 100.0, t.aoa_truth, t.aoa_diff
    );
    assert!(t.problems.is_empty(), "{}", t.problems.join("\n"));
    assert!(
        t.chars > 5000,
        "too little scanned text to measure: {}",
        t.chars
    );
    assert!(
        ours <= MAX_AGGREGATE_CER,
        "aggregate CER {:.2} %",
        ours * 100.0
    );
    // Same page images: ours may not be worse (0.1 point of slack for
    // tesseract's source-resolution estimate on DPI-less PNGs).
    assert!(
        up_ours <= up_cli + 0.001,
        "ours {:.2} % vs CLI {:.2} % on upright pages",
        up_ours * 100.0,
        up_cli * 100.0
    );
    assert!(
        t.aoa_truth > 50 && t.aoa_diff * 50 <= t.aoa_truth,
        "æøå: {} of {} off",
        t.aoa_diff,
        t.aoa_truth
    );
}

#[test]
fn upside_down_scan_is_turned_and_read() {
    let extractor = support::extractor();
    let s = samples()
        .into_iter()
        .find(|s| s.path.to_string_lossy().contains("003-"))
        .unwrap();
    let x = extractor.extract_path(&s.path).unwrap();
    let p = &x.pages[0];
    assert_eq!(p.rotation_degrees, 180);
    assert!(
        support::cer(&s.truth[0], &p.text) < MAX_PAGE_CER,
        "{}",
        p.text
    );
}

#[test]
fn text_layer_pages_never_reach_ocr() {
    let extractor = support::extractor();
    let digital: Vec<Sample> = samples()
        .into_iter()
        .filter(|s| s.path.parent().unwrap().ends_with("digital"))
        .collect();
    assert!(digital.len() >= 3);
    for s in &digital {
        let x = extractor.extract_path(&s.path).unwrap();
        assert_eq!(x.pages.len(), s.truth.len());
        for (p, truth) in x.pages.iter().zip(&s.truth) {
            assert_eq!(p.source, PageSource::TextLayer, "{}", s.path.display());
            let cer = support::cer(truth, &p.text);
            assert!(
                cer <= MAX_TEXT_LAYER_CER,
                "{} p{}: CER {cer}",
                s.path.display(),
                p.number
            );
        }
    }
    assert_eq!(
        extractor.ocr_pages_submitted(),
        0,
        "a text-layer page reached OCR"
    );
    // The counter does count: one scanned page goes through OCR.
    let png = samples()
        .into_iter()
        .find(|s| s.path.extension().is_some_and(|e| e == "png"))
        .unwrap();
    let x = extractor.extract_path(&png.path).unwrap();
    assert_eq!(x.pages[0].source, PageSource::Ocr);
    assert_eq!(extractor.ocr_pages_submitted(), 1);
}

/// `process` on text-layer PDFs never pays for loading the OCR engines
/// (~0.4 s): a lazy extractor loads them for the first page that needs OCR.
#[test]
fn lazy_extractor_loads_ocr_engines_only_for_a_scan() {
    let extractor =
        postmottak::extract::Extractor::new_lazy(&postmottak::extract::ExtractConfig::default())
            .unwrap();
    let digital = samples().into_iter().find(is_digital).unwrap();
    let x = extractor.extract_path(&digital.path).unwrap();
    assert_eq!(x.pages[0].source, PageSource::TextLayer);
    assert!(!extractor.ocr_loaded(), "engines loaded for a text layer");
    let png = samples()
        .into_iter()
        .find(|s| s.path.extension().is_some_and(|e| e == "png"))
        .unwrap();
    let x = extractor.extract_path(&png.path).unwrap();
    assert_eq!(x.pages[0].source, PageSource::Ocr);
    assert!(extractor.ocr_loaded());
}
