//! The `[classify]` section and its own check for the config pass
//! ([`ClassifyConfig::validate`]). Reading the rules file it names is
//! `load.rs`'s: this file uses only the leaf vocabulary, so `config` can
//! assemble it without a dependency circle.

use std::path::PathBuf;

use serde::Deserialize;

use crate::issues::Issues;

/// The `[classify]` section of the config file. Everything is optional.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ClassifyConfig {
    /// A rules file replacing the embedded `config/rules.toml`. Relative
    /// paths resolve against the config file's folder (see
    /// [`super::Classifier::from_config`]).
    pub rules: Option<PathBuf>,
    /// Overrides the rules file's confidence threshold (0–1).
    pub threshold: Option<f32>,
    /// Overrides which document types need a leader's review.
    pub leader_review: Option<Vec<String>>,
}

impl ClassifyConfig {
    /// The section's own values; the rules file it names, and the units
    /// those rules name, are checked when it is read
    /// (`Classifier::from_config`, via `crate::check`).
    pub fn validate(&self, issues: &mut Issues) {
        if let Some(t) = self.threshold {
            if !(0.0..=1.0).contains(&t) {
                issues.push(
                    "classify.threshold",
                    format!("må være mellom 0 og 1, er {t}"),
                );
            }
        }
        for (i, id) in self.leader_review.iter().flatten().enumerate() {
            if id.trim().is_empty() {
                issues.push(
                    format!("classify.leader_review[{i}]"),
                    "er tom; oppgi en dokumenttype fra reglene",
                );
            }
        }
    }
}
