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
    fn extract(&self, path: &Path) -> Result<Extraction, Rejection> {
        self.extractor.extract_path(path)
    }

    fn classify(
        &self,
        extraction: &Extraction,
        source: Source,
        folder_unit: Option<&UnitId>,
    ) -> ClassificationRecord {
        let c = self.classifier.classify(&ClassifyInput {
            extraction,
            source,
            folder_unit,
            // Classification follows arrival within seconds (or, after a
            // restart, days): today is the arrival day as the stamp's
            // plausibility window needs it.
            received_on: Some(crate::calendar::oslo_date(chrono::Utc::now())),
        });
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
            sender: c.sender,
            quality_flags: c.quality_flags,
            json,
        }
    }
}
