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

/// leptonica's own defaults for finding the angle (`pixDeskewGeneral` in
/// skew.c): the image binarised at 130, a sweep of ±7° in 1° steps at a
/// quarter of its size, then a binary search down to 0.01° at half size.
const BINARY_THRESHOLD: i32 = 130;
const SWEEP_REDUCTION: i32 = 4;
const SEARCH_REDUCTION: i32 = 2;
const SWEEP_RANGE_DEGREES: f32 = 7.0;
const SWEEP_DELTA_DEGREES: f32 = 1.0;
const MIN_SEARCH_DELTA_DEGREES: f32 = 0.01;

/// The image straightened, and the angle found, when the skew is worth
/// correcting; `None` when the page is straight enough (or unmeasurable).
///
/// The angle is found first and the page rotated only when the rotation
/// is kept: `pixFindSkewAndDeskew` rotates from 0.1°, and on the samples'
/// scans (mostly 0.3–1.4°) that discarded full-page rotation was about
/// 35 of its 55 ms per 300 dpi page, most of what `process` lost to the
/// tesseract CLI in the throughput bench. Same angle, same rotation.
pub fn deskew(img: &GrayImage) -> Option<(GrayImage, f32)> {
    let (w, h) = img.dimensions();
    let (wi, hi) = (i32::try_from(w).ok()?, i32::try_from(h).ok()?);
    // SAFETY: pixs is created with the image's size and depth 8, written
    // within its wpl-sized rows; every PIX made here is destroyed here.
    unsafe {
        let mut pixs = lept::pixCreate(wi, hi, 8);
        if pixs.is_null() {
            return None;
        }
        write_rows(pixs, img);
        let out = skew_angle(pixs)
            .filter(|angle| (MIN_CORRECTED_DEGREES..=MAX_CORRECTED_DEGREES).contains(&angle.abs()))
            .and_then(|angle| rotated(pixs, angle, w, h).map(|g| (g, angle)));
        lept::pixDestroy(&mut pixs);
        out
    }
}

/// The angle that straightens `pixs` (8 bpp), when leptonica measures one
/// with enough confidence.
///
/// # Safety
/// `pixs` must be a valid 8 bpp PIX; it is not consumed.
unsafe fn skew_angle(pixs: *mut lept::PIX) -> Option<f32> {
    let mut pixb = lept::pixConvertTo1(pixs, BINARY_THRESHOLD);
    if pixb.is_null() {
        return None;
    }
    let (mut angle, mut conf) = (0.0f32, 0.0f32);
    let failed = lept::pixFindSkewSweepAndSearch(
        pixb,
        &mut angle,
        &mut conf,
        SWEEP_REDUCTION,
        SEARCH_REDUCTION,
        SWEEP_RANGE_DEGREES,
        SWEEP_DELTA_DEGREES,
        MIN_SEARCH_DELTA_DEGREES,
    );
    lept::pixDestroy(&mut pixb);
    (failed == 0 && conf >= MIN_CONFIDENCE).then_some(angle)
}

/// `pixs` rotated by `degrees` as `pixDeskewGeneral` rotates it (area
/// map, white brought in), read back as a gray image of the same size.
///
/// # Safety
/// `pixs` must be a valid 8 bpp PIX of `w` × `h`; it is not consumed.
unsafe fn rotated(pixs: *mut lept::PIX, degrees: f32, w: u32, h: u32) -> Option<GrayImage> {
    let deg2rad = (std::f64::consts::PI / 180.0) as f32;
    let mut pixd = lept::pixRotate(
        pixs,
        deg2rad * degrees,
        lept::L_ROTATE_AREA_MAP as i32,
        lept::L_BRING_IN_WHITE as i32,
        0,
        0,
    );
    if pixd.is_null() {
        return None;
    }
    let out = read_rows(pixd, w, h);
    lept::pixDestroy(&mut pixd);
    out
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
