//! The letter's text without the received stamp, from the page's first
//! reading: the stamp's lines dropped when its frame holds whole lines,
//! else only the band of lines the stamp lies across read again with its
//! ink taken out. Reading the band instead of the whole page again costs
//! a fraction of a page's OCR; every line outside it keeps its first
//! reading.

use image::{imageops, GrayImage};

use super::tess::{OcrLine, PxBox};

/// The page's text without the lines inside the frame, when every line is
/// either inside it or clear of it; `None` when a line straddles it (the
/// stamp is pressed over the letter's print).
pub(super) fn text_without(lines: &[OcrLine], frame: PxBox) -> Option<String> {
    let mut out = String::new();
    let mut dropped = 0;
    for line in lines {
        let inside = line.words.iter().all(|w| frame.contains(&w.bbox));
        if inside {
            dropped += 1;
            continue;
        }
        if line.words.iter().any(|w| w.bbox.intersects(&frame)) || line.bbox.intersects(&frame) {
            return None;
        }
        push_line(&mut out, line);
    }
    (dropped > 0).then_some(out)
}

/// The rows of the page the stamp lies across, widened to whole lines of
/// the first reading (a line beside the stamp at its height is in it too)
/// and by a margin that stops short of the lines above and below; `None`
/// when that is most of the page (then the page is read again whole).
pub(super) fn band_of(
    lines: &[OcrLine],
    stamp: PxBox,
    (w, h): (u32, u32),
    dpi: u32,
) -> Option<PxBox> {
    let (mut top, mut bottom) = (stamp.top, stamp.bottom);
    loop {
        let (t, b) = lines
            .iter()
            .filter(|l| l.bbox.top < bottom && l.bbox.bottom > top)
            .fold((top, bottom), |(t, b), l| {
                (t.min(l.bbox.top), b.max(l.bbox.bottom))
            });
        if (t, b) == (top, bottom) {
            break;
        }
        (top, bottom) = (t, b);
    }
    let above = lines
        .iter()
        .filter(|l| l.bbox.bottom <= top)
        .map(|l| l.bbox.bottom)
        .max()
        .unwrap_or(0);
    let below = lines
        .iter()
        .filter(|l| l.bbox.top >= bottom)
        .map(|l| l.bbox.top)
        .min()
        .unwrap_or(h);
    let margin = dpi / 20;
    let band = PxBox {
        left: 0,
        top: top.saturating_sub(margin).max(above),
        right: w,
        bottom: (bottom + margin).min(below).min(h),
    };
    (band.height() > 0 && band.height() * 2 <= h).then_some(band)
}

/// The band's crop of the page (the stamp's ink already taken out).
pub(super) fn band_image(image: &GrayImage, band: PxBox) -> GrayImage {
    imageops::crop_imm(image, band.left, band.top, band.width(), band.height()).to_image()
}

/// Whether a band holds any print once the stamp's ink is out (a blank
/// band is not worth an OCR call, and tesseract complains about it).
pub(super) fn has_print(band: &GrayImage) -> bool {
    let dark = band.as_raw().iter().filter(|p| **p < 128).count();
    dark * 2000 >= band.as_raw().len()
}

/// The page's text with the band's lines replaced by the band read again,
/// in the place of the band's first line.
pub(super) fn text_with_band(lines: &[OcrLine], band: PxBox, band_text: &str) -> String {
    let mut out = String::new();
    let mut placed = false;
    for line in lines {
        if in_band(line, band) {
            if !placed {
                if !out.is_empty() {
                    out.push('\n');
                }
                out.push_str(band_text.trim_end_matches(['\u{c}', '\n', ' ']));
                out.push_str("\n\n");
                placed = true;
            }
            continue;
        }
        push_line(&mut out, line);
    }
    if !placed {
        out.push_str(band_text);
    }
    out
}

/// The band's text read again, unless it lost the letter's print: then
/// the first reading's words beside the stamp (a tilted frame can make
/// tesseract take the whole band for a picture and return nothing; the
/// person number on the line under the stamp must not go with it). A
/// long number the first reading had beside the stamp and the second
/// lost is print lost too, however much else came back: taking the
/// stamp's ink out can cut the strokes it lies on, and a person number is
/// the part of a line that must come through whole ("Eg heiter Halva pnr
/// 19923600097" read again as "Eg heiter Halva 6").
pub(super) fn kept_print(
    lines: &[OcrLine],
    band: PxBox,
    stamp: PxBox,
    read_again: String,
) -> String {
    let first = first_reading_beside(lines, band, stamp);
    let kept = long_numbers(&read_again);
    let number_lost = long_numbers(&first).iter().any(|n| !kept.contains(n));
    if alnum(&read_again) * 2 < alnum(&first) || number_lost {
        tracing::debug!("stamp band read again lost the print; first reading kept");
        first
    } else {
        read_again
    }
}

/// The runs of six digits or more in a text (a person number, its six
/// birth digits, an account or organisation number); a date's or a phone
/// number's groups are shorter.
fn long_numbers(text: &str) -> Vec<&str> {
    text.split(|c: char| !c.is_ascii_digit())
        .filter(|run| run.len() >= 6)
        .collect()
}

/// The first reading's lines in the band, as text, without the words
/// whose middle lies on the stamp: what the band read again should at
/// least hold. (A word the stamp's edge only grazes is the letter's.)
fn first_reading_beside(lines: &[OcrLine], band: PxBox, stamp: PxBox) -> String {
    lines
        .iter()
        .filter(|l| in_band(l, band))
        .map(|l| {
            l.words
                .iter()
                .filter(|w| !centre_in(&w.bbox, &stamp))
                .map(|w| w.text.as_str())
                .collect::<Vec<_>>()
                .join(" ")
        })
        .filter(|l| !l.is_empty())
        .collect::<Vec<_>>()
        .join("\n")
}

/// Whether a line of the first reading lies (partly) in the band's rows.
fn in_band(line: &OcrLine, band: PxBox) -> bool {
    line.bbox.top < band.bottom && line.bbox.bottom > band.top
}

fn centre_in(word: &PxBox, stamp: &PxBox) -> bool {
    let (x, y) = ((word.left + word.right) / 2, (word.top + word.bottom) / 2);
    (stamp.left..stamp.right).contains(&x) && (stamp.top..stamp.bottom).contains(&y)
}

fn alnum(text: &str) -> usize {
    text.chars().filter(|c| c.is_alphanumeric()).count()
}

fn push_line(out: &mut String, line: &OcrLine) {
    if line.starts_block && !out.is_empty() && !out.ends_with("\n\n") {
        out.push('\n');
    }
    out.push_str(&line_text(line));
    out.push('\n');
}

pub(super) fn line_text(line: &OcrLine) -> String {
    line.words
        .iter()
        .map(|w| w.text.as_str())
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::super::tess::OcrWord;
    use super::*;

    fn line(text: &str, top: u32, bottom: u32) -> OcrLine {
        let bbox = PxBox {
            left: 100,
            top,
            right: 1500,
            bottom,
        };
        OcrLine {
            words: text
                .split(' ')
                .map(|t| OcrWord {
                    text: t.into(),
                    bbox,
                })
                .collect(),
            bbox,
            starts_block: false,
        }
    }

    #[test]
    fn only_the_lines_the_stamp_lies_across_are_read_again() {
        let lines = [
            line("Ola Nordmann", 300, 340),
            line("Storgata 1 RANA KOM", 360, 400),
            line("8610 Mo i Rana MOTTATT", 420, 460),
            line("Til Rana kommune", 600, 640),
        ];
        let stamp = PxBox {
            left: 800,
            top: 370,
            right: 1300,
            bottom: 450,
        };
        let band = band_of(&lines, stamp, (2480, 3508), 300).expect("a band");
        assert!(band.top >= 340 && band.top <= 360, "{band:?}");
        assert!(band.bottom >= 460 && band.bottom <= 600, "{band:?}");
        assert_eq!(
            text_with_band(&lines, band, "Storgata 1\n8610 Mo i Rana\n"),
            "Ola Nordmann\n\nStorgata 1\n8610 Mo i Rana\n\nTil Rana kommune\n"
        );
        // A stamp across most of the page: the page is read again whole.
        let tall = PxBox {
            top: 100,
            bottom: 3000,
            ..stamp
        };
        assert_eq!(band_of(&lines, tall, (2480, 3508), 300), None);
    }

    #[test]
    fn a_band_read_again_keeps_the_print_beside_the_stamp() {
        let word = |text: &str, left: u32, right: u32| OcrWord {
            text: text.into(),
            bbox: PxBox {
                left,
                top: 560,
                right,
                bottom: 590,
            },
        };
        let words = vec![
            word("Namn:", 240, 380),
            word("Oda", 460, 540),
            word("MOTTATT", 500, 760),
            word("09879800029", 900, 1300),
        ];
        let named = OcrLine {
            bbox: PxBox {
                left: 240,
                top: 560,
                right: 1300,
                bottom: 590,
            },
            words,
            starts_block: false,
        };
        let lines = [named];
        let band = PxBox {
            left: 0,
            top: 500,
            right: 2480,
            bottom: 620,
        };
        let stamp = PxBox {
            left: 450,
            top: 240,
            right: 1020,
            bottom: 585,
        };
        // Read again to nothing: the words beside the stamp stand (the
        // number's edge under the stamp does not take it away).
        assert_eq!(
            kept_print(&lines, band, stamp, String::new()),
            "Namn: 09879800029"
        );
        // Read again well: that reading stands, the stamp's word gone.
        assert_eq!(
            kept_print(&lines, band, stamp, "Namn: Oda 09879800029\n".into()),
            "Namn: Oda 09879800029\n"
        );
        // Read again with more words but the number cut: the first reading
        // stands.
        assert_eq!(
            kept_print(&lines, band, stamp, "Namn: Oda Nordmann 6\n".into()),
            "Namn: 09879800029"
        );
    }
}
