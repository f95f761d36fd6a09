//! Reading one page image on a worker: blank check, recognition, and — only
//! when the first pass reads badly — orientation detection and a second pass
//! on the turned image. Upright pages (nearly all) pay for one pass only.

use std::time::Instant;

use image::{imageops, GrayImage};

use super::tess::{TessEngine, TessError};
use crate::extract::quality;

/// Below this mean confidence the page may be upside down: ask OSD.
/// Measured: upright LinnSequencer scans read at ~93, the same page upside
/// down at ~36; sideways pages are read by the layout analysis itself (~93).
const RETRY_BELOW_CONFIDENCE: i32 = 60;
/// OSD's own confidence needed before we turn a page (cardinal.pdf: 20–34).
const MIN_OSD_CONFIDENCE: f32 = 2.0;

/// A page read by OCR.
#[derive(Debug, Clone)]
pub struct OcrPage {
    pub text: String,
    /// Mean word confidence 0–100; `None` for a blank page (not read).
    pub confidence: Option<f32>,
    pub blank: bool,
    /// Clockwise turn applied (or found) to read the page upright.
    pub rotation_degrees: u16,
    pub skew_degrees: Option<f32>,
    /// The received stamp's readings (first page only), when one was found;
    /// `text` then leaves it out.
    pub stamp: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OcrFailure {
    Timeout,
    Engine,
}

pub type OcrOutcome = Result<OcrPage, OcrFailure>;

pub(super) fn read_page(
    text: &mut TessEngine,
    osd: &mut TessEngine,
    image: GrayImage,
    dpi: u32,
    timeout_ms: u32,
    first_page: bool,
) -> OcrOutcome {
    let started = Instant::now();
    let ink = quality::ink_fraction(&image);
    if quality::is_blank_by_ink(ink) {
        return Ok(blank_page());
    }
    let (image, corrected_skew) = match super::deskew::deskew(&image) {
        Some((straight, angle)) => (straight, Some(angle)),
        None => (image, None),
    };
    // Only a first page is searched for the received stamp; its lines and
    // word boxes come from the same pass.
    let first = text
        .recognize_lines(&image, dpi, timeout_ms)
        .map_err(failure)?;
    let mut image = image;
    let mut best = (first, 0u16);
    if best.0 .0.mean_confidence < RETRY_BELOW_CONFIDENCE
        && !quality::looks_blank(&best.0 .0.text, ink)
    {
        if let Some(turn) = detect_turn(osd, &image, dpi) {
            let remaining = remaining_ms(started, timeout_ms).ok_or(OcrFailure::Timeout)?;
            let turned = rotate(&image, turn);
            let second = text
                .recognize_lines(&turned, dpi, remaining)
                .map_err(failure)?;
            if second.0.mean_confidence > best.0 .0.mean_confidence {
                best = (second, turn);
                image = turned;
            }
        }
    }
    let ((mut r, lines), turn) = best;
    if quality::looks_blank(&r.text, ink) {
        return Ok(blank_page());
    }
    let mut stamp = None;
    if first_page {
        let remaining = remaining_ms(started, timeout_ms).ok_or(OcrFailure::Timeout)?;
        // The stamp is an extra: a fault in reading it must not cost the
        // page its text, as a panic in the worker would.
        let separated = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            super::stamp::separate(text, &image, dpi, &lines, remaining)
        }));
        match separated {
            Ok(found) => {
                if let Some(found) = found.map_err(failure)? {
                    r.text = found.body_text;
                    stamp = Some(found.reading);
                }
            }
            Err(_) => {
                tracing::error!("lesingen av mottaksstempelet feilet; siden beholdes uten stempel")
            }
        }
    }
    let text = normalize_text(&r.text);
    // With no words there is nothing to be confident about (tesseract then
    // reports an arbitrary number).
    let confidence = (!text.trim().is_empty()).then(|| r.mean_confidence.clamp(0, 100) as f32);
    Ok(OcrPage {
        text,
        confidence,
        blank: false,
        rotation_degrees: if turn != 0 {
            turn
        } else {
            r.orientation_degrees
        },
        skew_degrees: corrected_skew.or(r.skew_degrees),
        stamp,
    })
}

fn blank_page() -> OcrPage {
    OcrPage {
        text: String::new(),
        confidence: None,
        blank: true,
        rotation_degrees: 0,
        skew_degrees: None,
        stamp: None,
    }
}

fn failure(e: TessError) -> OcrFailure {
    match e {
        TessError::Timeout => OcrFailure::Timeout,
        _ => OcrFailure::Engine,
    }
}

fn remaining_ms(started: Instant, timeout_ms: u32) -> Option<u32> {
    let used = u32::try_from(started.elapsed().as_millis()).unwrap_or(u32::MAX);
    timeout_ms.checked_sub(used).filter(|&r| r > 0)
}

/// Orientation detection on a half-size copy (OSD needs no more, and it
/// halves its cost). Returns the clockwise turn, if one is needed.
fn detect_turn(osd: &mut TessEngine, image: &GrayImage, dpi: u32) -> Option<u16> {
    let (small, small_dpi) = if dpi >= 250 {
        let (w, h) = image.dimensions();
        (
            imageops::resize(image, w / 2, h / 2, imageops::FilterType::Triangle),
            dpi / 2,
        )
    } else {
        (image.clone(), dpi)
    };
    let (turn, conf) = osd.detect_orientation(&small, small_dpi)?;
    (turn != 0 && conf >= MIN_OSD_CONFIDENCE).then_some(turn)
}

/// Turns `image` clockwise by `degrees` (a multiple of 90).
pub fn rotate(image: &GrayImage, degrees: u16) -> GrayImage {
    match degrees % 360 {
        90 => imageops::rotate90(image),
        180 => imageops::rotate180(image),
        270 => imageops::rotate270(image),
        _ => image.clone(),
    }
}

/// Tesseract ends every block with blank lines and the page with "\n\f"
/// in some versions; keep the text, trim the frame.
fn normalize_text(text: &str) -> String {
    text.trim_end_matches(['\u{c}', '\n', ' ']).to_owned()
}
