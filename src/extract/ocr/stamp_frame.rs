//! A received stamp's frame: a connected stroke of a stamp's size that is
//! mostly empty inside. It bounds the stamp's region, and its strokes are
//! whitened before the stamp is read (they read as "|" and "[").

use image::GrayImage;

use super::tess::PxBox;

/// Frames the size of a received stamp (25–120 mm wide, 8–60 mm high)
/// anywhere on the page (stamps are pressed by the signature too), largest
/// first, at most three: one pass over the page.
pub(super) fn stamp_sized_frames(image: &GrayImage, dpi: u32) -> Vec<Frame> {
    let mm = |v: u32| v * dpi / 25;
    let (w, h) = image.dimensions();
    let page = PxBox {
        left: 0,
        top: 0,
        right: w,
        bottom: h,
    };
    let mut frames = hollow_strokes(image, page, |b| {
        (mm(25)..=mm(120)).contains(&b.width()) && (mm(8)..=mm(60)).contains(&b.height())
    });
    frames.truncate(3);
    frames
}

/// A stamp's frame: its box and its pixels.
pub(super) struct Frame {
    pub bbox: PxBox,
    pub pixels: Vec<(u32, u32)>,
}

/// The largest connected stroke in `region` that is mostly empty inside
/// (a frame) and whose box `fits`.
pub(super) fn frame_box(
    image: &GrayImage,
    region: PxBox,
    fits: impl Fn(PxBox) -> bool,
) -> Option<Frame> {
    hollow_strokes(image, region, fits).into_iter().next()
}

/// The connected strokes in `region` that are mostly empty inside (frames)
/// and whose boxes `fit`, largest first.
fn hollow_strokes(image: &GrayImage, region: PxBox, fits: impl Fn(PxBox) -> bool) -> Vec<Frame> {
    let (rw, rh) = (region.width() as usize, region.height() as usize);
    if rw == 0 || rh == 0 {
        return Vec::new();
    }
    let dark = |x: usize, y: usize| {
        image.get_pixel(
            (region.left as usize + x) as u32,
            (region.top as usize + y) as u32,
        )[0] < 185
    };
    let mut seen = vec![false; rw * rh];
    let mut found: Vec<(u64, PxBox, Vec<usize>)> = Vec::new();
    let mut members = Vec::new();
    let mut stack = Vec::new();
    for start in 0..rw * rh {
        if seen[start] || !dark(start % rw, start / rw) {
            continue;
        }
        seen[start] = true;
        stack.push(start);
        let (mut x0, mut y0, mut x1, mut y1, mut count) = (usize::MAX, usize::MAX, 0, 0, 0u64);
        members.clear();
        while let Some(p) = stack.pop() {
            members.push(p);
            let (x, y) = (p % rw, p / rw);
            count += 1;
            x0 = x0.min(x);
            y0 = y0.min(y);
            x1 = x1.max(x);
            y1 = y1.max(y);
            for (dx, dy) in [
                (-1i64, 0i64),
                (1, 0),
                (0, -1),
                (0, 1),
                (-1, -1),
                (1, 1),
                (-1, 1),
                (1, -1),
            ] {
                let (nx, ny) = (x as i64 + dx, y as i64 + dy);
                if nx < 0 || ny < 0 || nx >= rw as i64 || ny >= rh as i64 {
                    continue;
                }
                let q = ny as usize * rw + nx as usize;
                if !seen[q] && dark(nx as usize, ny as usize) {
                    seen[q] = true;
                    stack.push(q);
                }
            }
        }
        let b = PxBox {
            left: region.left + x0 as u32,
            top: region.top + y0 as u32,
            right: region.left + x1 as u32 + 1,
            bottom: region.top + y1 as u32 + 1,
        };
        let area = u64::from(b.width()) * u64::from(b.height());
        let hollow = count * 3 <= area;
        if hollow && fits(b) {
            found.push((area, b, members.clone()));
        }
    }
    found.sort_by_key(|f| std::cmp::Reverse(f.0));
    found
        .into_iter()
        .map(|(_, bbox, members)| Frame {
            bbox,
            pixels: members
                .into_iter()
                .map(|p| (region.left + (p % rw) as u32, region.top + (p / rw) as u32))
                .collect(),
        })
        .collect()
}
