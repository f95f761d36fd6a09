//! Validation of a rules file, with messages that name the file and the rule
//! in Norwegian (for the administrator). Run once when the classifier is
//! built, so scoring never meets a bad rule.

use super::rules::{invalid, RulesError, RulesFile, FALLBACK_TYPE};

pub(super) fn validate(file: &RulesFile, origin: &str) -> Result<(), RulesError> {
    let err = |m: String| Err(invalid(origin, m));
    if !(0.0..=1.0).contains(&file.threshold) {
        return err(format!(
            "threshold må være mellom 0 og 1, er {}",
            file.threshold
        ));
    }
    if file.saturation <= 0.0 || file.subject_multiplier < 1.0 {
        return err("saturation må være over 0 og subject_multiplier minst 1".into());
    }
    for (key, weight) in [
        ("model_weight", file.model_weight),
        ("unit_model_weight", file.unit_model_weight),
    ] {
        if !(0.0..=1000.0).contains(&weight) {
            return err(format!("{key} må være mellom 0 og 1000, er {weight}"));
        }
    }
    // A margin the unit model must reach: it only counts beside the model.
    if let Some(at) = file.type_unit_yields_at {
        if !(0.0..=10.0).contains(&at) || file.unit_model_weight <= 0.0 {
            return err(format!(
                "type_unit_yields_at må være mellom 0 og 10 og krever unit_model_weight over 0, er {at}"
            ));
        }
    }
    let mut ids: Vec<&str> = Vec::new();
    for t in &file.types {
        if t.id.is_empty() || !t.id.bytes().all(|b| b.is_ascii_lowercase() || b == b'_') {
            return err(format!(
                "dokumenttype «{}»: id kan bare ha små bokstaver a–z og _",
                t.id
            ));
        }
        if ids.contains(&t.id.as_str()) {
            return err(format!("dokumenttype «{}» er definert to ganger", t.id));
        }
        // The board and mail show these names and nothing else of the type.
        if t.label.trim().is_empty() || t.short_label.as_ref().is_some_and(|s| s.trim().is_empty())
        {
            return err(format!(
                "dokumenttype «{}»: label og short_label kan ikke være tomme",
                t.id
            ));
        }
        ids.push(&t.id);
    }
    for t in &file.types {
        if let Some(parent) = &t.refines {
            if !ids.contains(&parent.as_str()) || parent == &t.id {
                return err(format!(
                    "dokumenttype «{}»: refines viser til ukjent dokumenttype «{parent}»",
                    t.id
                ));
            }
        }
    }
    if !ids.contains(&FALLBACK_TYPE) {
        return err(format!("dokumenttypen «{FALLBACK_TYPE}» mangler"));
    }
    for (i, r) in file.rules.iter().enumerate() {
        if !ids.contains(&r.type_id.as_str()) {
            return err(format!(
                "regel nr. {} («{}») viser til ukjent dokumenttype «{}»",
                i + 1,
                r.label,
                r.type_id
            ));
        }
        if !r.weight.is_finite() || r.weight == 0.0 {
            return err(format!("regel nr. {} («{}») har vekt 0", i + 1, r.label));
        }
    }
    // Writer roles and shape rules: evidence for a known type, weighing
    // something.
    let evidence = file
        .writer_roles
        .iter()
        .map(|r| ("skriverrolle", &r.label, &r.type_id, r.weight))
        .enumerate()
        .chain(
            file.shape_rules
                .iter()
                .map(|r| ("formregel", &r.label, &r.type_id, r.weight))
                .enumerate(),
        );
    for (i, (kind, label, type_id, weight)) in evidence {
        if !ids.contains(&type_id.as_str()) {
            return err(format!(
                "{kind} nr. {} («{label}») viser til ukjent dokumenttype «{type_id}»",
                i + 1
            ));
        }
        if !weight.is_finite() || weight <= 0.0 {
            return err(format!(
                "{kind} nr. {} («{label}») må ha vekt over 0",
                i + 1
            ));
        }
    }
    for id in &file.leader_review {
        if !ids.contains(&id.as_str()) {
            return err(format!(
                "leader_review viser til ukjent dokumenttype «{id}»"
            ));
        }
    }
    let q = &file.quality;
    if !(0.0..=100.0).contains(&q.min_ocr_confidence)
        || q.max_skew_degrees <= 0.0
        || q.min_dpi <= 0.0
    {
        return err("quality: min_ocr_confidence 0–100, max_skew_degrees og min_dpi over 0".into());
    }
    if file.urgent.threshold <= 0.0 {
        return err("urgent.threshold må være over 0".into());
    }
    // A denial that added to the score would make "det haster ikke" a cue.
    if file.urgent.denial.as_ref().is_some_and(|d| d.weight > 0.0) {
        return err("urgent.denial.weight kan ikke være over 0".into());
    }
    for (key, v) in [
        ("abstain_rule_evidence", file.abstain_rule_evidence),
        ("abstain_model_lead", file.abstain_model_lead),
    ] {
        if !(0.0..=100.0).contains(&v) {
            return err(format!("{key} må være mellom 0 og 100, er {v}"));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::super::rules::Rules;

    const DEFAULT: &str = crate::classify::DEFAULT_RULES_TOML;

    fn with(replace: &str, by: &str) -> String {
        assert!(DEFAULT.contains(replace), "fixture: {replace}");
        DEFAULT.replacen(replace, by, 1)
    }

    /// (edit to the shipped file, words the error must contain)
    #[test]
    fn invalid_rules_are_refused_with_a_clear_message() {
        let cases: Vec<(String, &str)> =
            vec![
            (with("threshold = ", "threshold = 7 #"), "threshold"),
            (
                with("type = \"klage\"", "type = \"klagee\""),
                "ukjent dokumenttype «klagee»",
            ),
            (
                with("id = \"annet\"", "id = \"anything\""),
                "«annet» mangler",
            ),
            (
                with("default_unit = \"mta\"", "default_unit = \"MTA\""),
                "ugyldig enhets-id",
            ),
            (
                with("type_unit_yields_at = 0.3", "type_unit_yields_at = -1.0"),
                "type_unit_yields_at",
            ),
            (
                with("[urgent.denial]\nweight = -1.0", "[urgent.denial]\nweight = 1.0"),
                "urgent.denial.weight",
            ),
            (with("phrases = [", "phrases = [\"\", "), "tom frase"),
            (
                with(
                    "[[writer_roles]]\ntype = \"helseopplysninger\"",
                    "[[writer_roles]]\ntype = \"helse\"",
                ),
                "skriverrolle nr. 1",
            ),
            (
                with(
                    "shape = \"supports_application\"\ntype = \"helseopplysninger\"",
                    "shape = \"supports_application\"\ntype = \"helse\"",
                ),
                "formregel nr. 3 («uttalelse til støtte for en annens søknad») viser til ukjent",
            ),
            (
                with("shape = \"disputes_decision\"", "shape = \"angry\""),
                "ikke gyldig TOML",
            ),
            (
                with("short_label = \"Klage\"", "short_label = \" \""),
                "«klage»: label og short_label kan ikke være tomme",
            ),
            (
                with("routine = \"appeal\"", "routine = \"klage\""),
                "ikke gyldig TOML",
            ),
            (format!("{DEFAULT}\nbogus = 1\n"), "ikke gyldig TOML"),
            ("threshold = ".into(), "ikke gyldig TOML"),
        ];
        for (text, needle) in cases {
            let err = Rules::from_toml(&text, "test.toml")
                .unwrap_err()
                .to_string();
            assert!(err.contains(needle), "{err:?} should contain {needle:?}");
            assert!(err.contains("test.toml"), "{err:?} should name the file");
        }
    }
}
