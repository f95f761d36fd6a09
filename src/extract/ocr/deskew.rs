//! Deskew before OCR, with leptonica (already linked for tesseract): a page
//! scanned a degree or two askew reads fine line by line, but tesseract's
//! layout analysis then merges the columns of a two-column page
//! (rotated_skew.pdf, 2.7°: 38 % CER without, 1 % with).
//!
//! **Invariant:** every PIX created here is destroyed here.

use image::GrayImage;
use leptonica_sys as lept;

/// Smaller skews are left alone: tesseract reads them fine, and measured on
/// the samples (skew 0.3–1.4°) rotating them cost accuracy (CER 0.36 % →
/// 0.44 %) as well as time; skew.pdf (1.8°) and rotated_skew.pdf (2.7°) gain.
const MIN_CORRECTED_DEGREES: f32 = 1.5;
/// Beyond this it is not skew but a sideways page (OSD's business).
const MAX_CORRECTED_DEGREES: f32 = 10.0;
/// leptonica's confidence in the angle (its own default minimum is 3).
const MIN_CONFIDENCE: f32 = 3.0;

/// The image straightened, and the angle found, when the skew is worth
/// correcting; `None` when the page is straight enough (or unmeasurable).
pub fn deskew(img: &GrayImage) -> Option<(GrayImage, f32)> {
    let (w, h) = img.dimensions();
    let (wi, hi) = (i32::try_from(w).ok()?, i32::try_from(h).ok()?);
    // SAFETY: pixs is created with the image's size and depth 8, written
    // within its wpl-sized rows, and destroyed with the result below.
    unsafe {
        let mut pixs = lept::pixCreate(wi, hi, 8);
        if pixs.is_null() {
            return None;
        }
        write_rows(pixs, img);
        let mut angle: f32 = 0.0;
        let mut conf: f32 = 0.0;
        let mut pixd = lept::pixFindSkewAndDeskew(pixs, 0, &mut angle, &mut conf);
        let worth = conf >= MIN_CONFIDENCE
            && (MIN_CORRECTED_DEGREES..=MAX_CORRECTED_DEGREES).contains(&angle.abs());
        let out = if worth && !pixd.is_null() && pixd != pixs {
            read_rows(pixd, w, h).map(|g| (g, angle))
        } else {
            None
        };
        // When nothing was rotated leptonica returns a clone (the same PIX
        // with its refcount raised): destroying both handles frees it once.
        if !pixd.is_null() {
            lept::pixDestroy(&mut pixd);
        }
        lept::pixDestroy(&mut pixs);
        out
    }
}

/// Leptonica packs pixels into native-endian 32-bit words, most significant
/// byte first: byte `x` of a row lives at byte offset `x ^ 3` on
/// little-endian machines.
#[cfg(target_endian = "little")]
const BYTE_SWIZZLE: usize = 3;
#[cfg(target_endian = "big")]
const BYTE_SWIZZLE: usize = 0;

unsafe fn write_rows(pix: *mut lept::PIX, img: &GrayImage) {
    let wpl = lept::pixGetWpl(pix) as usize;
    let data = lept::pixGetData(pix) as *mut u8;
    let (w, _) = img.dimensions();
    for (y, row) in img.as_raw().chunks_exact(w as usize).enumerate() {
        let line = std::slice::from_raw_parts_mut(data.add(y * wpl * 4), wpl * 4);
        for (x, &v) in row.iter().enumerate() {
            line[x ^ BYTE_SWIZZLE] = v;
        }
    }
}

unsafe fn read_rows(pix: *mut lept::PIX, w: u32, h: u32) -> Option<GrayImage> {
    if lept::pixGetDepth(pix) != 8
        || lept::pixGetWidth(pix) != w as i32
        || lept::pixGetHeight(pix) != h as i32
    {
        return None;
    }
    let wpl = lept::pixGetWpl(pix) as usize;
    let data = lept::pixGetData(pix) as *const u8;
    let mut out = Vec::with_capacity(w as usize * h as usize);
    for y in 0..h as usize {
        let line = std::slice::from_raw_parts(data.add(y * wpl * 4), wpl * 4);
        out.extend((0..w as usize).map(|x| line[x ^ BYTE_SWIZZLE]));
    }
    GrayImage::from_raw(w, h, out)
}
