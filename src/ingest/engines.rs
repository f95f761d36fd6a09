//! The production [`Engines`]: the shared `extract::Extractor` (pdfium + OCR
//! pool) and `classify::Classifier`, plus the person-ID key so classification
//! leaves here with keyed hashes only — the number itself never reaches the
//! store or a log line.

use std::path::Path;

use crate::classify::{Classifier, ClassifyInput};
use crate::extract::{Extraction, Extractor, Rejection};
use crate::item::{Source, UnitId};
use crate::store::items::{ClassificationRecord, PersonIdRow};
use crate::store::{person_key_hash, PersonIdKey};

use super::pipeline::Engines;

pub struct RealEngines {
    pub extractor: Extractor,
    pub classifier: Classifier,
    pub key: PersonIdKey,
}

impl Engines for RealEngines {
    fn rest(&self, idle: std::time::Duration) -> bool {
        self.extractor.release_ocr_if_idle(idle)
    }

    fn extract(&self, path: &Path) -> Result<Extraction, Rejection> {
        let extraction = self.extractor.extract_path(path)?;
        if let Some(pdf) = &extraction.printout {
            // The printout lives beside the original's content copy: the
            // board renders its pages and the printout task hands it over.
            super::printout::keep_beside(path, &pdf.0).map_err(|e| {
                Rejection::new(
                    crate::item::RejectCode::Unreadable,
                    format!("Utskriften kunne ikke lagres ({}).", e.kind()),
                )
            })?;
        }
        Ok(extraction)
    }

    fn classify(
        &self,
        extraction: &Extraction,
        source: Source,
        folder_unit: Option<&UnitId>,
        received_on: chrono::NaiveDate,
    ) -> ClassificationRecord {
        let c = self.classifier.classify(&ClassifyInput {
            extraction,
            source,
            folder_unit,
            received_on: Some(received_on),
        });
        let mut c = c;
        if let Some(delivery) = &extraction.delivery {
            // The delivery's own facts beat what the text suggests.
            super::printout::apply_delivery_facts(&mut c, delivery);
        }
        // `PersonId::value` is not serialized: the JSON holds masked forms only.
        let json = serde_json::to_string(&c).unwrap_or_else(|_| "{}".into());
        ClassificationRecord {
            person_ids: c
                .person_ids
                .iter()
                .map(|p| PersonIdRow {
                    kind: p.kind.as_str().into(),
                    keyed_hash: person_key_hash(&self.key, p.value()),
                    masked: p.masked.clone(),
                    synthetic: p.synthetic,
                })
                .collect(),
            unit: c.unit,
            document_type: c.document_type,
            title: c.title,
            urgent: c.urgent,
            leader_review: c.leader_review,
            document_date: c.document_date,
            stamped_date: c.stamped_date,
            // The card's Avsender: the organisation, else the private person.
            sender: c.sender.or(c.sender_person),
            quality_flags: c.quality_flags,
            json,
        }
    }
}
