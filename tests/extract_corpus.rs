//! Every relevant file of the shared corpus (OCRmyPDF's and paperless-ngx's
//! own test files; see each folder's MANIFEST.md) gets its expected outcome
//! through the real extractor: real pdfium, real tesseract.
//!
//! One test reads them all on two threads (so both OCR workers stay busy)
//! and reports every miss at once. Skips loudly without `../shared/corpus`.

mod common;
#[path = "extract_support/mod.rs"]
mod support;

use std::sync::Mutex;

use postmottak::extract::{Extraction, PageSource, Rejection, TextSource};
use postmottak::item::RejectCode;

/// What a correct reader does with a file.
#[derive(Debug, Clone)]
enum Expect {
    /// OCR'd; every page close to the LinnSequencer ground truth (`linn.txt`).
    Linn { pages: usize, max_cer: f64 },
    /// OCR'd text containing all of these (case-insensitive).
    Ocr(&'static [&'static str]),
    /// Text taken from the text layer, containing all of these; no OCR.
    Layer(&'static [&'static str]),
    /// Read, but there is no text (blank, photo, empty page).
    NoText,
    /// Read without error; content not asserted (robustness files).
    Reads,
    /// Refused with this code.
    Refused(RejectCode),
    /// Either read or refused as corrupt, but never a panic (a file cut off
    /// while being written).
    ReadsOrCorrupt,
}

use Expect::*;
use RejectCode::*;

const CASES: &[(&str, Expect)] = &[
    // Clean scans: the LinnSequencer page as CCITT G4, JBIG2, PNG, skewed,
    // and burned in at all four rotations (cardinal).
    (
        "ocrmypdf/ccitt.pdf",
        Linn {
            pages: 1,
            max_cer: 0.03,
        },
    ),
    (
        "ocrmypdf/jbig2.pdf",
        Linn {
            pages: 1,
            max_cer: 0.03,
        },
    ),
    (
        "ocrmypdf/linn.png",
        Linn {
            pages: 1,
            max_cer: 0.03,
        },
    ),
    (
        "ocrmypdf/cardinal.pdf",
        Linn {
            pages: 4,
            max_cer: 0.03,
        },
    ),
    (
        "ocrmypdf/skew.pdf",
        Linn {
            pages: 1,
            max_cer: 0.05,
        },
    ),
    (
        "ocrmypdf/rotated_skew.pdf",
        Linn {
            pages: 1,
            max_cer: 0.05,
        },
    ),
    ("ocrmypdf/poster.pdf", Ocr(&["LinnSequencer", "MIDI"])),
    // DPI: 2400 dpi (capped render), mixed sizes and dpi, non-square, 96 dpi.
    ("ocrmypdf/2400dpi.pdf", Ocr(&["Linzensoep", "water"])),
    ("ocrmypdf/3small.pdf", Ocr(&["cromulent", "Linzensoep"])),
    ("ocrmypdf/aspect.pdf", Ocr(&["perfect circle"])),
    ("ocrmypdf/enormous.pdf", Ocr(&["9000"])),
    ("ocrmypdf/francais.pdf", Ocr(&["whisky", "intérieure"])),
    ("ocrmypdf/vector.pdf", Ocr(&["Sample Vector PDF"])),
    ("ocrmypdf/crom.png", Ocr(&["cromulent word"])),
    // Images: alpha flattened, CMYK without ICC, TIFF multi-page, no DPI.
    ("ocrmypdf/baiona_alpha.png", Ocr(&["Komunikabideak"])),
    ("ocrmypdf/baiona_cmyk.jpg", Ocr(&["Komunikabideak"])),
    (
        "paperless/documents-samples/simple.tiff",
        Ocr(&["This is a test document"]),
    ),
    (
        "paperless/documents-samples/simple.jpg",
        Ocr(&["This is a test document"]),
    ),
    (
        "paperless/paperless-samples/tesseract/simple-no-dpi.png",
        Ocr(&["This is a test document"]),
    ),
    (
        "paperless/paperless-samples/tesseract/simple-alpha.png",
        Ocr(&["This is a test document"]),
    ),
    (
        "paperless/paperless-samples/tesseract/multi-page-images.tiff",
        Ocr(&["Page 1", "Page 2", "Page 3"]),
    ),
    (
        "paperless/paperless-samples/tesseract/multi-page-images-alpha.tiff",
        Ocr(&["Page 1", "Page 3"]),
    ),
    (
        "paperless/paperless-samples/tesseract/rotated.pdf",
        Ocr(&[
            "first page",
            "still gets the job done",
            "weird file",
            "screen orientation",
        ]),
    ),
    (
        "paperless/paperless-samples/tesseract/tagged-but-no-text.pdf",
        Ocr(&["This is a test"]),
    ),
    // A text layer that is garbage (unmapped TrueType font) is not trusted.
    ("ocrmypdf/truetype_font_nomapping.pdf", Ocr(&["Phone"])),
    // Born-digital and already-OCR'd: the text layer is reused.
    ("ocrmypdf/graph_ocred.pdf", Layer(&["Oppose"])),
    ("ocrmypdf/tagged.pdf", Layer(&["Table of Contents"])),
    (
        "ocrmypdf/link.pdf",
        Layer(&["Go to page 2", "Somewhere on page 2"]),
    ),
    (
        "ocrmypdf/formxobject.pdf",
        Layer(&["embedded as a Form XObject"]),
    ),
    (
        "ocrmypdf/missing_docinfo.pdf",
        Layer(&["no /DocumentInfo block"]),
    ),
    ("ocrmypdf/overlay.pdf", Layer(&["Payed 2017-Jan-22"])),
    (
        "paperless/paperless-samples/tesseract/signed.pdf",
        Layer(&["digitally signed PDF", "signed/encrypted PDFs"]),
    ),
    (
        "paperless/paperless-samples/tesseract/multi-page-digital.pdf",
        Layer(&["Page 1", "Page 2", "Page 3"]),
    ),
    (
        "paperless/paperless-samples/tesseract/with-form.pdf",
        Layer(&["Please enter your name", "a PDF document with a form"]),
    ),
    (
        "paperless/documents-samples/invalid_pdf.pdf",
        Layer(&["Invoice"]),
    ),
    (
        "paperless/documents-samples/test_with_bom.pdf",
        Layer(&["paperless"]),
    ),
    // No text at all: never an error.
    ("ocrmypdf/blank.pdf", NoText),
    ("ocrmypdf/trivial.pdf", NoText),
    ("ocrmypdf/no_contents.pdf", NoText),
    ("ocrmypdf/lichtenstein.pdf", NoText),
    ("ocrmypdf/livecycle.pdf", NoText),
    (
        "ocrmypdf/derived/trivial_encrypted_ownerpw_only_R6.pdf",
        NoText,
    ),
    ("paperless/documents-examples/no-text.png", NoText),
    // Robustness: odd colour spaces, masks, broken outlines, odd tokens,
    // non-UTF-8 metadata, owner-password-only and "signed" PDFs.
    ("ocrmypdf/docinfo_latin1_key.pdf", Reads),
    ("ocrmypdf/negzero.pdf", Reads),
    ("ocrmypdf/kcs.pdf", Reads),
    ("ocrmypdf/masks.pdf", Reads),
    ("ocrmypdf/jbig2_baddevicen.pdf", Reads),
    ("ocrmypdf/palette.pdf", Reads),
    ("ocrmypdf/cmyk.pdf", Reads),
    (
        "ocrmypdf/historical/encrypted_algo4.pdf",
        Ocr(&["CONGRESS"]),
    ),
    ("ocrmypdf/derived/acroform_signed.pdf", Ocr(&["cromulent"])),
    ("ocrmypdf/derived/skew_truncated_40000.pdf", ReadsOrCorrupt),
    // Refusals, each with its code.
    ("ocrmypdf/hugemono.pdf", Refused(TooLarge)),
    ("ocrmypdf/invalid.pdf", Refused(Corrupt)),
    ("ocrmypdf/derived/empty.pdf", Refused(Empty)),
    (
        "ocrmypdf/derived/jbig2_encrypted_R2.pdf",
        Refused(Encrypted),
    ),
    (
        "ocrmypdf/derived/jbig2_encrypted_R3.pdf",
        Refused(Encrypted),
    ),
    (
        "ocrmypdf/derived/jbig2_encrypted_R4.pdf",
        Refused(Encrypted),
    ),
    (
        "ocrmypdf/derived/jbig2_encrypted_R6.pdf",
        Refused(Encrypted),
    ),
    (
        "ocrmypdf/derived/trivial_encrypted_userpw_R6.pdf",
        Refused(Encrypted),
    ),
    ("ocrmypdf/historical/skew-encrypted.pdf", Refused(Encrypted)),
    (
        "paperless/documents-samples/password-is-test.pdf",
        Refused(Encrypted),
    ),
    (
        "paperless/paperless-samples/tesseract/encrypted.pdf",
        Refused(Encrypted),
    ),
    (
        "paperless/documents-samples/simple.zip",
        Refused(Unsupported),
    ),
    ("ocrmypdf/tagged.odt", Refused(Unsupported)),
    (
        "paperless/paperless-samples/tesseract/simple.gif",
        Refused(Unsupported),
    ),
    (
        "paperless/paperless-samples/tesseract/document.webp",
        Refused(Unsupported),
    ),
];

fn contains_all(text: &str, needles: &[&str]) -> Result<(), String> {
    let hay = support::normalize(text).to_lowercase();
    match needles.iter().find(|n| !hay.contains(&n.to_lowercase())) {
        Some(missing) => Err(format!("text lacks {missing:?}")),
        None => Ok(()),
    }
}

fn check(
    expect: &Expect,
    result: &Result<Extraction, Rejection>,
    linn: &str,
) -> Result<(), String> {
    let x = match (expect, result) {
        (Refused(code), Err(r)) if r.code == *code => return Ok(()),
        (ReadsOrCorrupt, Err(r)) if r.code == RejectCode::Corrupt => return Ok(()),
        (Refused(code), other) => return Err(format!("expected refusal {code}, got {other:?}")),
        (_, Err(r)) => return Err(format!("refused: {r}")),
        (_, Ok(x)) => x,
    };
    match expect {
        Linn { pages, max_cer } => {
            if x.pages.len() != *pages {
                return Err(format!("{} pages, expected {pages}", x.pages.len()));
            }
            for p in &x.pages {
                let cer = support::cer(linn, &p.text);
                if p.source != PageSource::Ocr || cer > *max_cer {
                    return Err(format!(
                        "page {}: {:?}, CER {:.2} % (max {:.1} %)",
                        p.number,
                        p.source,
                        cer * 100.0,
                        max_cer * 100.0
                    ));
                }
            }
            Ok(())
        }
        Ocr(needles) => {
            if !x.pages.iter().any(|p| p.source == PageSource::Ocr) {
                return Err(format!("no OCR page: {:?}", x.text_source()));
            }
            contains_all(&x.text(), needles)
        }
        Layer(needles) => {
            if x.text_source() != TextSource::TextLayer {
                return Err(format!(
                    "text source {:?}, expected the text layer",
                    x.text_source()
                ));
            }
            contains_all(&x.text(), needles)
        }
        NoText => {
            let letters = x.text().chars().filter(|c| c.is_alphanumeric()).count();
            (letters == 0)
                .then_some(())
                .ok_or(format!("expected no text, got {letters} letters"))
        }
        Reads | ReadsOrCorrupt => (!x.pages.is_empty()).then_some(()).ok_or("no pages".into()),
        Refused(_) => unreachable!(),
    }
}

#[test]
fn every_corpus_file_gets_its_expected_outcome() {
    let Some(corpus) = support::corpus("every_corpus_file_gets_its_expected_outcome") else {
        return;
    };
    let linn = std::fs::read_to_string(corpus.join("ocrmypdf/linn.txt")).unwrap();
    let extractor = support::extractor();
    // Signed and owner-password-only PDFs are read, never modified.
    let untouched = [
        "paperless/paperless-samples/tesseract/signed.pdf",
        "ocrmypdf/derived/acroform_signed.pdf",
        "ocrmypdf/derived/trivial_encrypted_ownerpw_only_R6.pdf",
        "ocrmypdf/historical/encrypted_algo4.pdf",
    ];
    let digest = |rel: &str| std::fs::read(corpus.join(rel)).unwrap();
    let before: Vec<Vec<u8>> = untouched.iter().map(|r| digest(r)).collect();
    let next = Mutex::new(CASES.iter());
    let failures = Mutex::new(Vec::new());
    std::thread::scope(|s| {
        for _ in 0..2 {
            s.spawn(|| loop {
                let Some((rel, expect)) = next.lock().unwrap().next() else {
                    return;
                };
                let path = corpus.join(rel);
                assert!(path.exists(), "corpus file missing: {rel}");
                let result = extractor.extract_path(&path);
                if let Err(why) = check(expect, &result, &linn) {
                    failures.lock().unwrap().push(format!("{rel}: {why}"));
                }
            });
        }
    });
    let failures = failures.into_inner().unwrap();
    for (rel, bytes) in untouched.iter().zip(before) {
        assert!(digest(rel) == bytes, "{rel} changed on disk");
    }
    assert!(
        failures.is_empty(),
        "{} of {} corpus files wrong:\n{}",
        failures.len(),
        CASES.len(),
        failures.join("\n")
    );
    // No runaway memory: hugemono (1225 MP) would need gigabytes; the big
    // legitimate pages (enormous, poster) are bounded by the render cap.
    let peak = support::peak_rss_mb();
    assert!(peak < 1500, "peak RSS {peak} MB");
}

#[test]
fn mixed_pdf_is_decided_page_by_page() {
    let Some(corpus) = support::corpus("mixed_pdf_is_decided_page_by_page") else {
        return;
    };
    let extractor = support::extractor();
    let before = extractor.ocr_pages_submitted();
    let x = extractor
        .extract_path(&corpus.join("paperless/paperless-samples/tesseract/multi-page-mixed.pdf"))
        .unwrap();
    assert_eq!(x.text_source(), TextSource::Mixed);
    let sources: Vec<PageSource> = x.pages.iter().map(|p| p.source).collect();
    use PageSource::*;
    assert_eq!(sources, [Ocr, Ocr, Ocr, TextLayer, TextLayer, TextLayer]);
    for p in &x.pages {
        assert!(
            p.text.contains(&format!("Page {}", p.number)),
            "page {}: {:?}",
            p.number,
            p.text
        );
    }
    // Exactly the three image pages went to OCR.
    assert_eq!(extractor.ocr_pages_submitted() - before, 3);
}

#[test]
fn upside_down_scans_are_turned_and_all_rotations_read_confidently() {
    let Some(corpus) =
        support::corpus("upside_down_scans_are_turned_and_all_rotations_read_confidently")
    else {
        return;
    };
    let extractor = support::extractor();
    let x = extractor
        .extract_path(&corpus.join("ocrmypdf/cardinal.pdf"))
        .unwrap();
    let turns: Vec<u16> = x.pages.iter().map(|p| p.rotation_degrees).collect();
    // Page 1 is upright and page 3 upside down: OSD turns it. (Pages 2 and 4
    // are sideways; tesseract's layout analysis reads those without a turn,
    // and whether it reports their orientation varies, so it is not asserted.)
    assert_eq!(turns[0], 0, "{turns:?}");
    assert_eq!(turns[2], 180, "{turns:?}");
    for p in &x.pages {
        assert!(
            p.ocr_confidence.unwrap() > 80.0,
            "page {} confidence {:?}",
            p.number,
            p.ocr_confidence
        );
        // 300 dpi, also when placed sideways (pdfium then measures the
        // image against its bounding box: 232 × 388).
        let (dx, dy) = p.dpi.unwrap();
        assert_eq!(
            (dx * dy).sqrt().round(),
            300.0,
            "page {}: {dx} × {dy}",
            p.number
        );
    }
}

/// pdfium keeps the reason a load failed in one process-wide slot: files
/// refused at the same moment on several threads (a burst in the inbox) must
/// each keep their own reason, an encrypted letter never reads as corrupt.
#[test]
fn refusals_read_at_the_same_moment_keep_their_own_reason() {
    let Some(corpus) = support::corpus("refusals_read_at_the_same_moment_keep_their_own_reason")
    else {
        return;
    };
    let extractor = support::extractor();
    let files = [
        ("ocrmypdf/derived/jbig2_encrypted_R4.pdf", Encrypted),
        (
            "ocrmypdf/derived/trivial_encrypted_userpw_R6.pdf",
            Encrypted,
        ),
        ("ocrmypdf/invalid.pdf", Corrupt),
        ("ocrmypdf/derived/skew_truncated_40000.pdf", Corrupt),
    ];
    let wrong = Mutex::new(Vec::new());
    std::thread::scope(|s| {
        for (rel, code) in files {
            let (path, extractor, wrong) = (corpus.join(rel), &extractor, &wrong);
            s.spawn(move || {
                for _ in 0..300 {
                    match extractor.extract_path(&path) {
                        Err(r) if r.code == code => {}
                        other => {
                            let got = other.map(|_| "read".to_string());
                            let got = got.unwrap_or_else(|r| r.code.as_str().to_string());
                            wrong.lock().unwrap().push(format!("{rel}: {got}"));
                        }
                    }
                }
            });
        }
    });
    let wrong = wrong.into_inner().unwrap();
    assert!(
        wrong.is_empty(),
        "{} wrong of 1200: {:?}",
        wrong.len(),
        &wrong[..wrong.len().min(5)]
    );
}
