//! The type decision: the rules' scores and the linear model's
//! (`linear.rs`) added per type, and the abstain rule that turns a guess
//! into `annet`. The model's margins count `model_weight` each, so wording
//! no rule names still counts, and a rule that fires still outweighs the
//! model where the rules file says so. A type neither its rules nor the
//! model clearly support becomes `annet` (`abstain_*` in the rules file):
//! a person reads "annet", while a wrong type sends the letter down the
//! wrong routine. The unit of digital post is fused likewise
//! (`unit_model_weight`), but the unit model only adds support.

use std::collections::BTreeMap;

use super::features::Folded;
use super::rules::{Fired, Rules, TypeDecision, FALLBACK_TYPE};

/// What a reason for the model's view says to staff.
const MODEL_LABEL: &str = "ligner på merkede brev av denne typen (statistisk modell)";

/// What a reason for the unit model's view says to staff.
pub(super) const UNIT_MODEL_LABEL: &str =
    "ligner på merket post til denne enheten (statistisk modell)";

/// What the reason for abstaining says to staff.
const ABSTAIN_LABEL: &str =
    "for lite grunnlag: få regler for typen, og modellen er ikke sikker nok";

impl Rules {
    /// The type decision with the model's scores (`model_weight` times
    /// each type's margin) added to the rule scores (`own`: each type's
    /// fired weights), or `None` when there is no model or the letter is
    /// too short for it. Confidence is the fused scores' softmax share of
    /// the top type.
    pub(super) fn fused(
        &self,
        letter: &Folded,
        own: &BTreeMap<&str, f32>,
        fired: &[Fired],
    ) -> Option<TypeDecision> {
        let scores = self.model.as_ref()?.scores(letter)?;
        let weight = f64::from(self.file.model_weight);
        let totals: Vec<(&str, f64)> = scores
            .iter()
            .map(|&(class, score)| {
                let rules = own.get(class).copied().map_or(0.0, f64::from);
                (class, rules + weight * score)
            })
            .collect();
        let max = totals.iter().map(|t| t.1).fold(f64::NEG_INFINITY, f64::max);
        let z: f64 = totals.iter().map(|t| (t.1 - max).exp()).sum();
        let (top, top_total) = *totals.iter().max_by(|a, b| a.1.total_cmp(&b.1))?;
        let confidence = ((top_total - max).exp() / z) as f32;
        let mut by_model = scores.clone();
        by_model.sort_by(|a, b| b.1.total_cmp(&a.1));
        let mut fired = fired.to_vec();
        let mut lead_for_top = 0.0;
        if let [(best, s1), (_, s2), ..] = by_model.as_slice() {
            let lead = weight * (s1 - s2);
            if *best == top {
                lead_for_top = lead;
            }
            fired.push(Fired {
                target: (*best).to_owned(),
                label: MODEL_LABEL.to_owned(),
                weight: ((lead * 10.0).round() / 10.0) as f32,
            });
        }
        // A type with (almost) no rule of its own, which the model does not
        // clearly favour either, is a guess: a person reads "annet", while a
        // wrong type sends the letter down the wrong routine.
        let evidence: f32 = fired
            .iter()
            .filter(|f| f.target == top && f.weight > 0.0 && f.label != MODEL_LABEL)
            .map(|f| f.weight)
            .sum();
        let supported = evidence >= self.file.abstain_rule_evidence
            || lead_for_top >= f64::from(self.file.abstain_model_lead);
        if !supported && top != FALLBACK_TYPE {
            fired.push(Fired {
                target: FALLBACK_TYPE.to_owned(),
                label: ABSTAIN_LABEL.to_owned(),
                weight: 0.0,
            });
        }
        let confident = confidence >= self.file.threshold && top != FALLBACK_TYPE && supported;
        Some(TypeDecision {
            document_type: if confident { top } else { FALLBACK_TYPE }.to_owned(),
            confidence,
            suggestion: (!confident && top != FALLBACK_TYPE).then(|| top.to_owned()),
            fired,
        })
    }

    /// The unit model's view, as fired rules the unit rules' scores add
    /// up: for each unit it favours (above 0), its margin times
    /// `unit_model_weight`, with the reason staff read. Not for the default
    /// unit, where letters go when no unit is supported: its support would
    /// outvote a service the letter names. A negative margin takes nothing
    /// away. Nothing without a unit model or for a letter too short for it
    /// (`config/rules.toml` has the measurements).
    pub(super) fn unit_model_fired(&self, letter: &Folded) -> Vec<Fired> {
        let Some(margins) = self.unit_model.as_ref().and_then(|m| m.scores(letter)) else {
            return Vec::new();
        };
        let default = self.file.default_unit.as_str();
        margins
            .into_iter()
            .filter(|&(unit, margin)| unit != default && margin > 0.0)
            .map(|(unit, margin)| Fired {
                target: unit.to_owned(),
                label: UNIT_MODEL_LABEL.to_owned(),
                weight: self.file.unit_model_weight * margin as f32,
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::classify::linear::toy::{filler, two_types};

    /// A folded letter without a subject line.
    fn plain(folded: &str) -> Folded {
        Folded::new(folded.to_owned(), String::new())
    }

    /// The rules text with the top-level `key = …` line set to `value`.
    fn set(text: &str, key: &str, value: &str) -> String {
        let prefix = format!("{key} =");
        let lines: Vec<String> = text
            .lines()
            .map(|l| {
                if l.starts_with(&prefix) {
                    format!("{key} = {value}")
                } else {
                    l.to_owned()
                }
            })
            .collect();
        assert!(lines.iter().any(|l| l.starts_with(&prefix)), "{key}");
        lines.join("\n")
    }

    #[test]
    fn the_model_speaks_only_when_asked_and_the_letter_is_long_enough() {
        let rules_text = super::super::DEFAULT_RULES_TOML;
        let letter = "Hei. Jeg skriver til dere fordi min mor har det vanskelig hjemme. \
            Hun bor alene og har ikke noen som kan hjelpe henne med mat og medisiner. \
            Vi har snakket med fastlegen om dette, og han mener at hun trenger mer \
            oppfølging fra kommunen enn hun får i dag. Kan dere ta kontakt med meg? \
            Med vennlig hilsen datteren";
        let folded = super::super::fold(letter);
        let with = Rules::from_toml(rules_text, "test").unwrap();
        let decision = with.score_types(&plain(&folded), &[]);
        assert!(decision.fired.iter().any(|f| f.label == MODEL_LABEL));
        assert!((0.0..=1.0).contains(&decision.confidence));
        let short = with.score_types(&plain(&super::super::fold("Søknad om BPA")), &[]);
        assert!(short.fired.iter().all(|f| f.label != MODEL_LABEL));
        let own = set(rules_text, "model_weight", "0");
        let without = Rules::from_toml(&own, "test").unwrap();
        let decision = without.score_types(&plain(&folded), &[]);
        assert!(decision.fired.iter().all(|f| f.label != MODEL_LABEL));
        let bad = set(rules_text, "model_weight", "-1");
        assert!(Rules::from_toml(&bad, "test").is_err());
    }

    #[test]
    fn a_type_without_its_own_rules_needs_a_clear_lead_from_the_model() {
        let common = filler(30);
        let a = format!("{common} uenig vedtaket klagen ny vurdering");
        let b = format!("{common} epikrise diagnose innlagt utskrevet sengepost");
        let toy = two_types(&a, "klage", &b, "helseopplysninger");
        // The toy's margins are on its own scale, not the shipped table's:
        // the weight is pinned so the lead below stays weak.
        let rules_text = &set(super::super::DEFAULT_RULES_TOML, "model_weight", "30");
        let with_model = |text: &str| {
            let mut rules = Rules::from_toml(text, "test").unwrap();
            rules.model = Some(toy.clone());
            rules
        };
        // One word for the type and no rule: a guess, so «annet» with the
        // type as a suggestion and the reason said.
        let weak = format!("{common} uenig");
        let d = with_model(rules_text).score_types(&plain(&weak), &[]);
        assert_eq!(d.document_type, FALLBACK_TYPE);
        assert_eq!(d.suggestion.as_deref(), Some("klage"));
        assert!(d.fired.iter().any(|f| f.label == ABSTAIN_LABEL));
        // Five: the model leads clearly enough on its own.
        let d = with_model(rules_text).score_types(&plain(&a), &[]);
        assert_eq!(d.document_type, "klage");
        // Without the abstain settings the weak lead was enough.
        let never = set(
            &set(rules_text, "abstain_rule_evidence", "0"),
            "abstain_model_lead",
            "0",
        );
        assert_eq!(
            with_model(&never)
                .score_types(&plain(&weak), &[])
                .document_type,
            "klage"
        );
        let bad = set(rules_text, "abstain_model_lead", "-1");
        assert!(Rules::from_toml(&bad, "test").is_err());
    }
}
