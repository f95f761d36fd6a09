//! How a `[classify]` section becomes a checked rules file: the embedded
//! default or the admin's own, validated, with the section's overrides.

use super::config::ClassifyConfig;
use super::rules::{Rules, RulesError, RulesFile};

/// The default rules, shipped in the binary; `[classify] rules` replaces them.
pub const DEFAULT_RULES_TOML: &str = include_str!("../../config/rules.toml");

/// How errors name the embedded rules file.
const EMBEDDED_ORIGIN: &str = "config/rules.toml (innebygd)";

/// How errors name the rules file this section uses.
pub(super) fn origin(section: &ClassifyConfig) -> String {
    section
        .rules
        .as_deref()
        .map_or(EMBEDDED_ORIGIN.into(), |p| p.display().to_string())
}

/// The rules file's text and how errors name it.
fn source(section: &ClassifyConfig) -> Result<(String, String), RulesError> {
    match &section.rules {
        None => Ok((DEFAULT_RULES_TOML.to_owned(), EMBEDDED_ORIGIN.to_owned())),
        Some(path) => std::fs::read_to_string(path)
            .map(|text| (text, path.display().to_string()))
            .map_err(|source| RulesError::Read {
                path: path.clone(),
                source,
            }),
    }
}

/// The section's rules, validated, compiled, with its overrides applied.
pub(super) fn load_rules(section: &ClassifyConfig) -> Result<Rules, RulesError> {
    let (text, origin) = source(section)?;
    let mut rules = Rules::from_toml(&text, &origin)?;
    apply_overrides(&mut rules.file, section)?;
    Ok(rules)
}

/// The section's rules file, validated and with its overrides applied, but
/// not compiled: what the taxonomy needs.
pub(super) fn load_rules_file(section: &ClassifyConfig) -> Result<RulesFile, RulesError> {
    let (text, origin) = source(section)?;
    let mut file = Rules::parse(&text, &origin)?;
    super::validate::validate(&file, &origin)?;
    apply_overrides(&mut file, section)?;
    Ok(file)
}

/// `[classify] threshold` and `leader_review` replace the file's values.
fn apply_overrides(file: &mut RulesFile, section: &ClassifyConfig) -> Result<(), RulesError> {
    let invalid = |message: String| RulesError::Invalid {
        origin: "[classify]".into(),
        message,
    };
    // The threshold's range is the section's own check (`validate`).
    if let Some(t) = section.threshold {
        file.threshold = t;
    }
    if let Some(leader_review) = &section.leader_review {
        if let Some(unknown) = leader_review
            .iter()
            .find(|t| !file.types.iter().any(|d| &d.id == *t))
        {
            return Err(invalid(format!(
                "leader_review viser til ukjent dokumenttype «{unknown}»"
            )));
        }
        file.leader_review = leader_review.clone();
    }
    Ok(())
}
