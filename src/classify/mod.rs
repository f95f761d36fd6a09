//! Classify: from extracted text to the facts the morning meeting needs
//! (document type, unit, urgency, leader review, title, person IDs, dates,
//! sender, quality flags), each decision with its reasons.
//!
//! Layout: `config` (the `[classify]` section: which rules file, overrides),
//! `taxonomy` (the document types, the one list the board and mail read),
//! `decide` (the steps of [`Classifier::classify`]), `rules` (weighted TOML
//! rules → scores; `config/rules.toml` is the embedded default) and
//! `validate` (its checks), `normalize` (OCR-tolerant
//! folding and phrase patterns), `person_id` (check digits), `dates` (the
//! letter's own date, the received stamp), `title` (the emne), `sender`,
//! `quality` (flags from extraction facts), `explain` (the `process --json`
//! fields and the Norwegian `--explain` text), `tests` (excerpt table). This
//! file owns the public types and wires the parts together.
//!
//! **Invariant:** classify does no IO and cannot fail ([`Classifier::new`]
//! reads and validates the rules once).
//! **Invariant:** nothing here logs letter text or person numbers; a
//! [`Reason`] carries rule labels from the config, never letter text.

mod addressee;
mod concern;
pub mod config;
mod dates;
mod decide;
mod explain;
mod features;
mod fuse;
#[cfg(test)]
mod hostile_tests;
mod linear;
mod load;
mod normalize;
mod nynorsk;
mod person_id;
mod quality;
mod rules;
mod score;
mod sender;
mod shape;
mod stamp;
mod taxonomy;
#[cfg(test)]
mod tests;
mod title;
mod urgent;
mod validate;

use std::sync::Arc;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::extract::Extraction;
use crate::issues::Issues;
use crate::item::{QualityFlag, Source, UnitId};

pub use config::ClassifyConfig;
pub use dates::{document_date, stamped_date};
pub use explain::{explain_nb, PersonIdField, ProcessFields};
pub use features::{Folded, ModelFeatures};
pub use linear::LinearModel;
pub use load::DEFAULT_RULES_TOML;
pub use normalize::fold;
pub use person_id::{
    checksum_valid, find_org_numbers, find_person_ids, org_number_valid, PersonId, PersonIdKind,
};
pub use rules::{RulesError, FALLBACK_TYPE};
// The stamp's reading is shared with the extractor's stamp search, which
// decides with it when a region's reading can be trusted; nothing outside
// the crate needs it.
pub(crate) use stamp::{
    credible_year, garbled_word_stamp_date, has_clean_keyed_date, has_stamp_word,
    office_stamp_dates, parse_stamp_date, receiver_stamp_dates, stamp_word_dated,
};
pub use taxonomy::{DocumentType, Routine, Taxonomy, UnknownType};
pub use title::subject_line;

/// What the classifier reads.
pub struct ClassifyInput<'a> {
    pub extraction: &'a Extraction,
    /// Scan (unit = folder unit) or Digital (unit classified from content).
    pub source: Source,
    pub folder_unit: Option<&'a UnitId>,
    /// The day the file arrived (Oslo time), when known: a stamp date after
    /// it, or long before it, is a misreading.
    pub received_on: Option<NaiveDate>,
}

/// The classifier's verdict on one item (stored as JSON and shown).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Classification {
    /// Taxonomy id from the rules, e.g. "soknad_bpa".
    pub document_type: String,
    pub unit: UnitId,
    pub urgent: bool,
    pub leader_review: bool,
    pub title: String,
    /// The letter has no subject line: `title` was made from its text
    /// ([`title::derived_title`]) and the board says so.
    #[serde(default)]
    pub title_derived: bool,
    pub person_ids: Vec<PersonId>,
    pub document_date: Option<NaiveDate>,
    pub stamped_date: Option<NaiveDate>,
    /// An organisation (known sender or org. number); `None` for a letter
    /// from a private person.
    pub sender: Option<String>,
    /// The private person who wrote, when no organisation did ("Frå: Kari
    /// Vik", or the name under the greeting). The board shows it as Avsender.
    #[serde(default)]
    pub sender_person: Option<String>,
    pub quality_flags: Vec<QualityFlag>,
    /// 0..1 for `document_type`.
    pub confidence: f32,
    /// Runner-up type when below threshold (the type is then "annet").
    pub suggestion: Option<String>,
    /// Which rules fired, with weights; no letter text.
    pub reasons: Vec<Reason>,
}

/// What a reason is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReasonKind {
    DocumentType,
    Unit,
    Urgent,
    LeaderReview,
    Title,
    DocumentDate,
    StampedDate,
    Sender,
    PersonId,
    Quality,
}

impl ReasonKind {
    /// Norwegian heading for `--explain` and the board.
    pub fn label_nb(self) -> &'static str {
        match self {
            ReasonKind::DocumentType => "dokumenttype",
            ReasonKind::Unit => "enhet",
            ReasonKind::Urgent => "hastesak",
            ReasonKind::LeaderReview => "ledergjennomgang",
            ReasonKind::Title => "emne",
            ReasonKind::DocumentDate => "brevdato",
            ReasonKind::StampedDate => "mottaksstempel",
            ReasonKind::Sender => "avsender",
            ReasonKind::PersonId => "personnummer",
            ReasonKind::Quality => "kvalitet",
        }
    }
}

/// One reason behind a decision: a rule from the config that fired (its
/// Norwegian label), what it pointed at, and its weight.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Reason {
    pub kind: ReasonKind,
    /// The value the rule pointed at ("soknad_bpa", "omsorg", …).
    pub target: String,
    pub label: String,
    pub weight: f32,
}

/// The rule-based classifier. Cheap to share (`Send + Sync`); a clone is
/// cheap too and starts with empty regex match caches (the daemon swaps one
/// in at rest, `ingest::engines`).
#[derive(Debug, Clone)]
pub struct Classifier {
    /// Compiled rules; `rules.file` holds the `[classify]` overrides.
    rules: rules::Rules,
    taxonomy: Arc<Taxonomy>,
}

impl Classifier {
    /// Loads the rules (embedded default, or the file named in the config —
    /// resolved against the current directory; prefer [`Self::from_config`])
    /// and validates them.
    pub fn new(config: &ClassifyConfig) -> Result<Classifier, RulesError> {
        // The section's own values are held to the same check as in the
        // config's validation pass (tests and tools build sections directly).
        if let Some(issue) = Issues::of(|i| config.validate(i)).into_iter().next() {
            return Err(RulesError::Invalid {
                origin: "[classify]".into(),
                message: issue.to_string(),
            });
        }
        let rules = load::load_rules(config)?;
        let taxonomy = Arc::new(Taxonomy::from_rules(&rules.file));
        Ok(Classifier { rules, taxonomy })
    }

    /// Like [`Self::new`], and every unit the rules name must be one of
    /// `units` (the configured `[[units]]`; none configured: not compared).
    pub fn for_units(config: &ClassifyConfig, units: &[UnitId]) -> Result<Classifier, RulesError> {
        let classifier = Self::new(config)?;
        if units.is_empty() {
            return Ok(classifier);
        }
        match classifier.rules.units.iter().find(|u| !units.contains(u)) {
            Some(missing) => Err(RulesError::Invalid {
                origin: load::origin(config),
                message: format!("enheten «{missing}» finnes ikke i [[units]]"),
            }),
            None => Ok(classifier),
        }
    }

    /// Like [`Self::for_units`], with the rules path resolved against the
    /// config file's folder and the config's own `[[units]]`.
    pub fn from_config(config: &crate::config::Config) -> Result<Classifier, RulesError> {
        let units: Vec<UnitId> = config.raw.units.iter().map(|u| u.id.clone()).collect();
        Self::for_units(&resolved_section(config), &units)
    }

    /// The document types these rules decide among.
    pub fn taxonomy(&self) -> &Arc<Taxonomy> {
        &self.taxonomy
    }

    /// Norwegian label of a document type ("Søknad om brukerstyrt personlig
    /// assistanse (BPA)"), if known.
    pub fn type_label(&self, id: &str) -> Option<&str> {
        self.taxonomy.get(id).map(|t| t.label.as_str())
    }

    /// What the urgency model counts of a letter's moments, as
    /// [`Self::classify`] counts them: for training the urgency table on
    /// letters read the same way.
    pub fn urgency_moments(&self, input: &ClassifyInput<'_>) -> std::collections::BTreeSet<String> {
        let letter = decide::Letter::read(input.extraction);
        let dates = decide::letter_dates(input, &letter);
        self.moments(&letter, &dates)
    }

    /// Classifies one extracted document. Pure; cannot fail. Each step adds
    /// the reasons for its decision, in the order `--explain` shows them.
    pub fn classify(&self, input: &ClassifyInput<'_>) -> Classification {
        let letter = decide::Letter::read(input.extraction);
        let mut reasons = Vec::new();
        let decision = self.decide_type(&letter, &mut reasons);
        let unit = self.decide_unit(input, &decision.document_type, &letter, &mut reasons);
        // The dates first: urgency reads a deadline against the letter's
        // and the received stamp's.
        let dates = decide::letter_dates(input, &letter);
        let document_date = dates.document;
        reasons.extend(dates.document_reason());
        let urgent = self.decide_urgent(&letter, &dates, &mut reasons);
        let leader_review = self.decide_leader_review(&decision.document_type, &mut reasons);
        let (title, title_derived) =
            self.decide_title(&letter, &decision.document_type, &mut reasons);
        let person_ids = decide::person_ids(&letter, &mut reasons);
        let (stamped_date, stamp_unreadable) = (dates.stamped, dates.stamp_unreadable);
        reasons.extend(dates.stamp_reason());
        let (sender, sender_person) = self.decide_sender(&letter, &mut reasons);
        let quality_flags = self.quality_flags(input, &letter, stamp_unreadable, &mut reasons);
        Classification {
            document_type: decision.document_type,
            unit,
            urgent,
            leader_review,
            title,
            title_derived,
            person_ids,
            document_date,
            stamped_date,
            sender,
            sender_person,
            quality_flags,
            confidence: decision.confidence,
            suggestion: decision.suggestion,
            reasons,
        }
    }
}

/// The `[classify]` section of a loaded config, its rules path resolved
/// against the config file's folder. (Here, not in `config.rs`: the section
/// type stays free of `crate::config`, so `config` can assemble it.)
fn resolved_section(config: &crate::config::Config) -> ClassifyConfig {
    let mut section = config.raw.classify.clone();
    section.rules = section.rules.map(|p| config.resolve(&p));
    section
}
