//! Weighted rules from TOML (`config/rules.toml`, or a file named in
//! `[classify] rules`): the file's format, parsing and compilation to
//! regexes (after `validate`). Scoring a letter with them is `score.rs`.
//!
//! **Invariant:** validated once at start; scoring cannot fail.

use std::sync::{Arc, OnceLock};

use regex::Regex;
use serde::Deserialize;

use super::linear::{
    LinearModel, CALM_CLASS, DEFAULT_MODEL_TSV, DEFAULT_UNIT_MODEL_TSV, DEFAULT_URGENT_MODEL_TSV,
    URGENT_CLASS,
};
use super::normalize::{
    fold, inflected_phrase_pattern, phrase_pattern, phrase_pattern_with_subject,
    phrase_then_pattern,
};
use super::urgent::NearNeed;
pub use super::urgent::UrgentDef;
use crate::item::UnitId;

/// The document type used when no type is confident enough.
pub const FALLBACK_TYPE: &str = "annet";

/// A rules file could not be used. Messages are for the administrator, in
/// Norwegian, and name the file and the rule.
#[derive(Debug, thiserror::Error)]
pub enum RulesError {
    #[error("kan ikke lese regelfilen {path}: {source}")]
    Read {
        path: std::path::PathBuf,
        source: std::io::Error,
    },
    #[error("regelfilen {origin} er ikke gyldig TOML: {message}")]
    Parse { origin: String, message: String },
    #[error("regelfilen {origin}: {message}")]
    Invalid { origin: String, message: String },
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RulesFile {
    pub threshold: f32,
    pub saturation: f32,
    pub subject_multiplier: f32,
    pub default_unit: String,
    /// A digital letter goes to a unit only when its unit rules reach this.
    pub unit_min_score: f32,
    pub leader_review: Vec<String>,
    /// How much the type model (`linear.rs`) counts beside the rules: its
    /// margin for each type times this is added to the type's score. 0 (the
    /// default for a rules file of one's own) leaves the rules alone.
    #[serde(default)]
    pub model_weight: f32,
    /// A type must have this much weight of its own rules that fired …
    #[serde(default)]
    pub abstain_rule_evidence: f32,
    /// … or the model must lead for it by this much (`model_weight` times
    /// its margin over the runner-up's); else the letter is `annet` with
    /// the type as a suggestion. 0 and 0 (the default): never abstain so.
    #[serde(default)]
    pub abstain_model_lead: f32,
    /// How much the unit model counts beside the unit rules for digital
    /// post: its margin for each unit it favours, but the default unit,
    /// times this is added to the unit's score (`fuse.rs`). 0 (the default
    /// for a rules file of one's own) leaves the unit rules alone.
    #[serde(default)]
    pub unit_model_weight: f32,
    /// A type's own unit yields to the unit its content points to when the
    /// unit model's margin for that unit reaches this (absent: never; the
    /// type's `content_units` always may).
    #[serde(default)]
    pub type_unit_yields_at: Option<f32>,
    pub quality: QualityLimits,
    pub types: Vec<TypeDef>,
    #[serde(default)]
    pub rules: Vec<TypeRule>,
    #[serde(default)]
    pub unit_rules: Vec<UnitRule>,
    pub urgent: UrgentDef,
    #[serde(default)]
    pub senders: Vec<SenderDef>,
    /// Units an "Att.:" line may name (digital post).
    #[serde(default)]
    pub addressees: Vec<AddresseeDef>,
    /// Who heads or signs the letter, as evidence for a type.
    #[serde(default)]
    pub writer_roles: Vec<TypeRule>,
    /// The shape of the whole letter, as evidence for a type.
    #[serde(default)]
    pub shape_rules: Vec<ShapeRule>,
}

/// Evidence for a type from the letter's shape (`shape.rs`), not from
/// one phrase.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ShapeRule {
    pub shape: super::shape::TypeShape,
    #[serde(rename = "type")]
    pub type_id: String,
    pub weight: f32,
    pub label: String,
}

/// A unit as a sender addresses it on an "Att.:" line.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AddresseeDef {
    pub unit: String,
    pub phrases: Vec<String>,
    pub label: String,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct QualityLimits {
    pub min_ocr_confidence: f32,
    pub max_skew_degrees: f32,
    pub min_dpi: f32,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TypeDef {
    pub id: String,
    /// Norwegian label; also the title when the letter has no subject line.
    pub label: String,
    /// The board's and the mail's shorter name ("Søknad om BPA"); `label`
    /// when absent.
    pub short_label: Option<String>,
    /// What the routine does with the type (appeal mark, access request, …).
    pub routine: Option<super::taxonomy::Routine>,
    /// Digital post of this type goes to this unit …
    pub unit: Option<String>,
    /// … unless the unit rules point to one of these (an application for
    /// substance-use services goes to that unit, DESIGN.md §7).
    #[serde(default)]
    pub content_units: Vec<String>,
    /// A more specific kind of another type (BPA refines an application for
    /// services): when this type scores at all, the other type's evidence
    /// counts for it too, and the other type is not its rival.
    pub refines: Option<String>,
}

impl TypeDef {
    /// Whether this type's content may take it to `unit` instead of its
    /// own (`content_units`).
    pub fn content_may_go_to(&self, unit: &str) -> bool {
        self.content_units.iter().any(|u| u == unit)
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TypeRule {
    #[serde(rename = "type")]
    pub type_id: String,
    pub weight: f32,
    pub phrases: Vec<String>,
    pub label: String,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UnitRule {
    pub unit: String,
    pub weight: f32,
    pub phrases: Vec<String>,
    pub label: String,
    /// Fires only in a letter of this shape (`concern.rs`).
    #[serde(default)]
    pub when: Option<super::concern::UnitRuleWhen>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SenderDef {
    pub name: String,
    pub phrases: Vec<String>,
    /// A category rather than one organisation ("legekontor"): report the
    /// letterhead line that names it ("Moheia legekontor") instead of `name`.
    #[serde(default)]
    pub use_line: bool,
}

/// A rule that fired: what it pointed at, its label and effective weight.
#[derive(Debug, Clone, PartialEq)]
pub struct Fired {
    pub target: String,
    pub label: String,
    pub weight: f32,
}

/// The outcome of type scoring.
#[derive(Debug, Clone)]
pub struct TypeDecision {
    pub document_type: String,
    pub confidence: f32,
    pub suggestion: Option<String>,
    pub fired: Vec<Fired>,
}

/// Rules validated and compiled. A clone shares the compiled patterns and
/// starts with empty match caches (each regex value has its own pool).
#[derive(Debug, Clone)]
pub struct Rules {
    pub file: RulesFile,
    /// One pattern per (rule, phrase); `owner[i]` is the rule index. Each
    /// is tried on its own, not as a `RegexSet`: the phrases' Unicode word
    /// boundaries make a set fall back to the PikeVM over the whole letter
    /// on any "æøå" (measured: 43 % of the classifier's time), where one
    /// regex finds its literal first and checks only there.
    pub(super) type_patterns: Vec<LazyRegex>,
    pub(super) type_owner: Vec<usize>,
    pub(super) unit_patterns: Vec<LazyRegex>,
    pub(super) unit_owner: Vec<usize>,
    pub(super) urgent_cues: Vec<(usize, LazyRegex)>,
    pub(super) negated_phrases: Vec<LazyRegex>,
    /// `[urgent] later_phrases`: a cue in their sentence is put off.
    pub(super) later_phrases: Vec<LazyRegex>,
    /// `[urgent] case_phrases`: a cue in their sentence hurries the case.
    pub(super) case_phrases: Vec<LazyRegex>,
    /// `[urgent] conditions`: a cue after them in its clause may come,
    /// not is; `condition_openers` likewise where they open the clause.
    pub(super) conditions: Vec<LazyRegex>,
    pub(super) condition_openers: Vec<LazyRegex>,
    /// `[urgent] past_words`, folded as the letter is.
    pub(super) past_words: Vec<String>,
    /// `[urgent.near_need] not_soon_words`, folded as the letter is.
    pub(super) not_soon_words: Vec<String>,
    /// The need phrases of `[urgent.near_need]`.
    pub(super) near_need: Vec<LazyRegex>,
    /// The moments within days written as words (`soon_phrases`).
    pub(super) near_soon: Vec<LazyRegex>,
    /// The moments counted in days or hours (`count_leads`, …).
    pub(super) counted_moment: Option<super::urgent::CountedMoment>,
    pub(super) negation_words: Vec<String>,
    pub(super) senders: Vec<(usize, LazyRegex)>,
    pub units: Vec<UnitId>,
    /// (addressee index, pattern) for the addressee block (`addressee.rs`).
    pub(super) addressees: Vec<(usize, LazyRegex)>,
    /// (writer role index, pattern), searched in the letterhead and signature.
    pub(super) writer_roles: Vec<(usize, LazyRegex)>,
    /// The statistical model, when `model_weight` asks for it.
    pub(super) model: Option<LinearModel>,
    /// The urgency model, when `urgent.model_margin` or `model_alone_margin` asks for it.
    pub(super) urgent_model: Option<LinearModel>,
    /// The unit model, when `unit_model_weight` asks for it.
    pub(super) unit_model: Option<LinearModel>,
}

pub(super) fn invalid(origin: &str, message: String) -> RulesError {
    RulesError::Invalid {
        origin: origin.to_owned(),
        message,
    }
}

fn compile_phrases<'a>(
    origin: &str,
    what: &str,
    groups: impl Iterator<Item = &'a Vec<String>>,
) -> Result<(Vec<String>, Vec<usize>), RulesError> {
    compile_phrases_with(origin, what, groups, |_, p| phrase_pattern(p))
}

/// Each phrase of each group as `pattern` makes it from the group's index
/// and the phrase, with the group's index.
fn compile_phrases_with<'a>(
    origin: &str,
    what: &str,
    groups: impl Iterator<Item = &'a Vec<String>>,
    pattern: impl Fn(usize, &str) -> Option<String>,
) -> Result<(Vec<String>, Vec<usize>), RulesError> {
    let mut patterns = Vec::new();
    let mut owner = Vec::new();
    for (i, phrases) in groups.enumerate() {
        if phrases.is_empty() {
            return Err(invalid(
                origin,
                format!("{what} nr. {} har ingen fraser", i + 1),
            ));
        }
        for phrase in phrases {
            let pattern = pattern(i, phrase)
                .ok_or_else(|| invalid(origin, format!("{what} nr. {} har en tom frase", i + 1)))?;
            patterns.push(pattern);
            owner.push(i);
        }
    }
    Ok((patterns, owner))
}

/// Every pattern checked and kept to compile on first use.
fn lazy_all(origin: &str, patterns: Vec<String>) -> Result<Vec<LazyRegex>, RulesError> {
    patterns
        .into_iter()
        .map(|p| LazyRegex::new(origin, p))
        .collect()
}

/// Each phrase of each group compiled on its own, with its group's index.
fn compile_owned<'a>(
    origin: &str,
    what: &str,
    groups: impl Iterator<Item = &'a Vec<String>>,
) -> Result<Vec<(usize, LazyRegex)>, RulesError> {
    owned(origin, compile_phrases(origin, what, groups)?)
}

/// The patterns kept to compile on first use, each with its group's index.
fn owned(
    origin: &str,
    (patterns, owner): (Vec<String>, Vec<usize>),
) -> Result<Vec<(usize, LazyRegex)>, RulesError> {
    patterns
        .into_iter()
        .zip(owner)
        .map(|(p, o)| Ok((o, LazyRegex::new(origin, p)?)))
        .collect()
}

/// Each urgency cue's phrases compiled on their own, with the cue's index;
/// a cue with `followed_by` matches its phrase only with one of those
/// after it.
fn compile_urgent_cues(
    origin: &str,
    cues: &[super::urgent::UrgentCue],
) -> Result<Vec<(usize, LazyRegex)>, RulesError> {
    let pattern = |i: usize, phrase: &str| {
        let then = &cues[i].followed_by;
        if then.is_empty() {
            phrase_pattern(phrase)
        } else {
            phrase_then_pattern(phrase, then, super::urgent::FOLLOWED_WITHIN)
        }
    };
    let groups = cues.iter().map(|c| &c.phrases);
    let compiled = compile_phrases_with(origin, "hastesignal ([[urgent.cues]])", groups, pattern)?;
    owned(origin, compiled)
}

/// A plain list of phrases, each compiled on its own (empty ones skipped).
fn compile_list(origin: &str, phrases: &[String]) -> Result<Vec<LazyRegex>, RulesError> {
    compile_list_with(origin, phrases, phrase_pattern)
}

fn compile_list_with(
    origin: &str,
    phrases: &[String],
    pattern: impl Fn(&str) -> Option<String>,
) -> Result<Vec<LazyRegex>, RulesError> {
    phrases
        .iter()
        .filter_map(|p| pattern(p))
        .map(|p| LazyRegex::new(origin, p))
        .collect()
}

fn regex(origin: &str, pattern: &str) -> Result<Regex, RulesError> {
    Regex::new(pattern).map_err(|e| invalid(origin, format!("ugyldig frase: {e}")))
}

/// One phrase's regex, compiled when it is first needed. The rules hold
/// some 1 300 phrases, each a regex of about 10 kB compiled, and most
/// letters need a few dozen of them one by one (the sets find which
/// fired): compiled up front they were half of the daemon's memory right
/// after start (issue 14's ≤ 60 MB). The pattern is compiled once at load
/// to refuse a bad phrase then, as before; clones share what is compiled.
#[derive(Debug, Clone)]
pub(super) struct LazyRegex {
    pattern: Arc<str>,
    compiled: Arc<OnceLock<Regex>>,
}

impl LazyRegex {
    fn new(origin: &str, pattern: String) -> Result<LazyRegex, RulesError> {
        regex(origin, &pattern)?;
        Ok(LazyRegex {
            pattern: pattern.into(),
            compiled: Arc::default(),
        })
    }
}

impl std::ops::Deref for LazyRegex {
    type Target = Regex;

    fn deref(&self) -> &Regex {
        self.compiled.get_or_init(|| {
            // Compiled once already when the rules were loaded, so it
            // compiles again; the fallback (matches nothing) is unreachable.
            Regex::new(&self.pattern)
                .unwrap_or_else(|_| Regex::new(r"[^\s\S]").expect("static regex"))
        })
    }
}

impl Rules {
    /// Parses and validates a rules file; `origin` names it in errors.
    pub fn from_toml(text: &str, origin: &str) -> Result<Rules, RulesError> {
        Self::compile(Self::parse(text, origin)?, origin)
    }

    /// Parses a rules file without validating it.
    pub fn parse(text: &str, origin: &str) -> Result<RulesFile, RulesError> {
        toml::from_str(text).map_err(|e| RulesError::Parse {
            origin: origin.to_owned(),
            message: e.to_string(),
        })
    }

    fn compile(file: RulesFile, origin: &str) -> Result<Rules, RulesError> {
        super::validate::validate(&file, origin)?;
        let (patterns, type_owner) = compile_phrases_with(
            origin,
            "regel ([[rules]])",
            file.rules.iter().map(|r| &r.phrases),
            |_, p| inflected_phrase_pattern(p),
        )?;
        let type_patterns = lazy_all(origin, patterns)?;
        let (patterns, unit_owner) = compile_phrases(
            origin,
            "enhetsregel ([[unit_rules]])",
            file.unit_rules.iter().map(|r| &r.phrases),
        )?;
        let unit_patterns = lazy_all(origin, patterns)?;
        let urgent_cues = compile_urgent_cues(origin, &file.urgent.cues)?;
        let urgent = &file.urgent;
        let near = urgent.near_need.as_ref();
        let negated_phrases = compile_list(origin, &urgent.negated_phrases)?;
        let later_phrases = compile_list(origin, &urgent.later_phrases)?;
        let case_phrases = compile_list(origin, &urgent.case_phrases)?;
        let conditions = compile_list(origin, &urgent.conditions)?;
        let condition_openers = compile_list(origin, &urgent.condition_openers)?;
        let folded_words = |words: &[String]| -> Vec<String> {
            words.iter().map(|w| fold(w).trim().to_owned()).collect()
        };
        let past_words = folded_words(&urgent.past_words);
        let not_soon_words = near.map_or_else(Vec::new, |n| folded_words(&n.not_soon_words));
        let subjects = near.map_or(&[][..], |n| &n.subjects);
        let near_need = compile_list_with(
            origin,
            &near.map(NearNeed::phrases_both_orders).unwrap_or_default(),
            |p| phrase_pattern_with_subject(p, subjects),
        )?;
        let near_soon = compile_list(origin, near.map_or(&[][..], |n| &n.soon_phrases))?;
        let counted_moment = near
            .map(|n| super::urgent::CountedMoment::compile(origin, n))
            .transpose()?;
        let negation_words = file
            .urgent
            .negation_words
            .iter()
            .map(|w| super::normalize::fold(w).trim().to_owned())
            .collect();
        let senders = compile_owned(
            origin,
            "avsender ([[senders]])",
            file.senders.iter().map(|s| &s.phrases),
        )?;
        let addressees = compile_owned(
            origin,
            "adressat ([[addressees]])",
            file.addressees.iter().map(|a| &a.phrases),
        )?;
        let writer_roles = compile_owned(
            origin,
            "skriverrolle ([[writer_roles]])",
            file.writer_roles.iter().map(|r| &r.phrases),
        )?;
        let mut units = Vec::new();
        for id in std::iter::once(&file.default_unit)
            .chain(file.unit_rules.iter().map(|r| &r.unit))
            .chain(file.types.iter().filter_map(|t| t.unit.as_ref()))
            .chain(file.types.iter().flat_map(|t| &t.content_units))
            .chain(file.addressees.iter().map(|a| &a.unit))
        {
            let unit = UnitId::new(id)
                .map_err(|_| invalid(origin, format!("ugyldig enhets-id «{id}»")))?;
            if !units.contains(&unit) {
                units.push(unit);
            }
        }
        let model = if file.model_weight > 0.0 {
            let model = LinearModel::from_tsv(DEFAULT_MODEL_TSV).map_err(|e| invalid(origin, e))?;
            if let Some(unknown) = model
                .classes()
                .find(|c| !file.types.iter().any(|t| t.id == *c))
            {
                return Err(invalid(
                    origin,
                    format!("model_weight: modellen kjenner dokumenttypen «{unknown}», som reglene ikke har"),
                ));
            }
            Some(model)
        } else {
            None
        };
        let urgent_model = if file.urgent.uses_model() {
            let model =
                LinearModel::from_tsv(DEFAULT_URGENT_MODEL_TSV).map_err(|e| invalid(origin, e))?;
            let mut classes: Vec<&str> = model.classes().collect();
            classes.sort_unstable();
            if classes != [CALM_CLASS, URGENT_CLASS] {
                return Err(invalid(
                    origin,
                    "urgent.model_margin: hastemodellen må ha klassene «calm» og «urgent»".into(),
                ));
            }
            Some(model)
        } else {
            None
        };
        let unit_model = if file.unit_model_weight > 0.0 {
            let model =
                LinearModel::from_tsv(DEFAULT_UNIT_MODEL_TSV).map_err(|e| invalid(origin, e))?;
            if let Some(unknown) = model
                .classes()
                .find(|c| !units.iter().any(|u| u.as_str() == *c))
            {
                return Err(invalid(
                    origin,
                    format!("unit_model_weight: enhetsmodellen kjenner enheten «{unknown}», som reglene ikke har"),
                ));
            }
            Some(model)
        } else {
            None
        };
        Ok(Rules {
            file,
            model,
            urgent_model,
            unit_model,
            type_patterns,
            type_owner,
            unit_patterns,
            unit_owner,
            urgent_cues,
            negated_phrases,
            later_phrases,
            case_phrases,
            conditions,
            condition_openers,
            past_words,
            not_soon_words,
            near_need,
            near_soon,
            counted_moment,
            negation_words,
            senders,
            addressees,
            writer_roles,
            units,
        })
    }

    pub fn type_def(&self, id: &str) -> Option<&TypeDef> {
        self.file.types.iter().find(|t| t.id == id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    use super::super::DEFAULT_RULES_TOML as DEFAULT;

    #[test]
    fn the_shipped_rules_are_valid() {
        let rules = Rules::from_toml(DEFAULT, "config/rules.toml").unwrap();
        for t in [
            "soknad_tjenester",
            "soknad_bpa",
            "soknad_omsorgsstonad",
            "klage",
            "innsyn",
        ] {
            assert!(rules.type_def(t).is_some(), "{t}");
        }
        for t in ["helseopplysninger", "fullmakt", "endring", "annet"] {
            assert!(rules.type_def(t).is_some(), "{t}");
        }
    }
}
