//! The one validation pass every command trusts a config through: `run`,
//! `check-config` and `process` all call it, so they refuse the same things.
//!
//! It sits above `config` (which only parses and validates sections) because
//! the last check needs the classifier: the rules file the config names must
//! load, and every unit the rules name must be a configured unit.
//!
//! What differs between the commands is their reaction, not the pass:
//! `check-config` and `process` refuse rules that do not fit the units;
//! `run` names the mismatch in `status` and keeps taking in post with the
//! rules as they are (post that needs taking in must not wait on a fix).

use std::path::Path;

use crate::classify::{Classification, Classifier, Reason, ReasonKind, RulesError};
use crate::config::{Config, ConfigError};
use crate::item::UnitId;

/// A config that passed, with what its rules file gave.
pub struct Checked {
    pub config: Config,
    /// The classifier the rules build, or why they do not fit the config.
    pub classifier: Result<Classifier, RulesError>,
    /// Set when the embedded rules name units this installation does not
    /// have: where their post goes instead.
    pub unit_fallback: Option<UnitFallback>,
    /// Problems that do not stop the service (mail without board links).
    pub warnings: Vec<String>,
}

/// The embedded rules route digital post among the three default units
/// (DESIGN.md §7). An installation with fewer units is a configuration the
/// admin chose, not a mistake: post the rules send to a unit it does not
/// have goes to its first unit, and the reasons say so. (An admin's own
/// rules file naming a unit that is not configured is still refused.)
#[derive(Debug, Clone)]
pub struct UnitFallback {
    configured: Vec<UnitId>,
    to: UnitId,
}

impl UnitFallback {
    fn of(config: &Config) -> Option<UnitFallback> {
        let configured: Vec<UnitId> = config.raw.units.iter().map(|u| u.id.clone()).collect();
        let to = configured.first()?.clone();
        Some(UnitFallback { configured, to })
    }

    /// The unit post the rules send elsewhere goes to.
    pub fn unit(&self) -> &UnitId {
        &self.to
    }

    /// Moves `c` to the fallback unit when the rules chose one that is not
    /// configured.
    pub fn apply(&self, c: &mut Classification) {
        if self.configured.contains(&c.unit) {
            return;
        }
        let from = std::mem::replace(&mut c.unit, self.to.clone());
        c.reasons.push(Reason {
            kind: ReasonKind::Unit,
            target: self.to.to_string(),
            label: format!("enheten «{from}» finnes ikke her"),
            weight: 0.0,
        });
    }
}

/// For the service (`run`, `check-config`): the file, every section, the
/// folders it names, the rules and the units they name.
pub fn service(config_path: &Path) -> Result<Checked, ConfigError> {
    Config::load_for_service(config_path).map(rules_and_warnings)
}

/// For one-shot commands reading files named on the command line
/// (`process`): the same pass without the inbox folders.
pub fn one_shot(config: Config) -> Checked {
    rules_and_warnings(config)
}

fn rules_and_warnings(config: Config) -> Checked {
    let mut unit_fallback = None;
    let classifier = match Classifier::from_config(&config) {
        // The embedded rules load whatever the units; a mismatch is then
        // only the default units this installation left out.
        Err(_) if config.raw.classify.rules.is_none() => {
            unit_fallback = UnitFallback::of(&config);
            Classifier::new(&config.raw.classify)
        }
        other => other,
    };
    let warnings = crate::mail::board_url_warning(&config)
        .into_iter()
        .collect();
    Checked {
        config,
        classifier,
        unit_fallback,
        warnings,
    }
}
