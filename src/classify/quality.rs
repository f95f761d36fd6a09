//! Quality flags from extraction facts (OCR confidence, blank pages, skew,
//! resolution) and from the text ("side 2 av 3" with page 3 absent).
//!
//! Limits come from the rules file's `[quality]` table.

use std::sync::LazyLock;

use regex::Regex;

use super::rules::QualityLimits;
use crate::extract::{Extraction, PageSource};
use crate::item::QualityFlag;

static PAGE_OF: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"\b(side|sida|s\.|page)\s*(\d{1,3})\s*(av|/|of)\s*(\d{1,3})\b")
        .expect("static regex")
});

pub fn flags(extraction: &Extraction, folded: &str, limits: &QualityLimits) -> Vec<QualityFlag> {
    let mut flags = Vec::new();
    if extraction
        .ocr_confidence()
        .is_some_and(|c| c < limits.min_ocr_confidence)
    {
        flags.push(QualityFlag::LowOcrConfidence);
    }
    if !extraction.blank_pages().is_empty() {
        flags.push(QualityFlag::BlankPages);
    }
    if missing_pages(extraction, folded) {
        flags.push(QualityFlag::MissingPages);
    }
    let ocr_pages = || {
        extraction
            .pages
            .iter()
            .filter(|p| p.source == PageSource::Ocr && !p.blank)
    };
    if ocr_pages().any(|p| {
        p.skew_degrees
            .is_some_and(|s| s.abs() > limits.max_skew_degrees)
    }) {
        flags.push(QualityFlag::StrongSkew);
    }
    if ocr_pages().any(|p| p.dpi.is_some_and(|(x, y)| x.min(y) < limits.min_dpi)) {
        flags.push(QualityFlag::LowResolution);
    }
    flags
}

/// "side N av M" where M exceeds the pages with content, or a numbered page
/// beyond what arrived.
fn missing_pages(extraction: &Extraction, folded: &str) -> bool {
    let present = extraction.pages.iter().filter(|p| !p.blank).count();
    PAGE_OF.captures_iter(folded).any(|c| {
        let n: usize = c[2].parse().unwrap_or(0);
        let total: usize = c[4].parse().unwrap_or(0);
        n >= 1 && n <= total && total <= 200 && total > present
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::classify::normalize::fold;
    use crate::extract::Page;

    fn page(n: u32, text: &str, source: PageSource) -> Page {
        Page {
            number: n,
            text: text.into(),
            source,
            ocr_confidence: (source == PageSource::Ocr).then_some(90.0),
            blank: text.is_empty(),
            dpi: (source == PageSource::Ocr).then_some((300.0, 300.0)),
            rotation_degrees: 0,
            skew_degrees: Some(0.2),
            stamp: None,
        }
    }

    fn limits() -> QualityLimits {
        QualityLimits {
            min_ocr_confidence: 60.0,
            max_skew_degrees: 3.0,
            min_dpi: 150.0,
        }
    }

    fn run(pages: Vec<Page>) -> Vec<QualityFlag> {
        let e = Extraction {
            media_type: "application/pdf".into(),
            pages,
            delivery: None,
            printout: None,
        };
        flags(&e, &fold(&e.text()), &limits())
    }

    #[test]
    fn flags_from_pages() {
        use PageSource::*;
        use QualityFlag::*;
        assert_eq!(run(vec![page(1, "Hei", Ocr)]), vec![]);
        assert_eq!(
            run(vec![
                page(1, "Hei\nSide 1 av 2", Ocr),
                page(2, "Side 2 av 2", Ocr)
            ]),
            vec![]
        );
        assert_eq!(
            run(vec![
                page(1, "Side 1 av 3", Ocr),
                page(2, "Side 2 av 3", Ocr)
            ]),
            vec![MissingPages]
        );
        assert_eq!(
            run(vec![page(1, "Sida 2/3", TextLayer)]),
            vec![MissingPages]
        );
        assert_eq!(
            run(vec![page(1, "Hei", Ocr), page(2, "", None)]),
            vec![BlankPages]
        );
        let mut skewed = page(1, "Hei", Ocr);
        skewed.skew_degrees = Some(-6.0);
        assert_eq!(run(vec![skewed]), vec![StrongSkew]);
        let mut coarse = page(1, "Hei", Ocr);
        coarse.dpi = Some((100.0, 100.0));
        coarse.ocr_confidence = Some(41.0);
        assert_eq!(run(vec![coarse]), vec![LowOcrConfidence, LowResolution]);
        // A text layer page has no OCR facts to judge.
        assert_eq!(run(vec![page(1, "Hei", TextLayer)]), vec![]);
    }
}
