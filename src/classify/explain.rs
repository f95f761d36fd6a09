//! How a [`Classification`] is shown outside the pipeline: the `process
//! --json` fields (DESIGN.md §6) and the readable `--explain` text with
//! Norwegian labels.
//!
//! **Invariant:** a full person ID appears only when the caller asks for it
//! (`--reveal-ids`); the explanation never contains letter text or IDs.

use std::fmt::Write;

use serde::Serialize;

use super::{Classification, Classifier, PersonIdKind, ReasonKind};
use crate::item::QualityFlag;

/// The classification fields of one `process --json` line.
#[derive(Debug, Clone, Serialize)]
pub struct ProcessFields {
    pub document_type: String,
    pub unit: String,
    pub urgent: bool,
    pub leader_review: bool,
    pub title: String,
    pub person_ids: Vec<PersonIdField>,
    /// "YYYY-MM-DD" or null.
    pub document_date: Option<String>,
    pub stamped_date: Option<String>,
    pub sender: Option<String>,
    pub quality_flags: Vec<QualityFlag>,
    pub confidence: f32,
    pub suggestion: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct PersonIdField {
    pub kind: PersonIdKind,
    pub synthetic: bool,
    pub masked: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub value: Option<String>,
}

impl ProcessFields {
    pub fn new(c: &Classification, reveal_ids: bool) -> ProcessFields {
        ProcessFields {
            document_type: c.document_type.clone(),
            unit: c.unit.to_string(),
            urgent: c.urgent,
            leader_review: c.leader_review,
            title: c.title.clone(),
            person_ids: c
                .person_ids
                .iter()
                .map(|p| PersonIdField {
                    kind: p.kind,
                    synthetic: p.synthetic,
                    masked: p.masked.clone(),
                    value: reveal_ids.then(|| p.value().to_owned()),
                })
                .collect(),
            document_date: c.document_date.map(|d| d.format("%Y-%m-%d").to_string()),
            stamped_date: c.stamped_date.map(|d| d.format("%Y-%m-%d").to_string()),
            sender: c.sender.clone(),
            quality_flags: c.quality_flags.clone(),
            confidence: (c.confidence * 100.0).round() / 100.0,
            suggestion: c.suggestion.clone(),
        }
    }
}

fn yes_no(b: bool) -> &'static str {
    if b {
        "ja"
    } else {
        "nei"
    }
}

/// A readable account of the decision and its reasons, in Norwegian.
pub fn explain_nb(classifier: &Classifier, c: &Classification) -> String {
    let label = |id: &str| classifier.type_label(id).unwrap_or(id).to_owned();
    let mut out = String::new();
    let _ = writeln!(
        out,
        "Dokumenttype: {} ({}), sikkerhet {:.0} %",
        label(&c.document_type),
        c.document_type,
        c.confidence * 100.0
    );
    if let Some(s) = &c.suggestion {
        let _ = writeln!(out, "  Under terskelen; forslag: {} ({s})", label(s));
    }
    let sections = [
        (ReasonKind::DocumentType, None),
        (ReasonKind::Unit, Some(format!("Enhet: {}", c.unit))),
        (
            ReasonKind::Urgent,
            Some(format!("Hastesak: {}", yes_no(c.urgent))),
        ),
        (
            ReasonKind::LeaderReview,
            Some(format!("Ledergjennomgang: {}", yes_no(c.leader_review))),
        ),
        (ReasonKind::Title, Some(format!("Emne: {}", c.title))),
        (
            ReasonKind::DocumentDate,
            Some(format!(
                "Brevdato: {}",
                c.document_date
                    .map_or("ikke funnet".into(), |d| d.format("%d.%m.%Y").to_string())
            )),
        ),
        (
            ReasonKind::StampedDate,
            Some(format!(
                "Mottaksstempel: {}",
                c.stamped_date
                    .map_or("ikke funnet".into(), |d| d.format("%d.%m.%Y").to_string())
            )),
        ),
        (
            ReasonKind::Sender,
            Some(format!(
                "Avsender: {}",
                match (&c.sender, &c.sender_person) {
                    (Some(org), _) => org.clone(),
                    (None, Some(person)) => format!("{person} (privatperson)"),
                    (None, None) => "ikke gjenkjent".into(),
                }
            )),
        ),
        (
            ReasonKind::PersonId,
            Some(format!("Personnummer: {} funnet", c.person_ids.len())),
        ),
        (
            ReasonKind::Quality,
            Some(if c.quality_flags.is_empty() {
                "Kvalitet: ingen merknader".into()
            } else {
                "Kvalitet:".into()
            }),
        ),
    ];
    for (kind, heading) in sections {
        if let Some(h) = heading {
            let _ = writeln!(out, "{h}");
        }
        let mut reasons: Vec<_> = c.reasons.iter().filter(|r| r.kind == kind).collect();
        reasons.sort_by(|a, b| b.weight.total_cmp(&a.weight));
        for r in reasons {
            let _ = match kind {
                ReasonKind::DocumentType => writeln!(
                    out,
                    "  {:+.1}  {} → {}",
                    r.weight,
                    r.label,
                    label(&r.target)
                ),
                ReasonKind::Urgent | ReasonKind::Unit => {
                    writeln!(out, "  {:+.1}  {} → {}", r.weight, r.label, r.target)
                }
                _ => writeln!(out, "  {}", r.label),
            };
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::classify::{ClassifyConfig, ClassifyInput};
    use crate::extract::Extraction;
    use crate::item::Source;

    fn classify(text: &str) -> (Classifier, Classification) {
        let classifier = Classifier::new(&ClassifyConfig::default()).unwrap();
        let extraction = Extraction::text_layer_pdf([text.to_owned()]);
        let c = classifier.classify(&ClassifyInput {
            extraction: &extraction,
            source: Source::Digital,
            folder_unit: None,
            received_on: None,
        });
        (classifier, c)
    }

    const LETTER: &str = "Mo i Rana, 3. november 2026\n\nSøknad om BPA\n\n\
        Jeg søker om brukerstyrt personlig assistanse. Det haster.\n\
        Fnr. 01818012337\n\nHilsen Kari";

    #[test]
    fn json_fields_mask_ids_unless_revealed() {
        let (_, c) = classify(LETTER);
        let masked = serde_json::to_value(ProcessFields::new(&c, false)).unwrap();
        assert_eq!(masked["document_type"], "soknad_bpa");
        assert_eq!(masked["document_date"], "2026-11-03");
        assert_eq!(masked["person_ids"][0]["masked"], "018180*****");
        assert_eq!(masked["person_ids"][0]["kind"], "fodselsnummer");
        assert_eq!(masked["person_ids"][0]["synthetic"], true);
        assert!(masked["person_ids"][0].get("value").is_none());
        assert!(!masked.to_string().contains("01818012337"));
        let revealed = serde_json::to_value(ProcessFields::new(&c, true)).unwrap();
        assert_eq!(revealed["person_ids"][0]["value"], "01818012337");
    }

    #[test]
    fn explanation_is_norwegian_and_free_of_ids_and_text() {
        let (classifier, c) = classify(LETTER);
        let text = explain_nb(&classifier, &c);
        assert!(text.contains("Dokumenttype: Søknad om brukerstyrt personlig assistanse (BPA)"));
        assert!(text.contains("Hastesak: ja"), "{text}");
        assert!(text.contains("Ledergjennomgang: ja"), "{text}");
        assert!(text.contains("nevner BPA"), "{text}");
        assert!(!text.contains("01818012337"), "{text}");
        assert!(!text.contains("Kari"), "{text}");
    }
}
