//! Classify: from extracted text to the facts the morning meeting needs
//! (document type, unit, urgency, leader review, title, person IDs, dates,
//! sender, quality flags), each decision with its reasons.
//!
//! Layout: `rules` (weighted TOML rules → scores; `config/rules.toml` is the
//! embedded default) and `validate` (its checks), `normalize` (OCR-tolerant
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

mod dates;
mod explain;
mod model;
mod normalize;
mod person_id;
mod quality;
mod rules;
mod sender;
mod stamp;
#[cfg(test)]
mod tests;
mod title;
mod validate;

use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::extract::Extraction;
use crate::item::{QualityFlag, Source, UnitId};

pub use dates::{document_date, stamped_date};
pub use explain::{explain_nb, PersonIdField, ProcessFields};
pub use model::TypeModel;
pub use normalize::fold;
pub use person_id::{
    checksum_valid, find_org_numbers, find_person_ids, org_number_valid, PersonId, PersonIdKind,
};
pub use rules::{RulesError, FALLBACK_TYPE};
pub use stamp::{has_stamp_word, parse_stamp_date, plausible as stamp_date_plausible};

/// The default rules, shipped in the binary; `[classify] rules` replaces them.
pub const DEFAULT_RULES_TOML: &str = include_str!("../../config/rules.toml");

/// The `[classify]` section of the config file. Everything is optional.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ClassifyConfig {
    /// A rules file replacing the embedded `config/rules.toml`. Relative
    /// paths resolve against the config file's folder (see
    /// [`Classifier::from_config`]).
    pub rules: Option<PathBuf>,
    /// Overrides the rules file's confidence threshold (0–1).
    pub threshold: Option<f32>,
    /// Overrides which document types need a leader's review.
    pub leader_review: Option<Vec<String>>,
}

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

/// The rule-based classifier. Cheap to share (`Send + Sync`).
#[derive(Debug)]
pub struct Classifier {
    rules: rules::Rules,
    leader_review: Vec<String>,
}

impl Classifier {
    /// Loads the rules (embedded default, or the file named in the config —
    /// resolved against the current directory; prefer [`Self::from_config`])
    /// and validates them.
    pub fn new(config: &ClassifyConfig) -> Result<Classifier, RulesError> {
        let mut rules = match &config.rules {
            None => rules::Rules::from_toml(DEFAULT_RULES_TOML, "config/rules.toml (innebygd)")?,
            Some(path) => {
                let text = std::fs::read_to_string(path).map_err(|source| RulesError::Read {
                    path: path.clone(),
                    source,
                })?;
                rules::Rules::from_toml(&text, &path.display().to_string())?
            }
        };
        if let Some(t) = config.threshold {
            if !(0.0..=1.0).contains(&t) {
                return Err(RulesError::Invalid {
                    origin: "[classify]".into(),
                    message: format!("threshold må være mellom 0 og 1, er {t}"),
                });
            }
            rules.file.threshold = t;
        }
        let leader_review = config
            .leader_review
            .clone()
            .unwrap_or_else(|| rules.file.leader_review.clone());
        if let Some(unknown) = leader_review.iter().find(|t| rules.type_label(t).is_none()) {
            return Err(RulesError::Invalid {
                origin: "[classify]".into(),
                message: format!("leader_review viser til ukjent dokumenttype «{unknown}»"),
            });
        }
        Ok(Classifier {
            rules,
            leader_review,
        })
    }

    /// Like [`Self::new`], with the rules path resolved against the config
    /// file's folder and every unit the rules name checked against the
    /// configured units.
    pub fn from_config(config: &crate::config::Config) -> Result<Classifier, RulesError> {
        let mut section = config.raw.classify.clone();
        section.rules = section.rules.map(|p| config.resolve(&p));
        let classifier = Self::new(&section)?;
        let configured: Vec<&UnitId> = config.raw.units.iter().map(|u| &u.id).collect();
        if !configured.is_empty() {
            if let Some(missing) = classifier
                .rules
                .units
                .iter()
                .find(|u| !configured.contains(u))
            {
                return Err(RulesError::Invalid {
                    origin: section
                        .rules
                        .as_deref()
                        .map_or("config/rules.toml (innebygd)".into(), |p: &Path| {
                            p.display().to_string()
                        }),
                    message: format!("enheten «{missing}» finnes ikke i [[units]]"),
                });
            }
        }
        Ok(classifier)
    }

    /// Norwegian label of a document type ("Søknad om BPA"), if known.
    pub fn type_label(&self, id: &str) -> Option<&str> {
        self.rules.type_label(id)
    }

    /// Classifies one extracted document. Pure; cannot fail.
    pub fn classify(&self, input: &ClassifyInput<'_>) -> Classification {
        let text = input.extraction.text();
        let folded = fold(&text);
        let subject = title::subject_line(&text);
        let folded_subject = subject.as_deref().map(fold).unwrap_or_default();
        let mut reasons = Vec::new();

        let decision = self.rules.score_types(&folded, &folded_subject);
        reasons.extend(decision.fired.iter().map(|f| Reason {
            kind: ReasonKind::DocumentType,
            target: f.target.clone(),
            label: f.label.clone(),
            weight: f.weight,
        }));

        let unit = self.decide_unit(
            input,
            &decision.document_type,
            &folded,
            &folded_subject,
            &mut reasons,
        );

        let urgent_fired = self.rules.urgent_cues(&folded);
        let urgent_score: f32 = urgent_fired.iter().map(|f| f.weight).sum();
        let urgent = urgent_score >= self.rules.file.urgent.threshold;
        reasons.extend(urgent_fired.into_iter().map(|f| Reason {
            kind: ReasonKind::Urgent,
            target: f.target,
            label: f.label,
            weight: f.weight,
        }));

        let leader_review = self.leader_review.contains(&decision.document_type);
        if leader_review {
            reasons.push(Reason {
                kind: ReasonKind::LeaderReview,
                target: decision.document_type.clone(),
                label: "dokumenttypen skal gjennom leder".into(),
                weight: 1.0,
            });
        }

        let type_label = self
            .rules
            .type_label(&decision.document_type)
            .unwrap_or(FALLBACK_TYPE);
        let mut title_derived = false;
        let title = match subject.as_deref().and_then(title::clean_title) {
            Some(t) => {
                reasons.push(reason(
                    ReasonKind::Title,
                    "emnelinje",
                    "fra brevets emnelinje",
                ));
                t
            }
            // A queue of GP letters all titled "Helseopplysninger" says
            // nothing: say what the letter asks for, marked as derived.
            None => match title::derived_title(&text) {
                Some(t) => {
                    title_derived = true;
                    reasons.push(reason(
                        ReasonKind::Title,
                        "utledet",
                        "ingen emnelinje; utledet fra hva brevet ber om",
                    ));
                    t
                }
                None => {
                    reasons.push(reason(
                        ReasonKind::Title,
                        "dokumenttype",
                        "ingen emnelinje; dokumenttypens navn",
                    ));
                    type_label.to_owned()
                }
            },
        };

        let person_ids = find_person_ids(&text);
        for id in &person_ids {
            reasons.push(reason(
                ReasonKind::PersonId,
                id.kind.as_str(),
                &format!("{} med gyldige kontrollsifre", id.kind.label_nb()),
            ));
        }
        let document_date = document_date(&text);
        if document_date.is_some() {
            reasons.push(reason(
                ReasonKind::DocumentDate,
                "brevdato",
                "dato i brevhodet eller ved stedsnavn",
            ));
        }
        let (stamped_date, stamp_unreadable) = stamp_date(input, &text, document_date);
        if stamped_date.is_some() {
            reasons.push(reason(
                ReasonKind::StampedDate,
                "stempel",
                "dato i mottaksstempel",
            ));
        }
        let sender = sender::sender(&self.rules, &text);
        if sender.is_some() {
            // The target names the kind of evidence, not the letterhead line.
            reasons.push(reason(
                ReasonKind::Sender,
                "avsender",
                "kjent avsender eller org.nr. i brevhode eller signatur",
            ));
        }
        let sender_person = if sender.is_none() {
            sender::person_sender(&text)
        } else {
            None
        };
        if sender_person.is_some() {
            reasons.push(reason(
                ReasonKind::Sender,
                "privatperson",
                "navn i «Fra:»-linjen eller under hilsenen",
            ));
        }
        let mut quality_flags = quality::flags(input.extraction, &folded, &self.rules.file.quality);
        if stamp_unreadable {
            quality_flags.push(QualityFlag::StampUnreadable);
        }
        for flag in &quality_flags {
            reasons.push(reason(ReasonKind::Quality, flag.as_str(), flag.label_nb()));
        }

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

    /// Scans keep their folder's unit; digital post goes by the type's fixed
    /// unit, else by the unit rules, else the default unit (§7).
    fn decide_unit(
        &self,
        input: &ClassifyInput<'_>,
        document_type: &str,
        folded: &str,
        folded_subject: &str,
        reasons: &mut Vec<Reason>,
    ) -> UnitId {
        if let (Source::Scan, Some(unit)) = (input.source, input.folder_unit) {
            reasons.push(reason(
                ReasonKind::Unit,
                unit.as_str(),
                "skannet i enhetens mappe",
            ));
            return unit.clone();
        }
        // The default unit is the first unit the rules name (validated).
        let default = || self.rules.units[0].clone();
        // "Att.: Tildelingskontoret": the sender named the unit; that beats
        // the type's unit and every topic word.
        if let Some(att) = self.rules.addressed_unit(folded) {
            if let Ok(unit) = UnitId::new(&att.target) {
                reasons.push(Reason {
                    kind: ReasonKind::Unit,
                    target: att.target,
                    label: att.label,
                    weight: att.weight,
                });
                return unit;
            }
        }
        let (best, fired) = self.rules.score_units(folded, folded_subject);
        let type_def = self.rules.type_def(document_type);
        if let Some(fixed) = type_def.and_then(|t| t.unit.as_deref()) {
            let by_content = best
                .as_deref()
                .filter(|u| type_def.is_some_and(|t| t.content_units.iter().any(|c| c == u)));
            if let Some(unit) = by_content {
                reasons.extend(unit_reasons(fired, unit));
                return UnitId::new(unit).unwrap_or_else(|_| default());
            }
            reasons.push(reason(
                ReasonKind::Unit,
                fixed,
                "dokumenttypen behandles av denne enheten",
            ));
            return UnitId::new(fixed).unwrap_or_else(|_| default());
        }
        match best {
            Some(unit) => {
                reasons.extend(unit_reasons(fired, &unit));
                UnitId::new(&unit).unwrap_or_else(|_| default())
            }
            None => {
                reasons.push(reason(
                    ReasonKind::Unit,
                    self.rules.units[0].as_str(),
                    "ingen enhet pekte seg ut; tildelingskontoret",
                ));
                default()
            }
        }
    }
}

/// The received stamp's date, and whether a stamp was found whose date
/// could not be read. The extractor's reading of the stamp region comes
/// first; running text (a text layer, or a stamp the extractor did not
/// isolate) is the fallback. Either way the date must be plausible for the
/// day the file arrived and the letter's own date.
fn stamp_date(
    input: &ClassifyInput<'_>,
    text: &str,
    document_date: Option<NaiveDate>,
) -> (Option<NaiveDate>, bool) {
    let ok = |d: NaiveDate| stamp::plausible(d, input.received_on, document_date);
    let reading = input
        .extraction
        .pages
        .iter()
        .find_map(|p| p.stamp.as_deref());
    let from_region = reading.and_then(|r| stamp::parse_keyed_stamp_date_where(r, ok));
    let from_text = || {
        stamp::stamp_dates_in_text(text)
            .into_iter()
            .find(|d| ok(*d))
    };
    let date = from_region.or_else(from_text);
    (date, reading.is_some() && date.is_none())
}

/// The unit rules that pointed at the chosen unit.
fn unit_reasons(fired: Vec<rules::Fired>, unit: &str) -> impl Iterator<Item = Reason> + '_ {
    fired
        .into_iter()
        .filter(move |f| f.target == unit)
        .map(|f| Reason {
            kind: ReasonKind::Unit,
            target: f.target,
            label: f.label,
            weight: f.weight,
        })
}

fn reason(kind: ReasonKind, target: &str, label: &str) -> Reason {
    Reason {
        kind,
        target: target.to_owned(),
        label: label.to_owned(),
        weight: 1.0,
    }
}
