//! What `run` accepts as its config, at start and on SIGHUP alike, so a
//! reload refuses exactly what a start would: the one `check` pass (file,
//! sections, folders) and a rules file that loads. A rules/units mismatch is
//! not refused — post that needs taking in must not wait on a fix — but
//! named in `status`.

use std::path::Path;

use super::DaemonError;
use crate::check::UnitFallback;
use crate::classify::{Classifier, RulesError};
use crate::config::Config;
use crate::ingest::Health;

/// The `status` problem key of a rules/units mismatch.
const MISMATCH: &str = "rules:units";

/// A config `run` takes.
pub(super) struct Accepted {
    pub config: Config,
    /// The rules as they are (also when they do not fit the units).
    pub classifier: Classifier,
    mismatch: Option<RulesError>,
    pub unit_fallback: Option<UnitFallback>,
    warnings: Vec<String>,
}

/// The `check` pass, then the rules: a rules file that does not load is a
/// refusal; one that loads but routes to units not configured is kept.
pub(super) fn accept(config_path: &Path) -> Result<Accepted, DaemonError> {
    let checked = crate::check::service(config_path)?;
    let (classifier, mismatch) = match checked.classifier {
        Ok(classifier) => (classifier, None),
        Err(err) => {
            // As `check` read them: a relative rules path is the config
            // folder's, not the working directory's.
            let config = &checked.config;
            let mut section = config.raw.classify.clone();
            section.rules = section.rules.map(|p| config.resolve(&p));
            let classifier =
                Classifier::new(&section).map_err(|e| DaemonError::Classify(e.to_string()))?;
            (classifier, Some(err))
        }
    };
    Ok(Accepted {
        config: checked.config,
        classifier,
        mismatch,
        unit_fallback: checked.unit_fallback,
        warnings: checked.warnings,
    })
}

impl Accepted {
    /// Says what is worth saying about an accepted config (once at start,
    /// again for the file a reload brings): its warnings, a mismatch in the
    /// log and in `status` (cleared when a reload brings a file without it).
    pub fn tell(&self, health: &Health) {
        // Mail without a board address its readers can reach goes out
        // without links (issue 15), as check-config says too.
        for warning in &self.warnings {
            tracing::warn!("{warning}");
        }
        match &self.mismatch {
            Some(err) => {
                tracing::error!(error = %err, "klassifiseringsreglene passer ikke med [[units]]");
                health.set_problem(MISMATCH, format!("klassifiseringsreglene: {err}"));
            }
            None => health.clear_problem(MISMATCH),
        }
        if let Some(fallback) = &self.unit_fallback {
            tracing::info!(
                unit = %fallback.unit(),
                "standardreglene nevner enheter som ikke er satt opp; digital post til dem går til denne enheten"
            );
        }
    }
}
