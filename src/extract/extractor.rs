//! [`Extractor`]: the stage's one entry point (CONTRACTS.md). Owns pdfium
//! and the OCR pool; routes each file by sniffed content to the PDF or the
//! image reader under the configured limits.
//!
//! **Invariant:** `extract_path` never panics on a user's file and never
//! writes to it; every refusal carries a [`RejectCode`].

use std::io::Cursor;
use std::path::{Path, PathBuf};

use image::GrayImage;
use pdfium_render::prelude::{Pdfium, PdfiumError};

use super::image::{self as img, Frame};
use super::limits::PageLimits;
use super::ocr::{OcrPool, OcrSettings, OcrSlot};
use super::sniff::{self, MediaKind};
use super::{merge_ocr, pdf, ExtractConfig, Extraction, Page, Rejection};
use crate::item::RejectCode;

/// Scanner headers at or below this are not credible (often a 72/96 dpi
/// placeholder); the resolution is then estimated from the page width.
const MIN_CREDIBLE_DPI: f32 = 100.0;
/// A4 width in inches, for estimating the resolution of images without one.
const A4_WIDTH_IN: f32 = 8.27;

/// Why the extractor could not start. Messages are for the operator.
#[derive(Debug, thiserror::Error)]
pub enum ExtractSetupError {
    #[error("fant ikke libpdfium.so (prøvde: {}); kjør scripts/setup", list(.tried))]
    PdfiumMissing { tried: Vec<PathBuf> },
    #[error("kunne ikke laste pdfium fra {path}: {message}; kjør scripts/setup")]
    PdfiumLoad { path: PathBuf, message: String },
    #[error("{0}")]
    Tesseract(#[from] super::ocr::tess::TessError),
}

fn list(paths: &[PathBuf]) -> String {
    paths
        .iter()
        .map(|p| p.display().to_string())
        .collect::<Vec<_>>()
        .join(", ")
}

/// Reads files into [`Extraction`]s. `Send + Sync`; share as `Arc<Extractor>`.
pub struct Extractor {
    pdfium: Pdfium,
    /// Loaded at construction ([`Extractor::new`]) or, for one-shot runs
    /// ([`Extractor::new_lazy`]), when the first page needs OCR: loading the
    /// engines costs ~0.4 s that a text-layer PDF never needs. The daemon
    /// releases them when idle and they load again on the next scan.
    ocr: OcrSlot,
    limits: PageLimits,
    languages: String,
}

impl Extractor {
    /// Loads pdfium and starts the OCR worker pool. The error names what is
    /// missing and what to do.
    pub fn new(config: &ExtractConfig) -> Result<Extractor, ExtractSetupError> {
        // Eager for the daemon: a missing language is reported at start,
        // not at the first letter (and the start is no "reload").
        Self::build(config, OcrSlot::start)
    }

    /// Like [`Self::new`], but the OCR engines are loaded only when the
    /// first page needs OCR (`process` on text-layer PDFs never pays for
    /// them). A missing language then refuses that file as `unreadable`.
    pub fn new_lazy(config: &ExtractConfig) -> Result<Extractor, ExtractSetupError> {
        Self::build(config, |settings| Ok(OcrSlot::empty(settings)))
    }

    fn build(
        config: &ExtractConfig,
        slot: impl FnOnce(&OcrSettings) -> Result<OcrSlot, super::ocr::tess::TessError>,
    ) -> Result<Extractor, ExtractSetupError> {
        let pdfium = load_pdfium(config)?;
        let limits = PageLimits::from_config(config);
        let settings = OcrSettings {
            languages: config.languages.clone(),
            workers: config.worker_count(),
            timeout_ms: limits.ocr_timeout_ms,
        };
        Ok(Extractor {
            pdfium,
            ocr: slot(&settings)?,
            limits,
            languages: config.languages.clone(),
        })
    }

    /// Blocking (call from `spawn_blocking`). Sniffs content, enforces
    /// limits, takes text layers and OCRs the rest.
    pub fn extract_path(&self, path: &Path) -> Result<Extraction, Rejection> {
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        // E-mail and SvarInn deliveries are recognised by content first.
        if let Some(format) = super::delivery::detect_path(path)? {
            return super::delivery::read::extract(
                &self.pdfium,
                &self.limits,
                &|| self.pool(),
                path,
                format,
            )
            .map_err(|r| sniff::as_named_other_format(r, &name));
        }
        let named = |r: Rejection| sniff::as_named(r, &name);
        let kind = self.precheck(path).map_err(named)?;
        if kind == MediaKind::Pdf {
            if let Some((_, json)) = super::delivery::sidecar::find(path) {
                return super::delivery::read::extract_with_sidecar(
                    &self.pdfium,
                    &self.limits,
                    &|| self.pool(),
                    path,
                    &name,
                    &json,
                );
            }
        }
        let pages = match kind {
            MediaKind::Pdf => {
                pdf::extract(&self.pdfium, path, &self.limits, &|| self.pool()).map_err(named)?
            }
            _ => self.extract_image(path, kind).map_err(named)?,
        };
        Ok(Extraction {
            media_type: kind.media_type().to_owned(),
            pages,
            delivery: None,
            printout: None,
        })
    }

    /// PNG of one page (1-based) for the board; images and PDFs alike.
    /// Blocking.
    pub fn render_page_png(&self, path: &Path, page: u32, dpi: u16) -> Result<Vec<u8>, Rejection> {
        let kind = self.precheck(path)?;
        let gray = match kind {
            MediaKind::Pdf => pdf::render_page(&self.pdfium, path, page, dpi, &self.limits)?,
            _ => self.image_page(path, kind, page, dpi)?,
        };
        let mut out = Cursor::new(Vec::new());
        gray.write_to(&mut out, image::ImageFormat::Png)
            .map_err(|_| {
                Rejection::new(
                    RejectCode::Unreadable,
                    "Siden kunne ikke gjøres om til bilde.",
                )
            })?;
        Ok(out.into_inner())
    }

    /// Pages ever sent to OCR by this extractor (text-layer pages never are).
    pub fn ocr_pages_submitted(&self) -> u64 {
        self.ocr.pages_submitted()
    }

    pub fn ocr_workers(&self) -> usize {
        self.ocr.worker_count()
    }

    /// Drops the OCR engines when nothing was read for `idle` (they load
    /// again on the next file); returns whether they were released now.
    pub fn release_ocr_if_idle(&self, idle: std::time::Duration) -> bool {
        self.ocr.release_if_idle(idle)
    }

    pub fn ocr_loaded(&self) -> bool {
        self.ocr.is_loaded()
    }

    /// The OCR pool, loaded again after a release. Loading only fails when
    /// tesseract's data went missing since the start; the file is then
    /// unreadable for now and the error is logged for the operator.
    fn pool(&self) -> Result<std::sync::Arc<OcrPool>, Rejection> {
        self.ocr.get().map_err(|err| {
            tracing::error!(error = %err, "OCR-motorene kan ikke lastes på nytt");
            Rejection::new(
                RejectCode::Unreadable,
                "Tekstlesingen (OCR) kunne ikke startes; se tjenestens logg.",
            )
        })
    }

    pub fn languages(&self) -> &str {
        &self.languages
    }

    /// File size (before reading) and content sniffing.
    fn precheck(&self, path: &Path) -> Result<MediaKind, Rejection> {
        let meta = std::fs::metadata(path).map_err(|e| super::io_rejection(&e))?;
        if !meta.is_file() {
            return Err(Rejection::new(
                RejectCode::Unreadable,
                "Dette er ikke en vanlig fil.",
            ));
        }
        if meta.len() == 0 {
            return Err(Rejection::new(
                RejectCode::Empty,
                RejectCode::Empty.message_nb(),
            ));
        }
        self.limits.check_file_size(meta.len())?;
        sniff::sniff_path(path)
    }

    fn extract_image(&self, path: &Path, kind: MediaKind) -> Result<Vec<Page>, Rejection> {
        let mut pages = Vec::new();
        // The engines are asked for at the first frame that passed its
        // limits: an image refused from its header never loads them.
        let pool = std::cell::OnceCell::new();
        let mut batch = None;
        img::for_each_frame(path, kind, &self.limits, |index, frame| {
            let frame = img::square_pixels(frame, &self.limits);
            let (dpi, ocr_dpi) = frame_dpi(&frame);
            pages.push(Page::pending_ocr(index as u32 + 1, dpi));
            if pool.get().is_none() {
                let _ = pool.set(self.pool()?);
            }
            if batch.is_none() {
                batch = pool.get().map(|p| p.batch());
            }
            if let Some(b) = batch.as_mut() {
                b.submit(index, frame.image, ocr_dpi);
            }
            Ok(())
        })?;
        merge_ocr(&mut pages, batch.map(|b| b.finish()).unwrap_or_default())?;
        Ok(pages)
    }

    fn image_page(
        &self,
        path: &Path,
        kind: MediaKind,
        page: u32,
        dpi: u16,
    ) -> Result<GrayImage, Rejection> {
        let wanted = page.checked_sub(1).map(|p| p as usize);
        let mut found: Option<Frame> = None;
        img::for_each_frame(path, kind, &self.limits, |index, frame| {
            if Some(index) == wanted {
                found = Some(frame);
            }
            Ok(())
        })?;
        let frame = found.ok_or_else(|| {
            Rejection::new(RejectCode::Unreadable, "Siden finnes ikke i dokumentet.")
        })?;
        let frame = img::square_pixels(frame, &self.limits);
        let (_, source_dpi) = frame_dpi(&frame);
        let want = u32::from(dpi.max(18));
        if source_dpi > want {
            let (w, h) = frame.image.dimensions();
            let f = want as f32 / source_dpi as f32;
            let (nw, nh) = (
                ((w as f32) * f).max(1.0) as u32,
                ((h as f32) * f).max(1.0) as u32,
            );
            return Ok(image::imageops::resize(
                &frame.image,
                nw,
                nh,
                image::imageops::FilterType::Triangle,
            ));
        }
        Ok(frame.image)
    }
}

/// The header resolution (reported as a quality fact) and the resolution
/// given to tesseract: the header's when credible, else estimated as if the
/// image were an A4 page wide.
fn frame_dpi(frame: &Frame) -> (Option<(f32, f32)>, u32) {
    // A fax's 204 × 98 is credible; a 72 × 72 placeholder is not.
    let credible = frame
        .header_dpi
        .filter(|(x, y)| x.max(*y) >= MIN_CREDIBLE_DPI && x.min(*y) >= MIN_CREDIBLE_DPI / 2.0);
    let ocr = match credible {
        Some((x, y)) => x.max(y),
        None => frame.image.width() as f32 / A4_WIDTH_IN,
    };
    (frame.header_dpi, ocr.clamp(70.0, 1200.0).round() as u32)
}

fn load_pdfium(config: &ExtractConfig) -> Result<Pdfium, ExtractSetupError> {
    let tried = super::pdfium_candidates(config.pdfium_path.as_deref());
    for path in &tried {
        if !path.is_file() {
            continue;
        }
        return match Pdfium::bind_to_library(path) {
            Ok(bindings) => Ok(Pdfium::new(bindings)),
            // pdfium binds once per process; later extractors reuse it.
            Err(PdfiumError::PdfiumLibraryBindingsAlreadyInitialized) => Ok(Pdfium::default()),
            Err(e) => Err(ExtractSetupError::PdfiumLoad {
                path: path.clone(),
                message: format!("{e:?}"),
            }),
        };
    }
    Err(ExtractSetupError::PdfiumMissing { tried })
}

#[cfg(test)]
mod tests {
    /// The daemon shares one extractor across tasks (`Arc<Extractor>`).
    #[test]
    fn extractor_is_send_and_sync() {
        fn assert_send_sync<T: Send + Sync>() {}
        assert_send_sync::<super::Extractor>();
    }
}
