//! Image work on a stamp's crop, so the stamp reads alone: the letter's
//! print taken out by its darkness (stamp ink that is not black) or by its
//! thin strokes (any ink, black too), and a tilted stamp straightened.
//!
//! Measured on the samples at 200 dpi: a stamp's bold capitals have stems
//! of 4–7 px (sizes 10–13 pt), the letter's serif print 2–3 px, so an
//! opening a little wider than print strokes keeps the stamp; stamps are
//! pressed up to ±10° off the page's lines, which tesseract reads badly as
//! a block once print is mixed in.

use image::{imageops, GrayImage};

use super::tess::PxBox;

/// Darker than this is the letter's print (or black stamp ink).
pub(super) const PRINT_CORE: u8 = 58;
/// Lighter than this is paper.
const PAPER: u8 = 225;
/// What whitened pixels become (the samples' paper is ~248).
pub(super) const WHITE: u8 = 248;
/// Darker than this is ink of any colour (red, the lightest stamp ink on a
/// grey scan, is ~115 at its core).
const INK: u8 = 160;
/// A stamp tilted less than this reads as it is.
const MIN_TILT_DEGREES: f32 = 1.5;
/// Stamps are not pressed more askew than this (pressed by hand: up to
/// ±10°, with a margin for the page's own skew).
const MAX_TILT_DEGREES: f32 = 11.0;

/// Marks the letter's print: dark cores grown by a pixel or two.
fn print_mask(image: &GrayImage, dpi: u32) -> Vec<bool> {
    let (w, h) = (image.width() as usize, image.height() as usize);
    let r = (dpi / 150).max(1) as usize;
    let mut mask = vec![false; w * h];
    for (i, p) in image.as_raw().iter().enumerate() {
        if *p < PRINT_CORE {
            let (x, y) = (i % w, i / w);
            for yy in y.saturating_sub(r)..(y + r + 1).min(h) {
                for xx in x.saturating_sub(r)..(x + r + 1).min(w) {
                    mask[yy * w + xx] = true;
                }
            }
        }
    }
    mask
}

/// Whitens the letter's print in a stamp crop, so the stamp reads alone.
pub(super) fn remove_print(crop: &mut GrayImage, dpi: u32) {
    let mask = print_mask(crop, dpi);
    for (p, m) in crop.iter_mut().zip(mask) {
        if m {
            *p = WHITE;
        }
    }
}

/// As [`remove_print`], but where a stamp stroke ran under the print (ink
/// on both sides of it, across a print stroke's width) the stroke is drawn
/// on through the gap: a date pressed over an address line otherwise
/// loses the strokes the print covered and reads as another digit
/// ("20" as "24", "10" as garbage).
pub(super) fn remove_print_bridged(crop: &mut GrayImage, dpi: u32) {
    let (w, h) = (crop.width() as usize, crop.height() as usize);
    let mask = print_mask(crop, dpi);
    let ink: Vec<bool> = crop
        .as_raw()
        .iter()
        .zip(&mask)
        .map(|(p, m)| !m && *p < INK)
        .collect();
    // The widest gap the print mask leaves across a stroke: a print stroke
    // (~dpi/75 px) and the mask's growth on either side.
    let half = ((dpi / 75 + 2 * (dpi / 150).max(1)) / 2 + 1) as usize;
    let close = |horizontal| {
        let grown = morph(&ink, w, h, half, half, horizontal, false);
        morph(&grown, w, h, half, half, horizontal, true)
    };
    let (rows, cols) = (close(true), close(false));
    // The stamp's own shade, so a bridge reads as part of its stroke.
    let (sum, n) = crop
        .as_raw()
        .iter()
        .zip(&ink)
        .filter(|(_, i)| **i)
        .fold((0u64, 0u64), |(s, n), (p, _)| (s + u64::from(*p), n + 1));
    let shade = sum.checked_div(n).map_or(100, |m| m as u8);
    for (i, p) in crop.iter_mut().enumerate() {
        if mask[i] {
            *p = if rows[i] || cols[i] { shade } else { WHITE };
        }
    }
}

/// Whitens the stamp's ink inside `b`, keeping the letter's print.
pub(super) fn remove_stamp_ink(image: &mut GrayImage, b: PxBox, dpi: u32) {
    let mut crop = imageops::crop_imm(image, b.left, b.top, b.width(), b.height()).to_image();
    let mask = print_mask(&crop, dpi);
    for (p, m) in crop.iter_mut().zip(mask) {
        if !m && *p < PAPER {
            *p = WHITE;
        }
    }
    imageops::replace(image, &crop, i64::from(b.left), i64::from(b.top));
}

/// Keeps only strokes at least as wide as a stamp's bold capitals (any ink,
/// black too) and whitens the rest: the letter's thin print, a thin frame.
pub(super) fn bold_strokes(crop: &GrayImage, dpi: u32) -> GrayImage {
    let (w, h) = (crop.width() as usize, crop.height() as usize);
    let dark: Vec<bool> = crop.as_raw().iter().map(|p| *p < INK).collect();
    // The opening's width: a little more than print strokes (2–3 px at
    // 200 dpi), at most a stamp's thinnest stems (4 px).
    let k = (dpi / 50).max(3) as usize;
    let (lo, hi) = ((k - 1) / 2, k / 2);
    let eroded = morph(
        &morph(&dark, w, h, lo, hi, true, true),
        w,
        h,
        lo,
        hi,
        false,
        true,
    );
    let opened = morph(
        &morph(&eroded, w, h, hi, lo, true, false),
        w,
        h,
        hi,
        lo,
        false,
        false,
    );
    // Grown by a pixel to get the strokes' own anti-aliased rims back.
    let grown = morph(
        &morph(&opened, w, h, 1, 1, true, false),
        w,
        h,
        1,
        1,
        false,
        false,
    );
    let mut out = crop.clone();
    for (i, p) in out.iter_mut().enumerate() {
        if !(grown[i] && dark[i]) {
            *p = WHITE;
        }
    }
    out
}

/// The crop with the pinholes in its ink filled (a closing by one pixel):
/// on a black-and-white scan a faded stamp's strokes are dotted, and the
/// opening in [`bold_strokes`] would take them for thin print.
pub(super) fn fill_pinholes(crop: &GrayImage) -> GrayImage {
    let (w, h) = (crop.width() as usize, crop.height() as usize);
    let dark: Vec<bool> = crop.as_raw().iter().map(|p| *p < INK).collect();
    let grown = morph(
        &morph(&dark, w, h, 1, 1, true, false),
        w,
        h,
        1,
        1,
        false,
        false,
    );
    let closed = morph(
        &morph(&grown, w, h, 1, 1, true, true),
        w,
        h,
        1,
        1,
        false,
        true,
    );
    let mut out = crop.clone();
    for (i, p) in out.iter_mut().enumerate() {
        if closed[i] && !dark[i] {
            *p = 0;
        }
    }
    out
}

/// One pass of a square erosion (`all`) or dilation along a row
/// (`horizontal`) or column, over `lo` before and `hi` after each pixel.
pub(super) fn morph(
    mask: &[bool],
    w: usize,
    h: usize,
    lo: usize,
    hi: usize,
    horizontal: bool,
    all: bool,
) -> Vec<bool> {
    let (lines, len) = if horizontal { (h, w) } else { (w, h) };
    let at = |line: usize, i: usize| {
        if horizontal {
            line * w + i
        } else {
            i * w + line
        }
    };
    let mut out = vec![false; w * h];
    let mut prefix = vec![0u32; len + 1];
    for line in 0..lines {
        for i in 0..len {
            prefix[i + 1] = prefix[i] + u32::from(mask[at(line, i)]);
        }
        for i in 0..len {
            let (a, b) = (i.saturating_sub(lo), (i + hi + 1).min(len));
            let set = prefix[b] - prefix[a];
            out[at(line, i)] = if all { set as usize == b - a } else { set > 0 };
        }
    }
    out
}

/// The stamp's tilt in degrees (counter-clockwise positive, as its lines
/// rise to the right), from its ink's row profile; `None` when it is
/// straight enough to read as it is.
pub(super) fn tilt(ink_only: &GrayImage) -> Option<f32> {
    let (w, h) = ink_only.dimensions();
    // The ink of every third column draws the rows' profile as sharply, at
    // a third of the cost (89 angles are tried).
    let points: Vec<(f32, f32)> = ink_only
        .enumerate_pixels()
        .filter(|(x, _, p)| x % 3 == 0 && p[0] < INK)
        .map(|(x, y, _)| (x as f32, y as f32))
        .collect();
    if points.len() < 17 {
        return None;
    }
    let rows = (h + w) as usize * 2;
    let mut best = (0.0f32, 0u64);
    let steps = (MAX_TILT_DEGREES * 4.0) as i32;
    for step in -steps..=steps {
        let degrees = step as f32 / 4.0;
        let t = degrees.to_radians().tan();
        let mut hist = vec![0u32; rows];
        for &(x, y) in &points {
            // Image y grows downward: a line rising to the right has y
            // falling with x.
            let r = (y + x * t + w as f32) as usize;
            if let Some(c) = hist.get_mut(r) {
                *c += 1;
            }
        }
        // Sharp rows (text lines level) give the largest sum of squares.
        let score: u64 = hist.iter().map(|&c| u64::from(c) * u64::from(c)).sum();
        if score > best.1 {
            best = (degrees, score);
        }
    }
    (best.0.abs() >= MIN_TILT_DEGREES).then_some(best.0)
}

/// The image turned by `degrees` (counter-clockwise positive) about its
/// centre, the corners filled with paper.
pub(super) fn rotate(img: &GrayImage, degrees: f32) -> GrayImage {
    let (w, h) = img.dimensions();
    let (s, c) = degrees.to_radians().sin_cos();
    let (cx, cy) = (w as f32 / 2.0, h as f32 / 2.0);
    GrayImage::from_fn(w, h, |x, y| {
        let (dx, dy) = (x as f32 - cx, y as f32 - cy);
        // Where the output pixel comes from: a level output row samples
        // the source along a line rising by `degrees`.
        let sx = cx + dx * c + dy * s;
        let sy = cy - dx * s + dy * c;
        image::Luma([sample(img, sx, sy)])
    })
}

fn sample(img: &GrayImage, x: f32, y: f32) -> u8 {
    let (w, h) = img.dimensions();
    if x < 0.0 || y < 0.0 || x > (w - 1) as f32 || y > (h - 1) as f32 {
        return WHITE;
    }
    let (x0, y0) = (x.floor() as u32, y.floor() as u32);
    let (x1, y1) = ((x0 + 1).min(w - 1), (y0 + 1).min(h - 1));
    let (fx, fy) = (x - x0 as f32, y - y0 as f32);
    let p = |x, y| f32::from(img.get_pixel(x, y)[0]);
    let top = p(x0, y0) * (1.0 - fx) + p(x1, y0) * fx;
    let bottom = p(x0, y1) * (1.0 - fx) + p(x1, y1) * fx;
    (top * (1.0 - fy) + bottom * fy).round() as u8
}

#[cfg(test)]
mod tests {
    use super::*;
    use image::Luma;

    /// Bars of `stroke` px with gaps, as text strokes.
    fn page_with(strokes: &[(u32, u32)]) -> GrayImage {
        let mut img = GrayImage::from_pixel(200, 60, Luma([WHITE]));
        for &(x, stroke) in strokes {
            for y in 10..50 {
                for dx in 0..stroke {
                    img.put_pixel(x + dx, y, Luma([30]));
                }
            }
        }
        img
    }

    #[test]
    fn bold_strokes_stay_and_thin_print_goes() {
        let img = page_with(&[(20, 2), (40, 3), (80, 5), (120, 7)]);
        let out = bold_strokes(&img, 200);
        let inked = |x: u32| out.get_pixel(x, 30)[0] < INK;
        assert!(!inked(20) && !inked(41), "print strokes are whitened");
        assert!(inked(82) && inked(123), "stamp strokes stay");
    }

    #[test]
    fn a_stamp_stroke_under_the_print_is_bridged_and_print_elsewhere_goes() {
        // A grey stamp stroke (a horizontal bar, 8 px high) crossed by a
        // black print stem, and a print stem on bare paper.
        let mut img = GrayImage::from_pixel(200, 60, Luma([WHITE]));
        for x in 10..150 {
            for y in 20..28 {
                img.put_pixel(x, y, Luma([100]));
            }
        }
        for x in [80, 170] {
            for y in 5..55 {
                for dx in 0..3 {
                    img.put_pixel(x + dx, y, Luma([20]));
                }
            }
        }
        let mut plain = img.clone();
        remove_print(&mut plain, 300);
        let mut bridged = img;
        remove_print_bridged(&mut bridged, 300);
        let inked = |img: &GrayImage, x, y| img.get_pixel(x, y)[0] < INK;
        assert!(!inked(&plain, 81, 24), "the plain removal leaves a gap");
        assert!(
            inked(&bridged, 81, 24),
            "the stroke goes on under the print"
        );
        assert!(!inked(&bridged, 81, 10), "print above the stroke goes");
        assert!(!inked(&bridged, 171, 24), "print on bare paper goes");
    }

    #[test]
    fn a_tilted_stamp_is_measured_and_straightened() {
        // Three lines of ink dashes, rising 4° to the right.
        let mut img = GrayImage::from_pixel(400, 200, Luma([WHITE]));
        let t = 4.0f32.to_radians().tan();
        for line in 0..3 {
            for x in (20..380).filter(|x| x % 9 < 6) {
                let base = 60.0 + line as f32 * 40.0 - x as f32 * t;
                for dy in 0..12 {
                    let y = (base + 12.0 + dy as f32) as u32;
                    img.put_pixel(x, y, Luma([90]));
                }
            }
        }
        let angle = tilt(&img).expect("tilted");
        assert!((angle - 4.0).abs() <= 0.5, "{angle}");
        let level = rotate(&img, angle);
        let after = tilt(&level);
        assert!(after.is_none(), "{after:?}");
        assert_eq!(tilt(&page_with(&[(20, 5), (80, 5)])), None);
    }
}
