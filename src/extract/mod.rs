//! Extract: turns a file's bytes into pages of text and quality facts.
//!
//! Content is sniffed, never trusted from the extension. PDFs are read through
//! pdfium (text layer per page); pages without a usable text layer, and images,
//! are rendered and OCR'd on a bounded pool of tesseract workers.
//!
//! **Invariant:** a page with a usable text layer never reaches OCR.
//! **Invariant:** limits (pixels, pages, bytes) are checked from headers and
//! dictionaries before anything is decoded; a bad file yields a
//! [`Rejection`] with a code, never a panic.
//!
//! Owner of this stage's types; `classify` reads [`Extraction`], nothing else.

pub mod config;
pub mod delivery;
mod extractor;
pub mod image;
pub mod limits;
pub mod ocr;
mod pdf;
pub mod quality;
pub mod sniff;

use serde::Serialize;

use crate::item::RejectCode;

pub use config::{pdfium_candidates, ExtractConfig, DEFAULT_LANGUAGES};
pub use extractor::{ExtractSetupError, Extractor};

/// The result of reading one file.
#[derive(Debug, Clone, Serialize)]
pub struct Extraction {
    /// Sniffed media type: `application/pdf`, `image/png`, `image/jpeg`, `image/tiff`.
    pub media_type: String,
    pub pages: Vec<Page>,
    /// An e-mail or SvarInn delivery: its header facts and documents (the
    /// pages above are those of its printout).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub delivery: Option<delivery::Delivery>,
    /// The delivery's printout, for the caller to keep beside the original.
    #[serde(skip)]
    pub printout: Option<PrintoutPdf>,
}

/// The bytes of a delivery's printout PDF (`Debug` shows only the size).
#[derive(Clone)]
pub struct PrintoutPdf(pub Vec<u8>);

impl std::fmt::Debug for PrintoutPdf {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "PrintoutPdf({} bytes)", self.0.len())
    }
}

impl Extraction {
    /// A PDF whose pages, numbered from 1, all have these texts in their
    /// text layer: what classify sees of a born-digital letter.
    pub fn text_layer_pdf(texts: impl IntoIterator<Item = String>) -> Extraction {
        Extraction {
            media_type: "application/pdf".into(),
            pages: (1..)
                .zip(texts)
                .map(|(number, text)| Page::text_layer(number, text))
                .collect(),
            delivery: None,
            printout: None,
        }
    }

    /// All page texts joined by form feed, as in the `process --json` contract.
    pub fn text(&self) -> String {
        self.pages
            .iter()
            .map(|p| p.text.as_str())
            .collect::<Vec<_>>()
            .join("\u{c}")
    }

    /// How the document's text was obtained, over all pages.
    pub fn text_source(&self) -> TextSource {
        let layer = self.pages.iter().any(|p| p.source == PageSource::TextLayer);
        let ocr = self.pages.iter().any(|p| p.source == PageSource::Ocr);
        match (layer, ocr) {
            (true, true) => TextSource::Mixed,
            (true, false) => TextSource::TextLayer,
            (false, true) => TextSource::Ocr,
            (false, false) => TextSource::None,
        }
    }

    /// Mean OCR confidence over OCR'd, non-blank pages (0–100), if any.
    pub fn ocr_confidence(&self) -> Option<f32> {
        let confs: Vec<f32> = self
            .pages
            .iter()
            .filter(|p| !p.blank)
            .filter_map(|p| p.ocr_confidence)
            .collect();
        if confs.is_empty() {
            None
        } else {
            Some(confs.iter().sum::<f32>() / confs.len() as f32)
        }
    }

    /// 1-based numbers of blank pages (duplex back sides and the like).
    pub fn blank_pages(&self) -> Vec<u32> {
        self.pages
            .iter()
            .filter(|p| p.blank)
            .map(|p| p.number)
            .collect()
    }
}

/// One page of a document.
#[derive(Debug, Clone, Serialize)]
pub struct Page {
    /// 1-based page number.
    pub number: u32,
    pub text: String,
    pub source: PageSource,
    /// Mean word confidence 0–100 when the page was OCR'd.
    pub ocr_confidence: Option<f32>,
    /// No meaningful ink (a duplex back side); its text is empty.
    pub blank: bool,
    /// Effective resolution of the scanned image (x, y), when known.
    pub dpi: Option<(f32, f32)>,
    /// Rotation applied to read the page upright (0, 90, 180, 270).
    pub rotation_degrees: u16,
    /// Residual skew detected by OCR, in degrees, when known.
    pub skew_degrees: Option<f32>,
    /// The received stamp read on its own (first page of a scan), when one
    /// was found; its text is then not part of `text`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub stamp: Option<String>,
}

impl Page {
    /// A page read from the PDF's own text layer (never OCR'd).
    pub fn text_layer(number: u32, text: String) -> Page {
        Page {
            number,
            text,
            source: PageSource::TextLayer,
            ocr_confidence: None,
            blank: false,
            dpi: None,
            rotation_degrees: 0,
            skew_degrees: None,
            stamp: None,
        }
    }

    /// A scanned page waiting for OCR: no text yet, its resolution if known.
    pub fn pending_ocr(number: u32, dpi: Option<(f32, f32)>) -> Page {
        Page {
            number,
            text: String::new(),
            source: PageSource::Ocr,
            ocr_confidence: None,
            blank: false,
            dpi,
            rotation_degrees: 0,
            skew_degrees: None,
            stamp: None,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum PageSource {
    TextLayer,
    Ocr,
    /// Neither a text layer nor OCR gave text (e.g. a blank page).
    None,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum TextSource {
    TextLayer,
    Ocr,
    Mixed,
    None,
}

/// A file refused with a code (DESIGN.md §6). The message is for staff, in
/// Norwegian, and never contains letter text.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{code}: {message}")]
pub struct Rejection {
    pub code: RejectCode,
    pub message: String,
}

impl Rejection {
    pub fn new(code: RejectCode, message: impl Into<String>) -> Self {
        Rejection {
            code,
            message: message.into(),
        }
    }
}

pub(crate) fn corrupt() -> Rejection {
    Rejection::new(RejectCode::Corrupt, RejectCode::Corrupt.message_nb())
}

pub(crate) fn unsupported(message: &str) -> Rejection {
    Rejection::new(RejectCode::Unsupported, message)
}

/// A read error on the file itself (permissions, vanished, I/O).
pub(crate) fn io_rejection(err: &std::io::Error) -> Rejection {
    Rejection::new(
        RejectCode::Unreadable,
        format!("Filen kunne ikke leses ({}).", err.kind()),
    )
}

/// Puts OCR results into their pages; a timed-out or failed page makes the
/// whole file `unreadable` (its original is kept for a person to read).
pub(crate) fn merge_ocr(
    pages: &mut [Page],
    results: Vec<(usize, ocr::OcrOutcome)>,
) -> Result<(), Rejection> {
    let mut answered = vec![false; pages.len()];
    for (index, outcome) in results {
        let Some(page) = pages.get_mut(index) else {
            continue;
        };
        answered[index] = true;
        match outcome {
            Ok(r) => {
                page.source = if r.blank {
                    PageSource::None
                } else {
                    PageSource::Ocr
                };
                page.text = r.text;
                page.ocr_confidence = r.confidence;
                page.blank = r.blank;
                page.rotation_degrees = r.rotation_degrees;
                page.skew_degrees = r.skew_degrees;
                page.stamp = r.stamp;
            }
            Err(ocr::OcrFailure::Timeout) => {
                return Err(Rejection::new(
                    RejectCode::Unreadable,
                    format!("Side {} tok for lang tid å lese (tidsgrense).", index + 1),
                ))
            }
            Err(ocr::OcrFailure::Engine) => {
                return Err(Rejection::new(
                    RejectCode::Unreadable,
                    format!(
                        "Side {} kunne ikke leses av tekstgjenkjenningen.",
                        index + 1
                    ),
                ))
            }
        }
    }
    // Every page sent to OCR must have come back (a worker may have died).
    let lost = pages
        .iter()
        .zip(&answered)
        .find(|(p, answered)| p.source == PageSource::Ocr && !**answered);
    if let Some((page, _)) = lost {
        return Err(Rejection::new(
            RejectCode::Unreadable,
            format!(
                "Side {} kunne ikke leses av tekstgjenkjenningen.",
                page.number
            ),
        ));
    }
    Ok(())
}
