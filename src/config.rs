//! Config: the TOML file (DESIGN.md §6b), parsed and then validated into a
//! [`Config`] that the rest of the program can trust. Each stage owns the
//! struct of its own section (`extract::ExtractConfig`, `web::WebConfig`, …);
//! this module owns the top level, path resolution and error reporting.
//!
//! Relative paths resolve against the config file's folder.

use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::item::UnitId;

/// The embedded default (also the documented example): `config/postmottak.toml`.
pub const DEFAULT_CONFIG_TOML: &str = include_str!("../config/postmottak.toml");

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawConfig {
    pub data_dir: PathBuf,
    #[serde(default)]
    pub units: Vec<UnitConfig>,
    pub digital: DigitalConfig,
    #[serde(default)]
    pub extract: crate::extract::ExtractConfig,
    #[serde(default)]
    pub classify: crate::classify::ClassifyConfig,
    #[serde(default)]
    pub web: crate::web::WebConfig,
    #[serde(default)]
    pub mail: crate::mail::MailConfig,
    #[serde(default)]
    pub retention: crate::retention::RetentionConfig,
    #[serde(default)]
    pub reports: crate::report::ReportConfig,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UnitConfig {
    pub id: UnitId,
    pub name: String,
    pub scan_folder: PathBuf,
    #[serde(default)]
    pub poll: bool,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DigitalConfig {
    pub folder: PathBuf,
    #[serde(default)]
    pub poll: bool,
}

/// A validated configuration: paths absolute, references checked.
#[derive(Debug, Clone)]
pub struct Config {
    /// The file it was read from; `None` for the embedded default.
    pub source: Option<PathBuf>,
    pub raw: RawConfig,
    /// Folder against which relative paths were resolved.
    pub base_dir: PathBuf,
}

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("kan ikke lese {path}: {source}")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{path}: {message}")]
    Parse { path: String, message: String },
}

impl Config {
    /// Reads and validates a config file.
    pub fn load(path: &Path) -> Result<Config, ConfigError> {
        let text = std::fs::read_to_string(path).map_err(|source| ConfigError::Read {
            path: path.to_owned(),
            source,
        })?;
        let base_dir = path
            .parent()
            .map(Path::to_path_buf)
            .unwrap_or_else(|| PathBuf::from("."));
        Self::from_toml(&text, Some(path.to_owned()), base_dir)
    }

    /// The embedded default, with relative paths resolved against `base_dir`.
    pub fn embedded_default(base_dir: &Path) -> Result<Config, ConfigError> {
        Self::from_toml(DEFAULT_CONFIG_TOML, None, base_dir.to_owned())
    }

    fn from_toml(
        text: &str,
        source: Option<PathBuf>,
        base_dir: PathBuf,
    ) -> Result<Config, ConfigError> {
        let raw: RawConfig = toml::from_str(text).map_err(|e| ConfigError::Parse {
            path: source
                .as_ref()
                .map(|p| p.display().to_string())
                .unwrap_or_else(|| "(innebygd standard)".into()),
            message: e.to_string(),
        })?;
        Ok(Config {
            source,
            raw,
            base_dir,
        })
    }

    /// Resolves a configured path against the config file's folder.
    pub fn resolve(&self, path: &Path) -> PathBuf {
        if path.is_absolute() {
            path.to_owned()
        } else {
            self.base_dir.join(path)
        }
    }

    pub fn data_dir(&self) -> PathBuf {
        self.resolve(&self.raw.data_dir)
    }

    pub fn database_path(&self) -> PathBuf {
        self.data_dir().join("postmottak.sqlite")
    }
}
