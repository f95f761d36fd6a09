//! Limits a file must stay within (file size, pages, pixels per page, OCR
//! time per page), checked as early as the information exists: file size
//! before reading, pixels from headers and PDF dictionaries before decoding.

use super::{ExtractConfig, Rejection};
use crate::item::RejectCode;

/// The limits in force for one extraction.
#[derive(Debug, Clone)]
pub struct PageLimits {
    pub max_file_bytes: u64,
    pub max_pages: u32,
    pub max_pixels: u64,
    pub ocr_timeout_ms: u32,
    pub max_render_dpi: u16,
}

impl PageLimits {
    pub fn from_config(c: &ExtractConfig) -> Self {
        PageLimits {
            max_file_bytes: c.max_file_bytes(),
            max_pages: c.max_pages.max(1),
            max_pixels: c.max_pixels_per_page().max(1),
            // `as` saturates: NaN and negatives give 0, huge values u32::MAX.
            ocr_timeout_ms: ((c.ocr_timeout_secs_per_page * 1000.0) as u32).max(1),
            max_render_dpi: c.max_render_dpi.clamp(72, 1200),
        }
    }

    pub fn too_large(&self) -> Rejection {
        too_large_rejection()
    }

    pub fn check_file_size(&self, bytes: u64) -> Result<(), Rejection> {
        if bytes > self.max_file_bytes {
            return Err(Rejection::new(
                RejectCode::TooLarge,
                format!(
                    "Filen er for stor ({} MB; grensen er {} MB).",
                    bytes / (1024 * 1024),
                    self.max_file_bytes / (1024 * 1024)
                ),
            ));
        }
        Ok(())
    }

    pub fn check_page_count(&self, pages: usize) -> Result<(), Rejection> {
        if pages > self.max_pages as usize {
            return Err(Rejection::new(
                RejectCode::TooLarge,
                format!(
                    "Dokumentet har for mange sider (grensen er {}).",
                    self.max_pages
                ),
            ));
        }
        Ok(())
    }

    /// `pixels` of one page image (or embedded image) against the budget.
    pub fn check_pixels(&self, pixels: u64) -> Result<(), Rejection> {
        if pixels > self.max_pixels {
            return Err(Rejection::new(
                RejectCode::TooLarge,
                format!(
                    "En side er for stor ({} megapiksler; grensen er {}).",
                    pixels / 1_000_000,
                    self.max_pixels / 1_000_000
                ),
            ));
        }
        Ok(())
    }
}

/// Pixels one image may decode to, whatever `max_megapixels_per_page` says:
/// a 24 KB PNG of 14000 × 14000 1-bit pixels decodes to 196 MB of gray and
/// takes tesseract to ~2 GB, so memory, not only the pixel count, is
/// budgeted. 72 MP holds an A3 page at 600 dpi, far above what OCR needs.
pub const IMAGE_MEMORY_BUDGET_PIXELS: u64 = 72_000_000;

impl PageLimits {
    /// A source image's size against the memory budget, checked from its
    /// header before decoding.
    pub fn check_image_memory(&self, w: u32, h: u32) -> Result<(), Rejection> {
        let pixels = u64::from(w) * u64::from(h);
        if pixels > IMAGE_MEMORY_BUDGET_PIXELS {
            return Err(Rejection::new(
                RejectCode::TooLarge,
                format!(
                    "Bildet er {w} × {h} piksler ({} megapiksler); over {} megapiksler leses ikke. \
                     Skann på nytt med 300 dpi.",
                    pixels / 1_000_000,
                    IMAGE_MEMORY_BUDGET_PIXELS / 1_000_000
                ),
            ));
        }
        Ok(())
    }
}

pub fn too_large_rejection() -> Rejection {
    Rejection::new(RejectCode::TooLarge, RejectCode::TooLarge.message_nb())
}
