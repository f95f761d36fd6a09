//! The committed samples are complete and honest:
//!
//! - every letter in `samples/letters/` has its rendered file (right folder,
//!   right format) and its truth file, and nothing rendered is left without a
//!   letter — a letter added or edited without running `samples/generate.py`
//!   fails here;
//! - each truth file holds exactly the letter's text (modulo the generator's
//!   line wrapping), page by page, stamp first, blank duplex backs empty;
//! - every person number in the samples is a synthetic one (month + 80) with
//!   valid check digits, and no number that could be a real person's appears;
//! - the folder stays small enough to live in git.
//!
//! The generator itself is Python and is not run here (see samples/README.md).

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

/// The rendered samples stay small enough to live in git. The folder grows
/// with the labelled set (a fixed ceiling was raised at every new batch), so
/// the guard is per file: on average at most 128 KiB (about 112 KiB in
/// session 37: mostly 200 dpi black-and-white and grey scans and text PDFs;
/// one batch's 300 dpi duplex scans, 235 KiB a file, were the heaviest), and
/// none over 2 MiB (the largest, a four-page 300 dpi grey duplex scan, is
/// about 1.2 MB).
/// A heavier render (colour at 300 dpi, uncompressed TIFF) fails here.
const MAX_MEAN_FILE_BYTES: u64 = 128 * 1024;
const MAX_FILE_BYTES: u64 = 2 * 1024 * 1024;

struct Letter {
    id: String,
    folder: String,
    render: String,
    stamp: Option<String>,
    pages: Vec<String>,
    person_ids: Vec<String>,
}

impl Letter {
    fn ext(&self) -> &'static str {
        match self.render.as_str() {
            "png" => "png",
            "jpeg" => "jpg",
            "tiff" => "tif",
            "scan300" | "scan200" | "scan_upside_down" | "scan_duplex_blank" | "text_pdf" => "pdf",
            other => panic!("{}: unknown render kind {other:?}", self.id),
        }
    }

    fn rendered(&self) -> String {
        format!("files/{}/{}.{}", self.folder, self.id, self.ext())
    }

    fn truth(&self) -> String {
        format!("truth/{}.txt", self.id)
    }

    /// The text each page of the rendered file must carry, per the generator's rules.
    fn expected_pages(&self) -> Vec<String> {
        let mut pages = self.pages.clone();
        if let Some(stamp) = &self.stamp {
            if self.render != "text_pdf" {
                pages[0] = format!("{stamp}\n{}", pages[0]);
            }
        }
        if self.render == "scan_duplex_blank" {
            pages = pages.into_iter().flat_map(|p| [p, String::new()]).collect();
        }
        pages
    }
}

fn samples() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("samples")
}

fn letters() -> Vec<Letter> {
    let mut paths: Vec<PathBuf> = std::fs::read_dir(samples().join("letters"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "toml"))
        .collect();
    paths.sort();
    assert!(paths.len() >= 12, "expected the showcase letters at least");
    paths.iter().map(|p| parse_letter(p)).collect()
}

fn parse_letter(path: &Path) -> Letter {
    let id = path.file_stem().unwrap().to_string_lossy().into_owned();
    let text = std::fs::read_to_string(path).unwrap();
    let table: toml::Table = toml::from_str(&text).unwrap_or_else(|e| panic!("{id}: {e}"));
    let string = |key: &str| -> String {
        table
            .get(key)
            .and_then(|v| v.as_str())
            .unwrap_or_else(|| panic!("{id}: missing {key}"))
            .to_owned()
    };
    let pages = table["pages"]
        .as_array()
        .unwrap_or_else(|| panic!("{id}: pages is not a list"))
        .iter()
        .map(|p| p.as_str().unwrap().to_owned())
        .collect();
    let person_ids = table["expected"]
        .get("person_ids")
        .and_then(|v| v.as_array())
        .map(|ids| ids.iter().map(|i| i.as_str().unwrap().to_owned()).collect())
        .unwrap_or_default();
    Letter {
        folder: string("folder"),
        render: string("render"),
        stamp: table
            .get("stamp")
            .and_then(|v| v.as_str())
            .map(str::to_owned),
        pages,
        person_ids,
        id,
    }
}

fn normalize(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn files_under(dir: &Path, root: &Path, out: &mut BTreeSet<String>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries {
        let path = entry.unwrap().path();
        if path.is_dir() {
            files_under(&path, root, out);
        } else {
            out.insert(
                path.strip_prefix(root)
                    .unwrap()
                    .to_string_lossy()
                    .into_owned(),
            );
        }
    }
}

#[test]
fn every_letter_is_rendered_in_its_format() {
    let root = samples();
    let mut missing = Vec::new();
    for letter in letters() {
        let Ok(bytes) = std::fs::read(root.join(letter.rendered())) else {
            missing.push(letter.rendered());
            continue;
        };
        if !root.join(letter.truth()).is_file() {
            missing.push(letter.truth());
        }
        let magic_ok = match letter.ext() {
            "pdf" => bytes.starts_with(b"%PDF-"),
            "png" => bytes.starts_with(b"\x89PNG\r\n\x1a\n"),
            "jpg" => bytes.starts_with(b"\xFF\xD8\xFF"),
            "tif" => bytes.starts_with(b"II*\0") || bytes.starts_with(b"MM\0*"),
            _ => false,
        };
        assert!(
            magic_ok,
            "{}: not a {} file",
            letter.rendered(),
            letter.ext()
        );
    }
    assert!(
        missing.is_empty(),
        "letters without rendered output (run python3 samples/generate.py): {missing:#?}"
    );
}

#[test]
fn nothing_rendered_without_a_letter() {
    let root = samples();
    let mut wanted = BTreeSet::new();
    for letter in letters() {
        wanted.insert(letter.rendered());
        wanted.insert(letter.truth());
    }
    let mut present = BTreeSet::new();
    files_under(&root.join("files"), &root, &mut present);
    files_under(&root.join("truth"), &root, &mut present);
    let stale: Vec<_> = present.difference(&wanted).collect();
    assert!(
        stale.is_empty(),
        "rendered files with no letter (run python3 samples/generate.py): {stale:#?}"
    );
}

#[test]
fn truth_is_the_letters_text_page_by_page() {
    let root = samples();
    for letter in letters() {
        let Ok(truth) = std::fs::read_to_string(root.join(letter.truth())) else {
            continue; // reported by every_letter_is_rendered_in_its_format
        };
        let truth_pages: Vec<&str> = truth.split('\u{c}').collect();
        let expected = letter.expected_pages();
        assert_eq!(
            truth_pages.len(),
            expected.len(),
            "{}: truth has {} pages, the letter {} (re-render it)",
            letter.id,
            truth_pages.len(),
            expected.len()
        );
        for (n, (got, want)) in truth_pages.iter().zip(&expected).enumerate() {
            assert_eq!(
                normalize(got),
                normalize(want),
                "{} page {}: truth differs from the letter (re-render it)",
                letter.id,
                n + 1
            );
            // Wrapping changes whitespace only, never a line's characters.
            assert!(
                !got.lines().any(|l| l != l.trim()),
                "{} page {}: untrimmed line in truth",
                letter.id,
                n + 1
            );
        }
    }
}

const K1_WEIGHTS: [u32; 9] = [3, 7, 6, 1, 8, 9, 4, 5, 2];
const K2_WEIGHTS: [u32; 10] = [5, 4, 3, 2, 7, 6, 5, 4, 3, 2];

/// DESIGN.md §8: mod-11 check digits, accepting the 2032 relaxation of K1.
/// Written here independently of `src/classify` so the samples are checked
/// by a second implementation.
fn checksum_ok(number: &str) -> bool {
    let digits: Vec<u32> = number.chars().filter_map(|c| c.to_digit(10)).collect();
    if digits.len() != 11 || number.len() != 11 {
        return false;
    }
    let weighted =
        |weights: &[u32]| -> u32 { weights.iter().zip(&digits).map(|(w, d)| w * d).sum() };
    let k1_sum = weighted(&K1_WEIGHTS) + digits[9];
    if k1_sum % 11 > 3 {
        return false;
    }
    let k2 = (11 - weighted(&K2_WEIGHTS) % 11) % 11;
    k2 != 10 && k2 == digits[10]
}

fn synthetic(number: &str) -> bool {
    number[2..4]
        .parse::<u32>()
        .is_ok_and(|m| (81..=92).contains(&m))
}

/// Every 11-digit number in the text, also written in groups one space
/// apart: `DDMMYY NNNNN`, pairs ("30 85 45 26185") or a form's boxes, one
/// digit each ("0 3 8 9 4 4 0 0 1 6 0").
fn eleven_digit_numbers(text: &str) -> Vec<String> {
    let runs: Vec<regex::Match> = regex::Regex::new(r"\d+").unwrap().find_iter(text).collect();
    let mut found = Vec::new();
    for (i, run) in runs.iter().enumerate() {
        let mut number = run.as_str().to_owned();
        let mut last = run;
        for next in &runs[i + 1..] {
            if number.len() >= 11 || &text[last.end()..next.start()] != " " {
                break;
            }
            number.push_str(next.as_str());
            last = next;
        }
        // A group one space after another continues that one's number; it
        // starts none of its own (a whole 11-digit run always is one).
        let starts_a_group = i == 0 || &text[runs[i - 1].end()..run.start()] != " ";
        if number.len() == 11 && (starts_a_group || run.as_str().len() == 11) {
            found.push(number);
        }
    }
    found
}

#[test]
fn checksum_rule_matches_the_published_vectors() {
    for valid in ["13097248022", "15108695088", "30108299939", "01898500035"] {
        assert!(checksum_ok(valid), "{valid} should be valid");
    }
    for invalid in ["13097248032", "15108695077", "1309724802", "01898500036"] {
        assert!(!checksum_ok(invalid), "{invalid} should be invalid");
    }
    assert_eq!(
        eleven_digit_numbers("fnr 018985 00035, tlf 912 34 567, 01898500035 og 123456789012"),
        ["01898500035", "01898500035"]
    );
    assert_eq!(
        eleven_digit_numbers("Fødselsnummer: 0 1 8 9 8 5 0 0 0 3 5, tlf. 9 1 2"),
        ["01898500035"]
    );
    assert_eq!(
        eleven_digit_numbers("Fødselsnummeret mitt er 01 89 85 00035."),
        ["01898500035"]
    );
}

#[test]
fn person_numbers_are_synthetic_and_valid() {
    let mut seen = 0;
    for letter in letters() {
        let text = letter.pages.join("\n");
        for id in &letter.person_ids {
            assert!(
                checksum_ok(id) && synthetic(id),
                "{}: expected person id {}***** is not a valid synthetic number",
                letter.id,
                &id[..6.min(id.len())]
            );
            assert!(
                eleven_digit_numbers(&text).contains(id),
                "{}: expected person id {}***** does not occur in the letter",
                letter.id,
                &id[..6]
            );
            seen += 1;
        }
        for number in eleven_digit_numbers(&text) {
            // A checksum failure is not a person number (letters may test that);
            // a valid one must be synthetic, never one that could be real.
            assert!(
                !checksum_ok(&number) || synthetic(&number),
                "{}: {}***** passes the checksum but is not synthetic (month + 80)",
                letter.id,
                &number[..6]
            );
        }
    }
    assert!(
        seen >= 10,
        "the samples should carry person numbers to test with"
    );
}

#[test]
fn samples_stay_small() {
    let root = samples();
    let mut files = BTreeSet::new();
    files_under(&root.join("files"), &root, &mut files);
    let sizes: Vec<(&String, u64)> = files
        .iter()
        .map(|f| (f, std::fs::metadata(root.join(f)).unwrap().len()))
        .collect();
    let total: u64 = sizes.iter().map(|(_, size)| size).sum();
    eprintln!(
        "samples/files: {} files, {:.1} MB",
        files.len(),
        total as f64 / 1e6
    );
    let count = files.len().max(1) as u64;
    assert!(
        total / count <= MAX_MEAN_FILE_BYTES,
        "samples/files averages {} bytes a file; keep it under {MAX_MEAN_FILE_BYTES} (prefer scan200/text_pdf)",
        total / count
    );
    let heavy: Vec<_> = sizes
        .iter()
        .filter(|(_, size)| *size > MAX_FILE_BYTES)
        .collect();
    assert!(
        heavy.is_empty(),
        "rendered files over {MAX_FILE_BYTES} bytes: {heavy:?} (prefer scan200/text_pdf)"
    );
}

/// Pages in a rendered file: PDF page objects (the generator writes no object
/// streams), TIFF directories; PNG and JPEG are one page.
fn page_count(path: &Path, bytes: &[u8]) -> usize {
    match path.extension().and_then(|e| e.to_str()) {
        Some("pdf") => regex::bytes::Regex::new(r"/Type\s*/Page\b")
            .unwrap()
            .find_iter(bytes)
            .count(),
        Some("tif") => {
            let mut decoder = tiff::decoder::Decoder::new(std::io::Cursor::new(bytes)).unwrap();
            let mut pages = 1;
            while decoder.more_images() {
                decoder.next_image().unwrap();
                pages += 1;
            }
            pages
        }
        _ => 1,
    }
}

#[test]
fn rendered_page_counts_match_the_truth() {
    let root = samples();
    let mut multi_page_g4 = false;
    for letter in letters() {
        let path = root.join(letter.rendered());
        let (Ok(bytes), Ok(truth)) = (
            std::fs::read(&path),
            std::fs::read_to_string(root.join(letter.truth())),
        ) else {
            continue; // reported by every_letter_is_rendered_in_its_format
        };
        let pages = page_count(&path, &bytes);
        assert_eq!(
            pages,
            truth.split('\u{c}').count(),
            "{}: file and truth disagree on the page count",
            letter.id
        );
        if letter.ext() == "tif" && pages > 1 {
            let mut decoder = tiff::decoder::Decoder::new(std::io::Cursor::new(&bytes)).unwrap();
            let compression = decoder.get_tag_u32(tiff::tags::Tag::Compression).unwrap();
            let bits = decoder.get_tag_u32(tiff::tags::Tag::BitsPerSample).unwrap();
            multi_page_g4 |= compression == 4 && bits == 1;
        }
    }
    assert!(
        multi_page_g4,
        "the extraction tests need a multi-page 1-bit CCITT G4 TIFF among the samples"
    );
}
