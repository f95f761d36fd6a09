//! The production [`Engines`]: the shared `extract::Extractor` (pdfium + OCR
//! pool) and `classify::Classifier`, plus the person-ID key so classification
//! leaves here with keyed hashes only — the number itself never reaches the
//! store or a log line.

use std::path::Path;
use std::sync::{Mutex, RwLock};
use std::time::{Duration, Instant};

use crate::check::UnitFallback;
use crate::classify::{Classifier, ClassifyInput};
use crate::extract::{Extraction, Extractor, Rejection};
use crate::item::{Source, UnitId};
use crate::store::items::{ClassificationRecord, PersonIdRow};
use crate::store::{person_key_hash, PersonIdKey};

use super::pipeline::Engines;

pub struct RealEngines {
    pub extractor: Extractor,
    /// Swapped for a fresh clone at rest (see [`RealEngines::rest`]).
    pub classifier: RwLock<Classifier>,
    pub key: PersonIdKey,
    /// When the last letter was classified, until the rest after it.
    pub classified_at: Mutex<Option<Instant>>,
    /// Where post the embedded rules send to an absent unit goes.
    pub unit_fallback: Option<UnitFallback>,
}

impl RealEngines {
    pub fn new(extractor: Extractor, classifier: Classifier, key: PersonIdKey) -> RealEngines {
        RealEngines {
            extractor,
            classifier: RwLock::new(classifier),
            key,
            classified_at: Mutex::new(None),
            unit_fallback: None,
        }
    }

    pub fn with_unit_fallback(mut self, fallback: Option<UnitFallback>) -> RealEngines {
        self.unit_fallback = fallback;
        self
    }

    /// Starts the classifier's match caches afresh when nothing was
    /// classified for `idle`. The regex crate grows a lazy DFA cache per
    /// thread that matches (tokio's blocking threads come and go, so the
    /// caches pile up in each regex's pool) up to its capacity: measured
    /// with heaptrack over a soak, they were most of the daemon's heap
    /// growth at rest (~2 MB per 100 letters). A clone shares the compiled
    /// rules and starts with empty caches. Returns whether it swapped.
    fn release_classifier_if_idle(&self, idle: Duration) -> bool {
        let mut at = self.classified_at.lock().unwrap_or_else(|e| e.into_inner());
        if !at.is_some_and(|t| t.elapsed() >= idle) {
            return false;
        }
        *at = None;
        let fresh = self.classifier().clone();
        *self.classifier.write().unwrap_or_else(|e| e.into_inner()) = fresh;
        true
    }

    fn classifier(&self) -> std::sync::RwLockReadGuard<'_, Classifier> {
        self.classifier.read().unwrap_or_else(|e| e.into_inner())
    }
}

impl Engines for RealEngines {
    fn rest(&self, idle: Duration) -> bool {
        // Released with the engines too (nothing is being read then), so
        // one rest gives everything back at once.
        let ocr = self.extractor.release_ocr_if_idle(idle);
        let classifier = self.release_classifier_if_idle(if ocr { Duration::ZERO } else { idle });
        ocr || classifier
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
        *self.classified_at.lock().unwrap_or_else(|e| e.into_inner()) = Some(Instant::now());
        let c = self.classifier().classify(&ClassifyInput {
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
        if let Some(fallback) = &self.unit_fallback {
            fallback.apply(&mut c);
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
