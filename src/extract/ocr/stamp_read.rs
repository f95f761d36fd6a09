//! Step 2 of the stamp search (`stamp.rs`): the stamp's region read alone,
//! in one preparation of its image after another, until a reading can be
//! trusted.
//!
//! A reading is trusted when it has a stamp word and a date read as
//! written and no print crosses the stamp, or when two readings agree on
//! the date (a bridge drawn through crossing print may add a digit's stroke
//! or a wrong one: "06" as "09", so then no single reading is). Each
//! preparation costs an OCR call, so the ones that read most stamps come
//! first and a place found by image evidence alone is given up after three
//! readings with neither a stamp word nor a date (nor a date's shape whose
//! month the print garbled, "27 av. 2026").

use std::cell::OnceCell;
use std::collections::VecDeque;
use std::sync::LazyLock;

use chrono::NaiveDate;
use image::{imageops, GrayImage};
use regex::Regex;

use super::stamp::{keyed, stamp_like, Finder};
use super::stamp_image::{
    bold_strokes, fill_pinholes, remove_print, remove_print_bridged, rotate, tilt,
};
use super::tess::{PxBox, TessEngine, TessError, PSM_SINGLE_BLOCK, PSM_SPARSE_TEXT};
use crate::classify::{has_clean_keyed_date, parse_stamp_date};

/// Stamps are read at about this resolution (a short block of bold
/// capitals reads best with ~40 px capitals).
const STAMP_READ_DPI: u32 = 500;

/// One preparation of the stamp's crop for tesseract. Read as one block
/// and upscaled unless the name says otherwise.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Reading {
    /// The print taken out by its darkness and the stamp's strokes drawn on
    /// through it; only where print crosses the stamp.
    Bridged,
    /// The print taken out by its darkness (coloured ink stays).
    WithoutPrint,
    /// The same at the scan's own resolution.
    WithoutPrintNative,
    /// The same read as sparse text.
    WithoutPrintSparse,
    /// The crop as it is.
    AsIs,
    /// The crop as it is, read as sparse text.
    AsIsSparse,
    /// Only strokes bolder than the print kept (black ink over print).
    Bold,
    /// The same with a dithered scan's pinholes filled first.
    BoldFilled,
    /// The straightened ones: a stamp pressed askew.
    StraightWithoutPrint,
    StraightBold,
    StraightAsIs,
    StraightBoldFilled,
}

use Reading::*;

/// Black strokes are what a bold patch is: its print is taken out by
/// stroke width first (taken out by darkness, the stamp would go too), and
/// tilted black strokes read best as they are, straightened, before any of
/// the print is taken out.
const BOLD_PATCH_ORDER: [Reading; 12] = [
    StraightAsIs,
    StraightBoldFilled,
    Bold,
    BoldFilled,
    StraightBold,
    AsIs,
    AsIsSparse,
    WithoutPrint,
    Bridged,
    WithoutPrintNative,
    WithoutPrintSparse,
    StraightWithoutPrint,
];

/// Elsewhere coloured ink is the common case: the print taken out by its
/// darkness first, also with the stamp bridged through it, then the crop
/// as it is, bold strokes (black ink over print), sparse text, and last
/// the stamp straightened.
const ORDER: [Reading; 9] = [
    WithoutPrint,
    Bridged,
    AsIs,
    Bold,
    AsIsSparse,
    WithoutPrintNative,
    WithoutPrintSparse,
    StraightWithoutPrint,
    StraightBold,
];

/// The crop and its preparations; the costly ones are made only when a
/// reading needs them.
struct Crops {
    crop: GrayImage,
    dpi: u32,
    bridged: GrayImage,
    without_print: GrayImage,
    /// Print crosses the stamp (the bridge drew strokes through it).
    crossed: bool,
    bold: OnceCell<GrayImage>,
    bold_filled: OnceCell<GrayImage>,
    angle: OnceCell<Option<f32>>,
    /// Straightened: without print, bold, as is, bold filled.
    straight: [OnceCell<Option<GrayImage>>; 4],
}

impl Crops {
    fn new(crop: GrayImage, dpi: u32) -> Crops {
        let mut bridged = crop.clone();
        remove_print_bridged(&mut bridged, dpi);
        let mut without_print = crop.clone();
        remove_print(&mut without_print, dpi);
        let changed = bridged
            .as_raw()
            .iter()
            .zip(without_print.as_raw())
            .filter(|(a, b)| a != b)
            .count();
        let crossed = changed * 1000 > bridged.as_raw().len();
        Crops {
            crop,
            dpi,
            bridged,
            without_print,
            crossed,
            bold: OnceCell::new(),
            bold_filled: OnceCell::new(),
            angle: OnceCell::new(),
            straight: Default::default(),
        }
    }

    fn bold(&self) -> &GrayImage {
        self.bold.get_or_init(|| bold_strokes(&self.crop, self.dpi))
    }

    fn bold_filled(&self) -> &GrayImage {
        self.bold_filled
            .get_or_init(|| bold_strokes(&fill_pinholes(&self.crop), self.dpi))
    }

    /// The stamp's tilt, measured on its bold strokes; `None` when it
    /// stands straight enough to read as it is.
    fn angle(&self) -> Option<f32> {
        *self.angle.get_or_init(|| tilt(self.bold()))
    }

    fn straightened(&self, slot: usize, source: fn(&Crops) -> &GrayImage) -> Option<&GrayImage> {
        self.straight[slot]
            .get_or_init(|| self.angle().map(|a| rotate(source(self), a)))
            .as_ref()
    }

    /// The image, whether to upscale it, and the page segmentation mode;
    /// `None` when the reading does not apply to this stamp.
    fn image_for(
        &self,
        reading: Reading,
    ) -> Option<(&GrayImage, bool, tesseract_sys::TessPageSegMode)> {
        let block = |img| Some((img, true, PSM_SINGLE_BLOCK));
        match reading {
            Bridged if self.crossed => block(&self.bridged),
            Bridged => None,
            WithoutPrint => block(&self.without_print),
            WithoutPrintNative => Some((&self.without_print, false, PSM_SINGLE_BLOCK)),
            WithoutPrintSparse => Some((&self.without_print, true, PSM_SPARSE_TEXT)),
            AsIs => block(&self.crop),
            AsIsSparse => Some((&self.crop, true, PSM_SPARSE_TEXT)),
            Bold => block(self.bold()),
            BoldFilled => block(self.bold_filled()),
            StraightWithoutPrint => block(self.straightened(0, |c| &c.without_print)?),
            StraightBold => block(self.straightened(1, Crops::bold)?),
            StraightAsIs => block(self.straightened(2, |c| &c.crop)?),
            StraightBoldFilled => block(self.straightened(3, Crops::bold_filled)?),
        }
    }
}

/// The stamp's box with a margin, cut out of the page; `None` when too
/// small to hold a stamp.
fn crop_around(image: &GrayImage, dpi: u32, stamp_box: PxBox) -> Option<GrayImage> {
    let margin = (dpi / 50).max(4);
    let b = PxBox {
        left: stamp_box.left.saturating_sub(margin),
        top: stamp_box.top.saturating_sub(margin),
        right: (stamp_box.right + margin).min(image.width()),
        bottom: (stamp_box.bottom + margin).min(image.height()),
    };
    if b.width() < 8 || b.height() < 8 {
        return None;
    }
    Some(imageops::crop_imm(image, b.left, b.top, b.width(), b.height()).to_image())
}

/// Reads the stamp in `stamp_box`: its readings, best first, joined by
/// blank lines; `None` when none of them looks like a stamp.
pub(super) fn read_stamp(
    engine: &mut TessEngine,
    image: &GrayImage,
    dpi: u32,
    stamp_box: PxBox,
    deadline_ms: u32,
    finder: Finder,
) -> Result<Option<String>, TessError> {
    let Some(crop) = crop_around(image, dpi, stamp_box) else {
        return Ok(None);
    };
    let crops = Crops::new(crop, dpi);
    let factor = (STAMP_READ_DPI as f32 / dpi.max(70) as f32).clamp(1.0, 3.0);
    let read_dpi = (dpi as f32 * factor) as u32;
    let scale = |img: &GrayImage| {
        if factor <= 1.05 {
            return img.clone();
        }
        let (w, h) = img.dimensions();
        imageops::resize(
            img,
            (w as f32 * factor) as u32,
            (h as f32 * factor) as u32,
            imageops::FilterType::CatmullRom,
        )
    };
    let mut keyed_readings: Vec<(NaiveDate, bool, String)> = Vec::new();
    let mut others: Vec<String> = Vec::new();
    let mut chosen: Option<usize> = None;
    let order: &[Reading] = if finder == Finder::Bold {
        &BOLD_PATCH_ORDER
    } else {
        &ORDER
    };
    let latest = latest_stamp_day();
    let mut plan: VecDeque<Reading> = order.iter().copied().collect();
    let mut tries = 0;
    let mut last_chance = false;
    while let Some(reading) = plan.pop_front() {
        let evidence =
            !keyed_readings.is_empty() || others.iter().any(|r| stamp_like(r) || date_shaped(r));
        if finder != Finder::Words && tries >= 3 && !evidence && !last_chance {
            // A stamp pressed askew may read as nothing at all until it is
            // straightened: a tilted place reads so next, before it is
            // given up.
            if tries == 3 && plan.contains(&StraightWithoutPrint) && crops.angle().is_some() {
                plan.retain(|&r| r != StraightWithoutPrint);
                plan.push_front(reading);
                plan.push_front(StraightWithoutPrint);
                last_chance = true;
                continue;
            }
            tracing::debug!("no stamp evidence: given up");
            break;
        }
        last_chance = false;
        let Some((img, upscale, psm)) = crops.image_for(reading) else {
            continue;
        };
        tries += 1;
        let (img, img_dpi) = if upscale {
            (scale(img), read_dpi)
        } else {
            (img.clone(), dpi)
        };
        let t = std::time::Instant::now();
        let r = engine.recognize_with_psm(&img, img_dpi, deadline_ms, psm)?;
        let text = r.text.trim().to_owned();
        // Timing only: the reading is letter text, never logged.
        tracing::debug!(?reading, ms = t.elapsed().as_millis(), "stamp reading");
        if text.is_empty() {
            continue;
        }
        let date = parse_stamp_date(&text).filter(|_| keyed(&text));
        let Some(date) = date else {
            others.push(text);
            continue;
        };
        // A date after today is a digit misread ("23/12" for "23/11"):
        // read on, as for a date read through a confusion.
        let clean = has_clean_keyed_date(&text) && date <= latest;
        let agreed = keyed_readings.iter().position(|(d, _, _)| *d == date);
        tracing::debug!(
            ?reading,
            clean,
            crossed = crops.crossed,
            agreed = agreed.is_some(),
            "stamp reading keyed"
        );
        keyed_readings.push((date, clean, text));
        if let Some(first) = agreed {
            chosen = Some(first);
            break;
        }
        if clean && !crops.crossed {
            chosen = Some(keyed_readings.len() - 1);
            break;
        }
    }
    let chosen = chosen.or_else(|| best_supported(&keyed_readings, &others, latest));
    if let Some(i) = chosen {
        let best = keyed_readings.remove(i);
        keyed_readings.insert(0, best);
    }
    let mut readings: Vec<String> = keyed_readings.into_iter().map(|(_, _, t)| t).collect();
    readings.extend(others);
    let found = readings.iter().any(|r| stamp_like(r));
    Ok(found.then(|| readings.join("\n\n")))
}

/// A day, a word of a few letters and a year in a row ("27 av. 2026"):
/// a stamp's date whose month the print that crossed it garbled. Not a
/// date, but evidence enough to read the place on: another preparation
/// of the crop may read the month.
fn date_shaped(reading: &str) -> bool {
    static SHAPE: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"\b(0?[1-9]|[12]\d|3[01])[.,]?\s+\p{L}{2,5}[.,]?\s+20\d\d\b")
            .expect("static regex")
    });
    SHAPE.is_match(reading)
}

/// The latest day a stamp can bear: tomorrow (a day's slack for the
/// clock's time zone). No stamp is pressed on a day that has not come, so
/// a later date is a misread to be outvoted by another reading, never one
/// to stop at. Without a trustworthy clock it only costs more readings.
fn latest_stamp_day() -> NaiveDate {
    chrono::Local::now().date_naive() + chrono::Days::new(1)
}

/// No two stamp readings agreed: a date up to `latest` before one after
/// it, then the date most readings hold, counting those without a stamp
/// word ("Gs Gama 28.11.2026"), then the first date read as written, then the first read through a confusion ("os NOV
/// 2026" is 05 NOV only if nothing reads better).
fn best_supported(
    keyed: &[(NaiveDate, bool, String)],
    others: &[String],
    latest: NaiveDate,
) -> Option<usize> {
    let votes = |date: NaiveDate| {
        keyed.iter().filter(|(d, _, _)| *d == date).count()
            + others
                .iter()
                .filter(|o| parse_stamp_date(o) == Some(date))
                .count()
    };
    (0..keyed.len()).max_by_key(|&i| {
        let (date, clean, _) = &keyed[i];
        (*date <= latest, votes(*date), *clean, std::cmp::Reverse(i))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_date_whose_month_was_garbled_is_evidence_of_a_stamp() {
        assert!(date_shaped("ju Mo\n4 27 av. 2026\n— Strandvik Kommune |"));
        assert!(date_shaped("MOTT 02 DFS 2026"));
        assert!(!date_shaped("Tar «UV, 202\n| rart Fete\nmune"));
        assert!(!date_shaped("Postboks 27 Mo 8601"));
    }

    #[test]
    fn a_date_that_has_not_come_loses_to_one_that_has() {
        let latest = NaiveDate::from_ymd_opt(2026, 12, 2).unwrap();
        let future = NaiveDate::from_ymd_opt(2026, 12, 23).unwrap();
        let past = NaiveDate::from_ymd_opt(2026, 11, 23).unwrap();
        let reading = |d: NaiveDate| (d, true, format!("MOTTATT {}", d.format("%d.%m.%Y")));
        // Two clean readings of the misread date, one of the real one.
        let keyed = [reading(future), reading(future), reading(past)];
        assert_eq!(best_supported(&keyed, &[], latest), Some(2));
        // Without a later limit, the two agreeing readings win.
        assert_eq!(best_supported(&keyed, &[], future), Some(0));
    }
}
