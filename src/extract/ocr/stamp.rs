//! The received stamp on a scan's first page, read on its own and left out
//! of the letter's text.
//!
//! A rubber stamp ("RANA KOMMUNE / MOTTATT / 15 NOV 2026") is often pressed
//! over the sender's address; read with the page, its words merge into the
//! address lines ("Stenneset 45 T 15 NOV 2") and both are lost. So, after
//! the page's first reading:
//!
//! 1. **Find** it by its words: a stamp word ("MOTTATT", OCR-tolerant) in
//!    capitals or followed by a date, or a month in capitals after a day
//!    ("15 NOV"). Its frame, when it has one, bounds it (a large connected
//!    stroke around the word that is mostly empty inside). When the page's
//!    reading lost the words: a stamp-sized frame, a patch of mid-grey
//!    ink, a patch of strokes bolder than the print (`stamp_ink.rs`), each
//!    looked for only when the ones before read as no stamp.
//! 2. **Read** the region alone, upscaled, as one block: first with the
//!    letter's own ink taken out (the stamp's strokes drawn on through the
//!    print that crossed them), then as it is, then with only bold strokes
//!    kept (black ink over print), then as sparse text, last straightened
//!    when the stamp is askew (`stamp_read.rs`, the images from
//!    `stamp_image.rs`); stop at the first reading
//!    whose date is read as written after a stamp word (or on its own line
//!    beside the receiving body's name, "VOSS HERAD / 01.12.2026"), or when two
//!    readings agree on a date read through an OCR confusion. A place
//!    found by image evidence alone is given up after three readings with
//!    neither a stamp word nor a date's shape (what an unstamped page
//!    costs). When no place reads a stamp word, the first whose readings
//!    hold a date beside an office's or a service's name
//!    ("HJEMMESYKEPLEIEN SONE VEST / 24.11.26"), or two readings of one
//!    date under the receiving body's name after a garbled stamp word, is
//!    the stamp.
//! 3. **Leave it out** of the letter's text: when the frame holds whole
//!    lines only, those lines are dropped (no second pass); otherwise the
//!    stamp's ink is whitened where it is lighter than the letter's print
//!    and the page is read again.
//!
//! Measured on the samples: the letter's print is near black (cores < 60
//! of 255) while stamp ink on grey scans is 85–115 (red, blue, violet,
//! grey); black ink stays (it cannot be told from print by its grey).

use image::GrayImage;

use super::stamp_body::{
    band_image, band_of, has_print, kept_print, line_text, text_with_band, text_without,
};
use super::stamp_frame::{frame_box, stamp_sized_frames, Frame};
use super::stamp_image::{remove_stamp_ink, WHITE};
use super::tess::{OcrLine, PxBox, TessEngine, TessError};
use crate::classify::{
    credible_year, garbled_word_stamp_date, has_stamp_word, office_stamp_dates, parse_stamp_date,
    receiver_stamp_dates, stamp_word_dated,
};

/// What was found: the stamp's readings (best first), and the page's text
/// without it.
pub(super) struct StampFound {
    pub reading: String,
    pub body_text: String,
}

/// Looks for the stamp among the page's lines; reads it and gives the body
/// text without it. `None` when there is no stamp (or nothing stamp-like
/// could be read in the place that looked like one).
pub(super) fn separate(
    engine: &mut TessEngine,
    image: &GrayImage,
    dpi: u32,
    lines: &[OcrLine],
    deadline_ms: u32,
) -> Result<Option<StampFound>, TessError> {
    let started = std::time::Instant::now();
    // Where the stamp may be: around its words, or (when the page's reading
    // lost them under the print) any stamp-sized frame, or a patch of ink.
    let candidates: Vec<(PxBox, Option<Frame>, Finder)> = match find_anchor(lines) {
        Some(anchor) => {
            let region = around(anchor, image.dimensions());
            let frame = frame_box(image, region, |b| {
                let (cx, cy) = (
                    (anchor.left + anchor.right) / 2,
                    (anchor.top + anchor.bottom) / 2,
                );
                b.left <= cx
                    && cx < b.right
                    && b.top <= cy
                    && cy < b.bottom
                    && b.width() * 10 >= anchor.width() * 12
                    && b.height() >= anchor.height() * 2
            });
            vec![(
                frame.as_ref().map_or(region, |f| f.bbox),
                frame,
                Finder::Words,
            )]
        }
        None => Vec::new(),
    };
    // Frames of a stamp's size come next: the words may have been misread
    // or belong to the letter.
    let anchored = candidates.first().map(|(b, _, _)| *b);
    let candidates = candidates
        .into_iter()
        // Looked for only when the words did not read as a stamp.
        .chain(
            std::iter::once(())
                .flat_map(move |()| stamp_sized_frames(image, dpi))
                .filter(move |f| anchored.is_none_or(|a| !a.intersects(&f.bbox)))
                .map(|f| (f.bbox, Some(f), Finder::Frame)),
        )
        // Last, a stamp whose words the print swallowed: found by its ink,
        // only looked for when nothing above read as a stamp. Its box is
        // tight, so it is read even where the words' wide region was.
        .chain(
            std::iter::once(())
                .flat_map(move |()| super::stamp_ink::ink_patches(image, dpi, 2))
                .map(|b| (b, None, Finder::Ink)),
        )
        // Black ink (and every ink on a black-and-white scan) by its bold
        // strokes.
        .chain(
            std::iter::once(())
                .flat_map(move |()| super::stamp_ink::bold_patches(image, dpi, 2))
                .map(|b| (b, None, Finder::Bold)),
        );
    // The first reading with a stamp word and a date wins; else the first
    // stamp-like one (its date may still be read by the classifier).
    let mut fallback: Option<(String, PxBox, Option<Frame>)> = None;
    for (stamp_box, frame, finder) in candidates {
        // The frame's strokes read as "|" and "[": read the stamp without
        // them.
        let mut unframed;
        let source = match &frame {
            Some(f) => {
                unframed = image.clone();
                for &(x, y) in &f.pixels {
                    unframed.put_pixel(x, y, image::Luma([WHITE]));
                }
                &unframed
            }
            None => image,
        };
        let reading =
            super::stamp_read::read_stamp(engine, source, dpi, stamp_box, deadline_ms, finder)?;
        tracing::debug!(
            ?finder,
            ?stamp_box,
            ms = started.elapsed().as_millis(),
            read = reading.is_some(),
            keyed = reading.as_deref().is_some_and(keyed),
            "stamp candidate"
        );
        let Some(reading) = reading else {
            continue;
        };
        if keyed(&reading) {
            return finish(
                engine,
                image,
                dpi,
                lines,
                deadline_ms,
                reading,
                stamp_box,
                frame,
            );
        }
        // Without a stamp word (or the receiver's name, an office's or a
        // service's among them) beside it, a date in the crop may be the
        // letter's own: never taken for a stamp. A stamp word garbled past
        // reading counts when two readings agree on the date after it.
        if fallback.is_none()
            && (has_stamp_word(&reading)
                || !office_stamp_dates(&reading).is_empty()
                || garbled_word_stamp_date(&reading))
        {
            fallback = Some((reading, stamp_box, frame));
        }
    }
    match fallback {
        Some((reading, stamp_box, frame)) => finish(
            engine,
            image,
            dpi,
            lines,
            deadline_ms,
            reading,
            stamp_box,
            frame,
        ),
        None => Ok(None),
    }
}

/// A stamp word and a date with a credible year, or a date beside the
/// receiving body's name (a stamp without a stamp word: "VOSS HERAD /
/// 01.12.2026").
pub(super) fn keyed(text: &str) -> bool {
    (has_stamp_word(text) && parse_stamp_date(text).is_some_and(credible_year))
        || receiver_stamp_dates(text).into_iter().any(credible_year)
}

/// The body's text without the stamp: the frame's lines dropped, or the
/// stamp's ink whitened and the lines it lies across read again
/// (`stamp_body.rs`).
#[allow(clippy::too_many_arguments)]
fn finish(
    engine: &mut TessEngine,
    image: &GrayImage,
    dpi: u32,
    lines: &[OcrLine],
    deadline_ms: u32,
    reading: String,
    stamp_box: PxBox,
    frame: Option<Frame>,
) -> Result<Option<StampFound>, TessError> {
    let body_text = match frame.as_ref().and_then(|f| text_without(lines, f.bbox)) {
        Some(text) => text,
        None => {
            let t = std::time::Instant::now();
            let text = match band_of(lines, stamp_box, image.dimensions(), dpi) {
                Some(band) => {
                    let mut crop = band_image(image, band);
                    let stamp_in_band = PxBox {
                        left: stamp_box.left,
                        top: stamp_box.top.saturating_sub(band.top),
                        right: stamp_box.right,
                        bottom: stamp_box.bottom.min(band.bottom) - band.top,
                    };
                    remove_stamp_ink(&mut crop, stamp_in_band, dpi);
                    // Nothing left but paper: the band held only the stamp.
                    let band_text = if has_print(&crop) {
                        engine.recognize(&crop, dpi, deadline_ms)?.text
                    } else {
                        String::new()
                    };
                    // Read again, the band must not lose the letter's
                    // print: a tilted frame can make tesseract take the
                    // whole band for a picture and return nothing. Then the
                    // first reading's words beside the stamp stand.
                    let band_text = kept_print(lines, band, stamp_box, band_text);
                    text_with_band(lines, band, &band_text)
                }
                None => {
                    let mut masked = image.clone();
                    remove_stamp_ink(&mut masked, stamp_box, dpi);
                    engine.recognize(&masked, dpi, deadline_ms)?.text
                }
            };
            tracing::debug!(
                ms = t.elapsed().as_millis(),
                "stamp's lines read again without it"
            );
            text
        }
    };
    Ok(Some(StampFound { reading, body_text }))
}

const MONTHS_CAPS: [&str; 12] = [
    "JAN", "FEB", "MAR", "APR", "MAI", "JUN", "JUL", "AUG", "SEP", "OKT", "NOV", "DES",
];

/// What found a candidate place for the stamp: its words in the page's
/// reading, or image evidence alone when the reading lost them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Finder {
    Words,
    Frame,
    Ink,
    Bold,
}

/// The box of the stamp's most telling word(s).
fn find_anchor(lines: &[OcrLine]) -> Option<PxBox> {
    for (i, line) in lines.iter().enumerate() {
        let text = line_text(line);
        let next = lines.get(i + 1).map(line_text).unwrap_or_default();
        for (n, word) in line.words.iter().enumerate() {
            let w = word.text.trim_matches(|c: char| !c.is_alphanumeric());
            if let Some(part) = stamp_word_in(w) {
                // A stamp shouts; prose "Mottatt …" only counts opening its
                // line with a date after it, or followed directly by a
                // whole date where no sentence's verb stands ("Rana kommune
                // - mottatt 30.10.2026 - Helse og omsorg").
                let letters = part.chars().filter(|c| c.is_alphabetic()).count();
                let upper = part.chars().filter(|c| c.is_uppercase()).count();
                let capitals = upper * 10 >= letters * 7;
                let dated = (n == 0 && parse_stamp_date(&format!("{text}\n{next}")).is_some())
                    || stamp_word_dated(
                        &words_text(&line.words[..n]),
                        &words_text(&line.words[n + 1..]),
                    );
                if capitals || dated {
                    return Some(word.bbox);
                }
            }
            // "15 NOV 2026" with the stamp word lost under the print.
            let caps = w.len() == 3 && MONTHS_CAPS.contains(&w);
            let day_before = n > 0
                && line.words[n - 1]
                    .text
                    .trim_matches(|c: char| !c.is_alphanumeric())
                    .chars()
                    .all(|c| c.is_ascii_digit())
                && (1..=2).contains(&line.words[n - 1].text.trim().len());
            if caps && day_before {
                return Some(union(line.words[n - 1].bbox, word.bbox));
            }
        }
    }
    None
}

/// The stamp word in an OCR word, also when the print under the stamp ran
/// into it ("heMaTTATT").
fn stamp_word_in(word: &str) -> Option<String> {
    if has_stamp_word(word) {
        return Some(word.to_owned());
    }
    let chars: Vec<char> = word.chars().collect();
    if chars.len() <= 7 {
        return None;
    }
    chars
        .windows(7)
        .map(|w| w.iter().collect::<String>())
        .find(|w| has_stamp_word(w))
}

fn words_text(words: &[super::tess::OcrWord]) -> String {
    words
        .iter()
        .map(|w| w.text.as_str())
        .collect::<Vec<_>>()
        .join(" ")
}

fn union(a: PxBox, b: PxBox) -> PxBox {
    PxBox {
        left: a.left.min(b.left),
        top: a.top.min(b.top),
        right: a.right.max(b.right),
        bottom: a.bottom.max(b.bottom),
    }
}

/// A generous box around the anchor: a stamp's lines are centred on one
/// another, a few capitals' heights above and below, and may be wide
/// ("RANA KOMMUNE HELSE OG OMSORG").
fn around(anchor: PxBox, (w, h): (u32, u32)) -> PxBox {
    let cap = anchor.height().max(8);
    PxBox {
        left: anchor.left.saturating_sub(12 * cap),
        top: anchor.top.saturating_sub(5 * cap),
        right: (anchor.right + 12 * cap).min(w),
        bottom: (anchor.bottom + 5 * cap).min(h),
    }
}

/// A reading with a stamp word or a date in it.
pub(super) fn stamp_like(reading: &str) -> bool {
    has_stamp_word(reading) || parse_stamp_date(reading).is_some()
}

#[cfg(test)]
mod tests {
    use super::super::tess::OcrWord;
    use super::*;

    fn word(text: &str, left: u32, top: u32, right: u32, bottom: u32) -> OcrWord {
        OcrWord {
            text: text.into(),
            bbox: PxBox {
                left,
                top,
                right,
                bottom,
            },
        }
    }

    fn line(words: Vec<OcrWord>) -> OcrLine {
        let bbox = words.iter().fold(words[0].bbox, |a, w| union(a, w.bbox));
        OcrLine {
            words,
            bbox,
            starts_block: false,
        }
    }

    #[test]
    fn a_stamp_word_in_capitals_or_a_capital_month_after_a_day_is_the_anchor() {
        let stamp = [line(vec![word("MOTTATT", 100, 10, 300, 50)])];
        assert_eq!(find_anchor(&stamp).map(|b| b.left), Some(100));
        let merged = [line(vec![
            word("Stenneset", 0, 0, 90, 30),
            word("45", 100, 0, 120, 30),
            word("15", 300, 0, 330, 40),
            word("NOV", 340, 0, 400, 40),
        ])];
        assert_eq!(find_anchor(&merged).map(|b| b.left), Some(300));
        // Words of one 30 px high line, each 80 px wide, 10 px apart.
        let sentence = |words: &[&str]| {
            let laid: Vec<OcrWord> = (0u32..)
                .zip(words)
                .map(|(i, w)| word(w, i * 90, 0, i * 90 + 80, 30))
                .collect();
            [line(laid)]
        };
        assert_eq!(
            find_anchor(&sentence(&["Vi", "har", "mottatt", "brevet"])),
            None
        );
        let one_line = sentence(&["Rana", "kommune", "-", "mottatt", "30.10.2026"]);
        assert_eq!(find_anchor(&one_line).map(|b| b.left), Some(270));
        let quoted = sentence(&["Vi", "har", "mottatt", "02.11.2026"]);
        assert_eq!(find_anchor(&quoted), None);
    }

    #[test]
    fn lines_inside_the_frame_are_dropped_unless_one_straddles_it() {
        let frame = PxBox {
            left: 500,
            top: 0,
            right: 900,
            bottom: 200,
        };
        let lines = [
            line(vec![word("MOTTATT", 600, 50, 800, 90)]),
            line(vec![
                word("Ola", 10, 300, 60, 330),
                word("Nordmann", 70, 300, 200, 330),
            ]),
        ];
        assert_eq!(
            text_without(&lines, frame).as_deref(),
            Some("Ola Nordmann\n")
        );
        let straddling = [
            line(vec![word("MOTTATT", 600, 50, 800, 90)]),
            line(vec![
                word("Ola", 10, 150, 60, 180),
                word("Nordmann", 450, 150, 560, 180),
            ]),
        ];
        assert_eq!(text_without(&straddling, frame), None);
    }
}
