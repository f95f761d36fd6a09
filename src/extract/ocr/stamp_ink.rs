//! Where a stamp without a frame is, when the page's reading lost its words
//! under the print: by its ink. On a grey scan stamp ink (red, blue, violet,
//! grey) is mid-grey while the letter's print is near black, so a
//! stamp-sized patch dense in mid-grey strokes that are not the edges of
//! print is a stamp. Black ink cannot be told from print this way.

use image::GrayImage;

use super::stamp_image::{morph, PRINT_CORE};
use super::tess::PxBox;

/// Stamp ink on the samples' grey scans lies between print and this
/// (red, the lightest, is ~115 at its core and lighter at its edges).
const INK_LIGHTEST: u8 = 175;
/// A cell counts as inked when this share (per mille) of it is stamp ink:
/// a line of bold capitals covers 10–20 %; scan noise and dust stay < 1 %.
const INKED_PER_MILLE: u32 = 40;

/// Stamp-sized patches of mid-grey ink, most ink first, at most `max`.
pub(super) fn ink_patches(image: &GrayImage, dpi: u32, max: usize) -> Vec<PxBox> {
    let (w, h) = image.dimensions();
    let cell = (dpi / 12).max(8); // ~2 mm
    let (cw, ch) = (w.div_ceil(cell) as usize, h.div_ceil(cell) as usize);
    if cw == 0 || ch == 0 {
        return Vec::new();
    }
    let print = near_print(image, dpi);
    let mut counts = vec![0u32; cw * ch];
    for (i, p) in image.as_raw().iter().enumerate() {
        if (PRINT_CORE..INK_LIGHTEST).contains(p) && !print[i] {
            let (x, y) = (i as u32 % w, i as u32 / w);
            counts[(y / cell) as usize * cw + (x / cell) as usize] += 1;
        }
    }
    let full = cell * cell;
    let inked: Vec<bool> = counts
        .iter()
        .map(|&c| c * 1000 >= full * INKED_PER_MILLE)
        .collect();
    group(&counts, &inked, (cw, ch), cell, (w, h), dpi, max, 2)
}

/// Cells of one stamp touch, or nearly (a gap of `reach` - 1 cells between
/// words or lines is bridged): the stamp-sized groups, most ink first, at
/// most `max`.
#[allow(clippy::too_many_arguments)]
fn group(
    counts: &[u32],
    inked: &[bool],
    (cw, ch): (usize, usize),
    cell: u32,
    (w, h): (u32, u32),
    dpi: u32,
    max: usize,
    reach: usize,
) -> Vec<PxBox> {
    let mm = |v: u32| v * dpi / 25;
    let mut seen = vec![false; cw * ch];
    let mut found: Vec<(u32, PxBox)> = Vec::new();
    for start in 0..cw * ch {
        if seen[start] || !inked[start] {
            continue;
        }
        let mut stack = vec![start];
        seen[start] = true;
        let (mut x0, mut y0, mut x1, mut y1, mut ink) = (usize::MAX, usize::MAX, 0, 0, 0u32);
        while let Some(c) = stack.pop() {
            let (x, y) = (c % cw, c / cw);
            (x0, y0, x1, y1) = (x0.min(x), y0.min(y), x1.max(x), y1.max(y));
            ink += counts[c];
            for ny in y.saturating_sub(reach)..(y + reach + 1).min(ch) {
                for nx in x.saturating_sub(reach)..(x + reach + 1).min(cw) {
                    let q = ny * cw + nx;
                    if !seen[q] && inked[q] {
                        seen[q] = true;
                        stack.push(q);
                    }
                }
            }
        }
        let b = PxBox {
            left: x0 as u32 * cell,
            top: y0 as u32 * cell,
            right: ((x1 as u32 + 1) * cell).min(w),
            bottom: ((y1 as u32 + 1) * cell).min(h),
        };
        if (mm(20)..=mm(130)).contains(&b.width()) && (mm(6)..=mm(60)).contains(&b.height()) {
            found.push((ink, b));
        }
    }
    found.sort_by_key(|f| std::cmp::Reverse(f.0));
    found.into_iter().take(max).map(|(_, b)| b).collect()
}

/// Stamp-sized patches of strokes bolder than the letter's print, in any
/// ink (black too: a G4 scan has no grey to tell a stamp by), most first,
/// at most `max`. A stamp's bold capitals have stems about twice the
/// print's, so what is left of the ink after eroding it by a square a
/// little wider than the page's typical stroke (its median run of ink
/// along a row) is the stamp's cores: whatever the resolution, the
/// stamp's size and its tilt (a square erodes a tilted stem as a level
/// one). The pinholes a G4 scan's dithering leaves in coloured ink are
/// filled first, or the erosion would take the stamp for print.
pub(super) fn bold_patches(image: &GrayImage, dpi: u32, max: usize) -> Vec<PxBox> {
    let (w, h) = image.dimensions();
    let cell = (dpi / 12).max(8);
    let (cw, ch) = (w.div_ceil(cell) as usize, h.div_ceil(cell) as usize);
    if cw == 0 || ch == 0 {
        return Vec::new();
    }
    let (wu, hu) = (w as usize, h as usize);
    let dark: Vec<bool> = image.as_raw().iter().map(|p| *p < 128).collect();
    let Some(median) = median_run(&dark, wu, dpi) else {
        return Vec::new();
    };
    let closed = {
        let grown = morph(
            &morph(&dark, wu, hu, 1, 1, true, false),
            wu,
            hu,
            1,
            1,
            false,
            false,
        );
        morph(
            &morph(&grown, wu, hu, 1, 1, true, true),
            wu,
            hu,
            1,
            1,
            false,
            true,
        )
    };
    let k = median + 2;
    let (lo, hi) = ((k - 1) / 2, k / 2);
    let cores = morph(
        &morph(&closed, wu, hu, lo, hi, true, true),
        wu,
        hu,
        lo,
        hi,
        false,
        true,
    );
    let mut counts = vec![0u32; cw * ch];
    for (i, _) in cores.iter().enumerate().filter(|(_, c)| **c) {
        let (x, y) = (i % wu, i / wu);
        counts[y / cell as usize * cw + x / cell as usize] += 1;
    }
    // A cell of a stamp's line keeps a few per cent of its area as cores;
    // print keeps none, and dust too little.
    let inked: Vec<bool> = counts
        .iter()
        .map(|&c| c * 100 >= cell * cell * BOLD_CORE_PERCENT)
        .collect();
    // Where print crosses the stamp its cells are mixed and left out (a
    // word under the print may stand apart from the rest): cells are
    // joined across a wider gap, and the patch widened to take the whole
    // stamp in.
    let pad = |v: u32| v * dpi / 25;
    group(&counts, &inked, (cw, ch), cell, (w, h), dpi, max, 4)
        .into_iter()
        .map(|b| PxBox {
            left: b.left.saturating_sub(pad(8)),
            top: b.top.saturating_sub(pad(3)),
            right: (b.right + pad(8)).min(w),
            bottom: (b.bottom + pad(3)).min(h),
        })
        .collect()
}

/// A cell counts as bold when this share (per cent) of it is left after
/// the erosion: a stamp's line of bold capitals leaves 5–20 %, print none.
const BOLD_CORE_PERCENT: u32 = 3;

/// The page's typical run of ink along a row (runs longer than a tenth of
/// an inch are rules and frames, left out): its print's stroke width.
fn median_run(dark: &[bool], w: usize, dpi: u32) -> Option<usize> {
    let longest = (dpi / 10) as usize;
    let mut histogram = vec![0u32; longest + 1];
    for row in dark.chunks_exact(w) {
        let mut run = 0;
        for d in row.iter().chain(std::iter::once(&false)) {
            if *d {
                run += 1;
            } else {
                if (1..=longest).contains(&run) {
                    histogram[run] += 1;
                }
                run = 0;
            }
        }
    }
    let total: u32 = histogram.iter().sum();
    if total == 0 {
        return None;
    }
    let mut acc = 0;
    histogram.iter().position(|&c| {
        acc += c;
        acc * 2 >= total
    })
}

/// Pixels within a stroke's edge of the letter's print: its anti-aliased
/// and blurred rims are mid-grey too.
fn near_print(image: &GrayImage, dpi: u32) -> Vec<bool> {
    let (w, h) = (image.width() as usize, image.height() as usize);
    let r = (dpi / 100).max(1) as usize;
    let mut mask = vec![false; w * h];
    for (i, p) in image.as_raw().iter().enumerate() {
        if *p < PRINT_CORE {
            let (x, y) = (i % w, i / w);
            for yy in y.saturating_sub(r)..(y + r + 1).min(h) {
                mask[yy * w + x.saturating_sub(r)..yy * w + (x + r + 1).min(w)].fill(true);
            }
        }
    }
    mask
}

#[cfg(test)]
mod tests {
    use super::*;
    use image::Luma;

    #[test]
    fn a_patch_of_grey_strokes_is_found_and_black_print_is_not() {
        let dpi = 200;
        let mut page = GrayImage::from_pixel(1600, 2200, Luma([248]));
        // Print: black lines of text across the top.
        for line in 0..10u32 {
            for x in (150..1450).step_by(14) {
                for y in 0..20 {
                    for dx in 0..6 {
                        page.put_pixel(x + dx, 200 + line * 40 + y, Luma([20]));
                    }
                }
            }
        }
        // A stamp in mid-grey ink, 60 × 20 mm, lower down.
        for y in (1200..1357).step_by(2) {
            for x in (900..1372).step_by(5) {
                page.put_pixel(x, y, Luma([100]));
                page.put_pixel(x + 1, y, Luma([100]));
            }
        }
        let found = ink_patches(&page, dpi, 3);
        assert!(bold_patches(&page, dpi, 3).iter().all(|b| b.top < 1100));
        assert_eq!(found.len(), 1, "{found:?}");
        let b = found[0];
        assert!(b.left <= 900 && b.right >= 1370 && b.top <= 1200 && b.bottom >= 1350);
        assert!(b.top >= 1100, "print is not stamp ink: {b:?}");
    }

    #[test]
    fn a_patch_of_bold_black_strokes_is_found_among_thin_print() {
        // Black and white, as a G4 scan: print in 3 px stems, a stamp in
        // 8 px stems, both black.
        let dpi = 300;
        let mut page = GrayImage::from_pixel(2480, 3508, Luma([255]));
        for line in 0..30u32 {
            for x in (300..2200).step_by(16) {
                for y in 0..30 {
                    for dx in 0..3 {
                        page.put_pixel(x + dx, 400 + line * 60 + y, Luma([0]));
                    }
                }
            }
        }
        // The stamp, 60 × 20 mm, over the print's lower lines.
        for row in 0..3u32 {
            for x in (1200..1900).step_by(22) {
                for y in 0..50 {
                    for dx in 0..8 {
                        page.put_pixel(x + dx, 1900 + row * 80 + y, Luma([0]));
                    }
                }
            }
        }
        let found = bold_patches(&page, dpi, 2);
        assert_eq!(found.len(), 1, "{found:?}");
        let b = found[0];
        assert!(b.left <= 1200 && b.right >= 1900, "{b:?}");
        assert!(b.top <= 1900 && b.bottom >= 2130, "{b:?}");
    }
}
