//! Quality facts computed from pixels and text: ink coverage (blank pages)
//! and whether a PDF text layer is usable or garbage.
//!
//! Pure functions, no IO; thresholds are named and explained.

use image::GrayImage;

/// A pixel darker than this counts as ink.
const INK_LEVEL: u8 = 128;
/// Margin (fraction of each side) ignored when measuring ink: scanner edges
/// and punch holes live there.
const MARGIN: f32 = 0.04;
/// Below this ink coverage a page is blank without asking OCR (a short word
/// at 300 dpi already covers ~0.02 %).
const BLANK_INK: f32 = 0.000_05;
/// A page whose OCR found (almost) no letters is blank when its ink stays
/// under this (speckles, bleed-through); above it, it is a picture.
const SPECKLE_INK: f32 = 0.02;

/// Fraction of ink pixels inside the margins, sampled on a sparse grid
/// (every 2nd row and column is plenty for a coverage estimate).
pub fn ink_fraction(img: &GrayImage) -> f32 {
    let (w, h) = img.dimensions();
    let (mx, my) = ((w as f32 * MARGIN) as u32, (h as f32 * MARGIN) as u32);
    let (mut ink, mut total) = (0u64, 0u64);
    for y in (my..h.saturating_sub(my)).step_by(2) {
        for x in (mx..w.saturating_sub(mx)).step_by(2) {
            total += 1;
            if img.get_pixel(x, y).0[0] < INK_LEVEL {
                ink += 1;
            }
        }
    }
    if total == 0 {
        0.0
    } else {
        ink as f32 / total as f32
    }
}

pub fn is_blank_by_ink(ink: f32) -> bool {
    ink < BLANK_INK
}

/// After OCR: too few letters and little ink means a blank (back) side.
pub fn looks_blank(ocr_text: &str, ink: f32) -> bool {
    let alnum = ocr_text.chars().filter(|c| c.is_alphanumeric()).count();
    alnum < 3 && ink < SPECKLE_INK
}

/// Minimum Latin letters for a text layer to count as text at all.
const MIN_LAYER_LETTERS: usize = 3;
/// Share of non-space characters that must be Latin letters, digits or
/// ordinary punctuation. Unmapped fonts give runs like `"7+%-` or CJK-looking
/// mojibake; real Norwegian or English text scores above 0.9.
const MIN_LAYER_PLAUSIBLE: f32 = 0.75;
/// Share of letters that must be vowels (incl. æøå, y): garbage from
/// unmapped fonts is consonant soup or symbols.
const MIN_VOWEL_SHARE: f32 = 0.15;

/// Whether a page's text layer can be trusted instead of OCR.
pub fn text_layer_usable(text: &str) -> bool {
    let mut non_space = 0usize;
    let mut plausible = 0usize;
    let mut letters = 0usize;
    let mut vowels = 0usize;
    for c in text.chars().filter(|c| !c.is_whitespace()) {
        non_space += 1;
        if is_latin_letter(c) {
            letters += 1;
            plausible += 1;
            if "aeiouyæøåäöüéèêáàóòôúíAEIOUYÆØÅÄÖÜÉÈÊÁÀÓÒÔÚÍ".contains(c)
            {
                vowels += 1;
            }
        } else if c.is_ascii_digit() || ".,;:-–—()/'\"!?%&§@*+=«»“”‘’".contains(c) {
            plausible += 1;
        }
    }
    letters >= MIN_LAYER_LETTERS
        && plausible as f32 >= MIN_LAYER_PLAUSIBLE * non_space as f32
        && vowels as f32 >= MIN_VOWEL_SHARE * letters as f32
}

fn is_latin_letter(c: char) -> bool {
    c.is_ascii_alphabetic() || (c.is_alphabetic() && ('\u{C0}'..='\u{24F}').contains(&c))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn real_text_layers_are_usable() {
        assert!(text_layer_usable(
            "Søknad om brukerstyrt personlig assistanse, 3. november 2026."
        ));
        assert!(text_layer_usable("This is a test document."));
    }

    #[test]
    fn garbage_layers_are_not() {
        assert!(!text_layer_usable("\"7+%- \"7+%- &'#$"));
        assert!(!text_layer_usable("  \n "));
        assert!(!text_layer_usable("ab"));
        assert!(!text_layer_usable("ꀀꀁꀂ 䀀䀁 䀂䀃 bcd"));
        assert!(!text_layer_usable("bcdfg hjklm npqrst vwxz"));
    }

    #[test]
    fn blank_and_ink() {
        let white = GrayImage::from_pixel(100, 100, image::Luma([255]));
        assert_eq!(ink_fraction(&white), 0.0);
        assert!(is_blank_by_ink(ink_fraction(&white)));
        let black = GrayImage::from_pixel(100, 100, image::Luma([0]));
        assert!(ink_fraction(&black) > 0.99);
        assert!(looks_blank(" . ~", 0.001));
        assert!(!looks_blank("Hei", 0.001));
        assert!(!looks_blank("", 0.3));
    }
}
