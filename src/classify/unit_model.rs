//! A unit model beside the unit rules: the same naive Bayes as the type
//! model (`model.rs`), with units as classes, trained on the tuning letters
//! (`config/unit_model.tsv`, retrained and checked by
//! `tests/classify_labelled.rs` like the type table). Letters about
//! someone's drinking or mental illness that name no service, or a home
//! nursing client's post without the words a rule knows, still read like
//! the letters of their unit.
//!
//! It only speaks where the rules leave the unit open: no addressee, no
//! unit rule reaching `unit_min_score`, and then only for a unit the type
//! allows (its fixed unit's `content_units`, or any unit for a type without
//! one), when it leads its runner-up by `unit_model_lead` in log-odds.
//! Chosen by cross-validation (`cross_validation` prints the unit line).
//!
//! **Invariant:** the table holds word counts per unit, never letter text;
//! scoring cannot fail.

use super::model::TypeModel;
use super::rules::{invalid, Fired, Rules, RulesError, RulesFile};
use super::Classifier;
use crate::item::UnitId;

/// The embedded default table.
pub const DEFAULT_UNIT_MODEL_TSV: &str = include_str!("../../config/unit_model.tsv");

/// What a reason for the model's unit says to staff.
const UNIT_MODEL_LABEL: &str = "ligner på brev til denne enheten (statistisk modell)";

/// The embedded table when the rules file asks for it (`unit_model_lead`
/// above 0); every unit it knows must be one of the rules' `units`.
pub(super) fn load(
    file: &RulesFile,
    units: &[UnitId],
    origin: &str,
) -> Result<Option<TypeModel>, RulesError> {
    if file.unit_model_lead <= 0.0 {
        return Ok(None);
    }
    let model = TypeModel::from_tsv(DEFAULT_UNIT_MODEL_TSV).map_err(|e| invalid(origin, e))?;
    if let Some(unknown) = model
        .classes()
        .find(|c| !units.iter().any(|u| u.as_str() == *c))
    {
        return Err(invalid(
            origin,
            format!(
                "unit_model_lead: enhetsmodellen kjenner enheten «{unknown}», som reglene ikke har"
            ),
        ));
    }
    Ok(Some(model))
}

impl Classifier {
    /// The same rules with another unit table (cross-validation retrains
    /// it per fold; `unit_model_lead` 0 still leaves it out).
    pub fn with_unit_model(&self, model: TypeModel) -> Classifier {
        let mut classifier = self.clone();
        if classifier.rules.file.unit_model_lead > 0.0 {
            classifier.rules.unit_model = Some(model);
        }
        classifier
    }
}

impl Rules {
    /// The unit model's unit for a letter the rules leave open, among
    /// `allowed` (every unit when empty), when it leads clearly enough.
    pub(super) fn unit_by_model(
        &self,
        folded: &str,
        folded_subject: &str,
        allowed: &[String],
    ) -> Option<Fired> {
        let model = self.unit_model.as_ref()?;
        let mut p = model.posteriors(folded, folded_subject)?;
        p.sort_by(|a, b| b.1.total_cmp(&a.1));
        let (top, top_p) = *p.first()?;
        let runner_up = p.get(1).map_or(f64::MIN_POSITIVE, |r| r.1);
        let lead = (top_p.max(1e-300) / runner_up.max(1e-300)).ln();
        let ok = allowed.is_empty() || allowed.iter().any(|a| a == top);
        (ok && lead >= f64::from(self.file.unit_model_lead)).then(|| Fired {
            target: top.to_owned(),
            label: UNIT_MODEL_LABEL.to_owned(),
            weight: 1.0,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::super::{fold, rules::Rules, DEFAULT_RULES_TOML};
    use super::*;

    #[test]
    fn the_shipped_unit_table_reads_and_names_the_rules_units() {
        let model = TypeModel::from_tsv(DEFAULT_UNIT_MODEL_TSV).unwrap();
        let rules = Rules::from_toml(DEFAULT_RULES_TOML, "test").unwrap();
        for unit in model.classes() {
            assert!(rules.units.iter().any(|u| u.as_str() == unit), "{unit}");
        }
    }

    #[test]
    fn the_unit_model_speaks_only_when_asked_for_an_allowed_unit_and_a_long_letter() {
        let shipped = Rules::from_toml(DEFAULT_RULES_TOML, "test").unwrap();
        let on = DEFAULT_RULES_TOML.replace("unit_model_lead = 0.0", "unit_model_lead = 2.0");
        let rules = Rules::from_toml(&on, "test").unwrap();
        let letter = fold(
            "Eg veit ikkje kven eg skal skrive til. Mannen min drikk kvar kveld og \
             har spelt vekk pengane våre. Han seier han vil ha hjelp, men han får \
             seg ikkje til å ringe nokon. Vi har to små born og eg er redd for \
             korleis dette skal gå. Han har vore langt nede i lang tid, søv dårleg \
             og et nesten ikkje. Kan nokon frå kommunen ta kontakt med han eller \
             med meg? Han veit at eg skriv dette til dykk.",
        );
        let unit = rules.unit_by_model(&letter, "", &[]).map(|f| f.target);
        assert_eq!(unit.as_deref(), Some("rus-psykisk-helse"));
        // Off in the shipped rules (see `unit_model_lead` there).
        assert!(shipped.unit_by_model(&letter, "", &[]).is_none());
        let only_mta = ["mta".to_owned()];
        assert!(rules.unit_by_model(&letter, "", &only_mta).is_none());
        assert!(rules
            .unit_by_model(&fold("Mannen min drikk."), "", &[])
            .is_none());
    }
}
