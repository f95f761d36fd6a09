//! PDFs through pdfium: open (never modify), check limits from the page and
//! image dictionaries, take each page's text layer when it is usable, and
//! render the other pages for OCR.
//!
//! **Invariant:** a page whose text layer is usable is never rendered and
//! never reaches OCR. Owner-password-only and signed PDFs open without a
//! password and are read like any other; a user password means `encrypted`.
//! pdfium opens files read-only; nothing here writes.

use std::path::Path;

use image::GrayImage;
use pdfium_render::prelude::*;

use super::limits::PageLimits;
use super::ocr::OcrPool;
use super::{corrupt, quality, Page, Rejection};
use crate::item::RejectCode;

/// Vector-only pages (no images) and low-resolution scans are rendered at
/// least this fine: tesseract wants ~20–30 px x-height.
const MIN_OCR_DPI: f32 = 300.0;
/// Never render a page bigger than this, whatever its size or /UserUnit
/// (a 250×500-inch poster must not become a gigapixel bitmap).
const MAX_RENDER_PIXELS: f64 = 35_000_000.0;

/// pdfium keeps why a load failed in one process-wide slot
/// (`FPDF_GetLastError`), read by a second call after the failed load. A load
/// on another thread between the two overwrites it: an encrypted letter
/// refused beside a corrupt one read as corrupt. Loads take turns here, so
/// each failure is read back before the next load can begin.
static LOADING: std::sync::Mutex<()> = std::sync::Mutex::new(());

/// Runs one pdfium document load (`load_pdf_from_*`) in its turn. Every
/// load in the crate goes through here.
pub fn load_in_turn<'a>(
    load: impl FnOnce() -> Result<PdfDocument<'a>, PdfiumError>,
) -> Result<PdfDocument<'a>, PdfiumError> {
    // A panic while holding the turn poisons nothing pdfium cares about.
    let _turn = LOADING
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    load()
}

/// Opens `path`, mapping pdfium's load errors onto refusal codes.
pub fn open<'a>(pdfium: &'a Pdfium, path: &Path) -> Result<PdfDocument<'a>, Rejection> {
    load_in_turn(|| pdfium.load_pdf_from_file(path, None)).map_err(|e| match e {
        PdfiumError::PdfiumLibraryInternalError(
            PdfiumInternalError::PasswordError | PdfiumInternalError::SecurityError,
        ) => Rejection::new(RejectCode::Encrypted, RejectCode::Encrypted.message_nb()),
        PdfiumError::IoError(io) => super::io_rejection(&io),
        _ => corrupt(),
    })
}

/// Per-page facts gathered before anything is rendered.
struct PagePlan {
    layer_text: Option<String>,
    /// Resolution (x, y) of the page's finest image, if it has any.
    image_dpi: Option<(f32, f32)>,
}

pub fn extract(
    pdfium: &Pdfium,
    path: &Path,
    limits: &PageLimits,
    ocr: &dyn Fn() -> Result<std::sync::Arc<OcrPool>, Rejection>,
) -> Result<Vec<Page>, Rejection> {
    let doc = open(pdfium, path)?;
    let count = usize::try_from(doc.pages().len()).unwrap_or(0);
    if count == 0 {
        return Err(Rejection::new(
            RejectCode::Empty,
            "PDF-filen har ingen sider.",
        ));
    }
    limits.check_page_count(count)?;
    // Plan every page first, so a bomb on page 9 is refused before pages
    // 1–8 have cost any OCR.
    let plans = (0..count)
        .map(|i| plan_page(&doc, i, limits))
        .collect::<Result<Vec<_>, _>>()?;
    let mut pages: Vec<Page> = Vec::with_capacity(count);
    // The pool is asked for only when a page needs OCR (a lazy extractor
    // then loads its engines).
    // Declared before the batch that borrows it.
    let pool = std::cell::OnceCell::new();
    let mut batch = None;
    for (i, plan) in plans.into_iter().enumerate() {
        let number = i as u32 + 1;
        match plan.layer_text {
            Some(text) => pages.push(Page::text_layer(number, text)),
            None => {
                let (image, dpi) = render_gray(&doc, i, plan.image_dpi, limits)?;
                pages.push(Page::pending_ocr(
                    number,
                    plan.image_dpi.or(Some((dpi as f32, dpi as f32))),
                ));
                if batch.is_none() {
                    // The engines are asked for only when a page needs OCR.
                    if pool.get().is_none() {
                        let _ = pool.set(ocr()?);
                    }
                    batch = pool.get().map(|p| p.batch());
                }
                if let Some(b) = batch.as_mut() {
                    b.submit(i, image, dpi);
                }
            }
        }
    }
    super::merge_ocr(&mut pages, batch.map(|b| b.finish()).unwrap_or_default())?;
    Ok(pages)
}

fn page_at<'a>(doc: &PdfDocument<'a>, index: usize) -> Result<PdfPage<'a>, Rejection> {
    let idx = PdfPageIndex::try_from(index).map_err(|_| corrupt())?;
    doc.pages().get(idx).map_err(|_| corrupt())
}

fn plan_page(
    doc: &PdfDocument<'_>,
    index: usize,
    limits: &PageLimits,
) -> Result<PagePlan, Rejection> {
    let page = page_at(doc, index)?;
    let mut image_dpi: Option<(f32, f32)> = None;
    for object in page.objects().iter() {
        let Some(img) = object.as_image_object() else {
            continue;
        };
        // Width and height come from the image dictionary; nothing decoded.
        let (Ok(w), Ok(h)) = (img.width(), img.height()) else {
            continue;
        };
        limits.check_pixels(u64::from(w.max(0) as u32) * u64::from(h.max(0) as u32))?;
        let dx = img.horizontal_dpi().unwrap_or(0.0);
        let dy = img.vertical_dpi().unwrap_or(0.0);
        if dx.is_finite() && dy.is_finite() && dx > 1.0 && dy > 1.0 {
            let best = image_dpi.map_or(0.0, |(x, y)| x * y);
            if dx * dy > best {
                image_dpi = Some((dx, dy));
            }
        }
    }
    let text = page.text().map(|t| t.all()).unwrap_or_default();
    let layer_text = quality::text_layer_usable(&text).then(|| normalize_layer_text(&text));
    Ok(PagePlan {
        layer_text,
        image_dpi,
    })
}

/// pdfium separates lines with "\r\n"; the contract's text uses "\n".
fn normalize_layer_text(text: &str) -> String {
    text.replace("\r\n", "\n")
        .replace('\r', "\n")
        .trim_end()
        .to_owned()
}

/// The resolution to render a page at for OCR: its images' own resolution,
/// at least [`MIN_OCR_DPI`], at most the configured cap, and shrunk further
/// when the page is physically huge.
fn ocr_dpi(page: &PdfPage<'_>, image_dpi: Option<(f32, f32)>, limits: &PageLimits) -> f32 {
    // The geometric mean: pdfium measures x and y against the image's
    // bounding box, so a 300 dpi scan placed sideways reads as 232 × 388.
    let native = image_dpi.map_or(MIN_OCR_DPI, |(x, y)| (x * y).sqrt());
    let dpi = native
        .max(MIN_OCR_DPI)
        .min(f32::from(limits.max_render_dpi));
    fit_pixels(page, dpi, limits)
}

fn fit_pixels(page: &PdfPage<'_>, dpi: f32, limits: &PageLimits) -> f32 {
    let (w_in, h_in) = (page.width().value / 72.0, page.height().value / 72.0);
    let budget = MAX_RENDER_PIXELS.min(limits.max_pixels as f64);
    let pixels = f64::from(w_in * dpi) * f64::from(h_in * dpi);
    if pixels > budget && pixels > 0.0 {
        (f64::from(dpi) * (budget / pixels).sqrt()) as f32
    } else {
        dpi
    }
}

/// Renders page `index` to 8-bit gray at the OCR resolution. pdfium renders
/// in its default BGRA format (its Gray format measured all-white pages).
fn render_gray(
    doc: &PdfDocument<'_>,
    index: usize,
    image_dpi: Option<(f32, f32)>,
    limits: &PageLimits,
) -> Result<(GrayImage, u32), Rejection> {
    let page = page_at(doc, index)?;
    let dpi = ocr_dpi(&page, image_dpi, limits);
    let image = render_at(&page, dpi)?;
    Ok((image, dpi.round() as u32))
}

fn render_at(page: &PdfPage<'_>, dpi: f32) -> Result<GrayImage, Rejection> {
    let scale = dpi / 72.0;
    let config = PdfRenderConfig::new()
        .scale_page_by_factor(scale)
        .render_form_data(true)
        .render_annotations(true);
    let bitmap = page.render_with_config(&config).map_err(|_| {
        Rejection::new(
            RejectCode::Unreadable,
            "En side i PDF-filen kunne ikke tegnes.",
        )
    })?;
    bgra_to_gray(&bitmap).ok_or_else(corrupt)
}

fn bgra_to_gray(bitmap: &PdfBitmap<'_>) -> Option<GrayImage> {
    let (w, h) = (bitmap.width().max(0) as u32, bitmap.height().max(0) as u32);
    let raw = bitmap.as_raw_bytes();
    if w == 0 || h == 0 {
        return None;
    }
    let stride = raw.len() / h as usize;
    let bpp = match bitmap.format().unwrap_or_default() {
        PdfBitmapFormat::Gray => 1,
        PdfBitmapFormat::BGR => 3,
        _ => 4,
    };
    if stride < w as usize * bpp {
        return None;
    }
    let mut out = Vec::with_capacity(w as usize * h as usize);
    for row in raw.chunks(stride).take(h as usize) {
        for px in row[..w as usize * bpp].chunks_exact(bpp) {
            out.push(if bpp == 1 {
                px[0]
            } else {
                let (b, g, r) = (u32::from(px[0]), u32::from(px[1]), u32::from(px[2]));
                ((r * 299 + g * 587 + b * 114) / 1000) as u8
            });
        }
    }
    GrayImage::from_raw(w, h, out)
}

/// Renders page `number` (1-based) at `dpi` (capped like OCR renders) for
/// the board.
pub fn render_page(
    pdfium: &Pdfium,
    path: &Path,
    number: u32,
    dpi: u16,
    limits: &PageLimits,
) -> Result<GrayImage, Rejection> {
    let doc = open(pdfium, path)?;
    let count = usize::try_from(doc.pages().len()).unwrap_or(0);
    let index = (number as usize)
        .checked_sub(1)
        .filter(|&i| i < count)
        .ok_or_else(|| Rejection::new(RejectCode::Unreadable, "Siden finnes ikke i dokumentet."))?;
    plan_page(&doc, index, limits)?;
    let page = page_at(&doc, index)?;
    let dpi = fit_pixels(
        &page,
        f32::from(dpi.clamp(18, limits.max_render_dpi)),
        limits,
    );
    render_at(&page, dpi)
}
