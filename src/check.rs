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

use crate::classify::{Classifier, RulesError};
use crate::config::{Config, ConfigError};

/// A config that passed, with what its rules file gave.
pub struct Checked {
    pub config: Config,
    /// The classifier the rules build, or why they do not fit the config.
    pub classifier: Result<Classifier, RulesError>,
    /// Problems that do not stop the service (mail without board links).
    pub warnings: Vec<String>,
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
    let classifier = Classifier::from_config(&config);
    let warnings = crate::mail::board_url_warning(&config)
        .into_iter()
        .collect();
    Checked {
        config,
        classifier,
        warnings,
    }
}
