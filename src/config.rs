//! Config: the TOML file (DESIGN.md §6b), parsed and then validated into a
//! [`Config`] that the rest of the program can trust. Each stage owns the
//! struct of its own section (`extract::ExtractConfig`, `web::WebConfig`, …);
//! this module owns the top level, path resolution and error reporting.
//!
//! Relative paths resolve against the config file's folder.
//!
//! **Invariant:** a [`Config`] only exists after validation; every problem is
//! reported at once as a [`ConfigIssue`] naming the key, what is wrong and
//! what is allowed. Unknown keys are refused (serde `deny_unknown_fields`).
//!
//! Two levels of checking: [`Config::load`] checks the file itself (enough
//! for one-shot commands such as `process`); [`Config::check_folders`] also
//! checks the file system (folders exist and are writable), which `run` and
//! `check-config` require.

use std::collections::HashMap;
use std::fmt;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::item::{Source, UnitId};

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
    pub watch: crate::watch::WatchConfig,
    #[serde(default)]
    pub ingest: crate::ingest::IngestConfig,
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
    #[serde(default)]
    pub forget: crate::forget::ForgetConfig,
    #[serde(default)]
    pub metrics: crate::metrics::MetricsConfig,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UnitConfig {
    pub id: UnitId,
    pub name: String,
    pub scan_folder: PathBuf,
    /// Force polling (network shares that deliver no events).
    #[serde(default)]
    pub poll: bool,
    /// Caseworkers' own scanner shelves: a file in `scan_folder/USERNAME/`
    /// is allocated to that user at once, without the meeting (issue 13).
    #[serde(default)]
    pub direct_allocation: bool,
    /// The folder as the case system names it (where "Hent dokument" looks),
    /// shown on the journal-entry card; default: the scan folder's path.
    #[serde(default)]
    pub case_folder: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DigitalConfig {
    pub folder: PathBuf,
    #[serde(default)]
    pub poll: bool,
    /// Where printouts of e-mail and SvarInn deliveries go: `unit` (the
    /// allocated unit's scan folder) or `digital` (this share).
    #[serde(default)]
    pub printout_to: crate::ingest::printout::PrintoutTarget,
}

/// A folder the daemon takes files from: a unit's scan folder or the digital
/// share. Paths are absolute.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct InboxFolder {
    pub path: PathBuf,
    pub source: Source,
    /// The scan folder's unit; `None` for the digital share.
    pub unit: Option<UnitId>,
    /// Polling forced by config (network shares are also detected at start).
    pub poll: bool,
}

impl InboxFolder {
    /// Where refused files from this folder go, with their reason files.
    pub fn quarantine(&self) -> PathBuf {
        self.path.join(QUARANTINE_DIR)
    }
}

/// The quarantine folder inside every inbox folder.
pub const QUARANTINE_DIR: &str = "_avvist";

/// A validated configuration: paths absolute, references checked.
#[derive(Debug, Clone)]
pub struct Config {
    /// The file it was read from; `None` for the embedded default.
    pub source: Option<PathBuf>,
    pub raw: RawConfig,
    /// Folder against which relative paths were resolved.
    pub base_dir: PathBuf,
}

/// One problem in a config file: which key, what is wrong and what is allowed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigIssue {
    /// Dotted key path, e.g. `units[1].scan_folder`.
    pub key: String,
    pub message: String,
}

impl fmt::Display for ConfigIssue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.key, self.message)
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("kan ikke lese konfigurasjonsfilen {path}: {source}")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{path}: ugyldig TOML eller ukjent/manglende nøkkel: {message}")]
    Parse { path: String, message: String },
    #[error("{path}: {} feil i konfigurasjonen:\n{}", issues.len(), list(issues))]
    Invalid {
        path: String,
        issues: Vec<ConfigIssue>,
    },
}

fn list(issues: &[ConfigIssue]) -> String {
    issues
        .iter()
        .map(|i| format!("  - {i}"))
        .collect::<Vec<_>>()
        .join("\n")
}

impl Config {
    /// Reads a config file and checks everything that does not need the file
    /// system. Services must also call [`Config::check_folders`].
    pub fn load(path: &Path) -> Result<Config, ConfigError> {
        let text = std::fs::read_to_string(path).map_err(|source| ConfigError::Read {
            path: path.to_owned(),
            source,
        })?;
        let base_dir = path
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .map(Path::to_path_buf)
            .unwrap_or_else(|| PathBuf::from("."));
        let base_dir = std::path::absolute(&base_dir).unwrap_or(base_dir);
        Self::from_toml(&text, Some(path.to_owned()), base_dir)
    }

    /// Reads a config file for a service (`run`, `check-config`): the file and
    /// the folders it names must both be in order.
    pub fn load_for_service(path: &Path) -> Result<Config, ConfigError> {
        let config = Self::load(path)?;
        let issues = config.check_folders();
        if issues.is_empty() {
            Ok(config)
        } else {
            Err(ConfigError::Invalid {
                path: config.display_name(),
                issues,
            })
        }
    }

    /// The embedded default, with relative paths resolved against `base_dir`.
    pub fn embedded_default(base_dir: &Path) -> Result<Config, ConfigError> {
        Self::from_toml(DEFAULT_CONFIG_TOML, None, base_dir.to_owned())
    }

    /// Parses and validates a config text (tests and embedded default).
    pub fn from_toml(
        text: &str,
        source: Option<PathBuf>,
        base_dir: PathBuf,
    ) -> Result<Config, ConfigError> {
        let name = display_name(source.as_deref());
        let mut raw: RawConfig = toml::from_str(text).map_err(|e| ConfigError::Parse {
            path: name.clone(),
            message: e.to_string().trim_end().to_owned(),
        })?;
        // Files named inside sections resolve against the config's folder too,
        // once, here, so no stage has to remember to do it.
        let resolve = |p: PathBuf| if p.is_absolute() { p } else { base_dir.join(p) };
        raw.extract.pdfium_path = raw.extract.pdfium_path.take().map(resolve);
        raw.classify.rules = raw.classify.rules.take().map(resolve);
        let issues = validate(&raw);
        if !issues.is_empty() {
            return Err(ConfigError::Invalid { path: name, issues });
        }
        Ok(Config {
            source,
            raw,
            base_dir,
        })
    }

    /// The file name for messages.
    pub fn display_name(&self) -> String {
        display_name(self.source.as_deref())
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

    /// Every inbox folder: the units' scan folders, then the digital share.
    pub fn inbox_folders(&self) -> Vec<InboxFolder> {
        let mut folders: Vec<InboxFolder> = self
            .raw
            .units
            .iter()
            .map(|u| InboxFolder {
                path: self.resolve(&u.scan_folder),
                source: Source::Scan,
                unit: Some(u.id.clone()),
                poll: u.poll,
            })
            .collect();
        // Caseworkers' scanner shelves (`direct_allocation`): each sub-folder
        // of the unit's scan folder, one level deep, listed now (a new one is
        // picked up by the intake's next rescan).
        for u in self.raw.units.iter().filter(|u| u.direct_allocation) {
            let base = self.resolve(&u.scan_folder);
            for path in crate::ingest::direct::shelf_folders(&base) {
                folders.push(InboxFolder {
                    path,
                    source: Source::Scan,
                    unit: Some(u.id.clone()),
                    poll: u.poll,
                });
            }
        }
        folders.push(InboxFolder {
            path: self.resolve(&self.raw.digital.folder),
            source: Source::Digital,
            unit: None,
            poll: self.raw.digital.poll,
        });
        folders
    }

    /// The configured unit with this id.
    pub fn unit(&self, id: &UnitId) -> Option<&UnitConfig> {
        self.raw.units.iter().find(|u| &u.id == id)
    }

    /// File-system checks: inbox folders exist, are folders and are writable
    /// (refused files are moved into their `_avvist/`); the data folder exists
    /// or can be created.
    pub fn check_folders(&self) -> Vec<ConfigIssue> {
        let mut issues = Vec::new();
        for (key, folder) in self.folder_keys() {
            if let Some(problem) = folder_problem(&folder) {
                issues.push(ConfigIssue {
                    key,
                    message: format!(
                        "mappen {} {problem}; den må finnes og være skrivbar for tjenesten",
                        crate::paths::shown(&folder).display()
                    ),
                });
            }
        }
        let data_dir = self.data_dir();
        let existing = if data_dir.exists() {
            Some(data_dir.clone())
        } else {
            data_dir
                .ancestors()
                .find(|p| p.exists())
                .map(Path::to_owned)
        };
        match existing {
            Some(dir) => {
                if let Some(problem) = folder_problem(&dir) {
                    issues.push(ConfigIssue {
                        key: "data_dir".into(),
                        message: format!(
                            "{} {problem}; datamappen (eller mappen den skal lages i) må være skrivbar",
                            crate::paths::shown(&dir).display()
                        ),
                    });
                }
            }
            None => issues.push(ConfigIssue {
                key: "data_dir".into(),
                message: format!(
                    "{} kan ikke opprettes",
                    crate::paths::shown(&data_dir).display()
                ),
            }),
        }
        issues.extend(self.duplicate_folders());
        issues
    }

    fn folder_keys(&self) -> Vec<(String, PathBuf)> {
        let mut keys: Vec<(String, PathBuf)> = self
            .raw
            .units
            .iter()
            .enumerate()
            .map(|(i, u)| {
                (
                    format!("units[{i}].scan_folder"),
                    self.resolve(&u.scan_folder),
                )
            })
            .collect();
        keys.push((
            "digital.folder".into(),
            self.resolve(&self.raw.digital.folder),
        ));
        keys
    }

    /// Two inboxes in one folder would make every file's unit ambiguous.
    fn duplicate_folders(&self) -> Vec<ConfigIssue> {
        let mut seen: HashMap<PathBuf, String> = HashMap::new();
        let mut issues = Vec::new();
        let data_dir = canonical(&self.data_dir());
        for (key, folder) in self.folder_keys() {
            let canon = canonical(&folder);
            if canon == data_dir {
                issues.push(ConfigIssue {
                    key: key.clone(),
                    message: "er samme mappe som data_dir; innboksen må være en egen mappe".into(),
                });
            }
            if let Some(first) = seen.get(&canon) {
                issues.push(ConfigIssue {
                    key,
                    message: format!(
                        "{} er samme mappe som {first}; hver innboks må ha sin egen mappe",
                        crate::paths::shown(&folder).display()
                    ),
                });
            } else {
                seen.insert(canon, key);
            }
        }
        issues
    }
}

fn display_name(source: Option<&Path>) -> String {
    source
        .map(|p| p.display().to_string())
        .unwrap_or_else(|| "(innebygd standard)".into())
}

fn canonical(path: &Path) -> PathBuf {
    std::fs::canonicalize(path).unwrap_or_else(|_| path.to_owned())
}

/// Why a folder cannot be used, or `None` when it can.
fn folder_problem(path: &Path) -> Option<&'static str> {
    use nix::unistd::{access, AccessFlags};
    match std::fs::metadata(path) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Some("finnes ikke"),
        Err(_) => Some("kan ikke leses (mangler tilgang?)"),
        Ok(m) if !m.is_dir() => Some("er ikke en mappe"),
        Ok(_) => match access(
            path,
            AccessFlags::W_OK | AccessFlags::X_OK | AccessFlags::R_OK,
        ) {
            Ok(()) => None,
            Err(_) => Some("er ikke skrivbar"),
        },
    }
}

/// Checks that need only the parsed file. Each section owner may add a
/// `validate(&self) -> Vec<ConfigIssue>` on their struct; it is called here.
fn validate(raw: &RawConfig) -> Vec<ConfigIssue> {
    let mut issues = Vec::new();
    if raw.data_dir.as_os_str().is_empty() {
        issues.push(ConfigIssue {
            key: "data_dir".into(),
            message: "er tom; oppgi mappen for database og innholdslager".into(),
        });
    }
    if raw.units.is_empty() {
        issues.push(ConfigIssue {
            key: "units".into(),
            message:
                "ingen enheter er satt opp; minst én [[units]] med id, name og scan_folder kreves"
                    .into(),
        });
    }
    let mut ids: HashMap<&str, usize> = HashMap::new();
    for (i, unit) in raw.units.iter().enumerate() {
        if let Some(first) = ids.insert(unit.id.as_str(), i) {
            issues.push(ConfigIssue {
                key: format!("units[{i}].id"),
                message: format!(
                    "\"{}\" er allerede brukt av units[{first}]; hver enhet må ha en unik id",
                    unit.id
                ),
            });
        }
        if unit.name.trim().is_empty() {
            issues.push(ConfigIssue {
                key: format!("units[{i}].name"),
                message: "er tom; oppgi enhetens navn slik de ansatte kjenner det".into(),
            });
        }
        if unit.scan_folder.as_os_str().is_empty() {
            issues.push(ConfigIssue {
                key: format!("units[{i}].scan_folder"),
                message: "er tom; oppgi skannemappen".into(),
            });
        }
    }
    if raw.digital.folder.as_os_str().is_empty() {
        issues.push(ConfigIssue {
            key: "digital.folder".into(),
            message: "er tom; oppgi mappen for digital post".into(),
        });
    }
    issues.extend(raw.watch.validate());
    issues.extend(raw.ingest.validate());
    issues.extend(raw.mail.validate());
    issues.extend(raw.retention.validate());
    issues.extend(raw.reports.validate());
    issues.extend(raw.forget.validate());
    issues.extend(raw.metrics.validate());
    // Section owners: add `issues.extend(raw.<section>.validate());` here.
    issues
}

#[cfg(test)]
mod tests {
    use super::*;

    const MINIMAL: &str = r#"
data_dir = "var"
[[units]]
id = "mta"
name = "MTA"
scan_folder = "inbox/mta"
[digital]
folder = "inbox/digital"
"#;

    #[test]
    fn embedded_default_is_valid() {
        let config = Config::embedded_default(Path::new("/tmp/x")).unwrap();
        assert_eq!(config.inbox_folders().len(), 4);
        assert_eq!(config.raw.watch.settle_ms, 2000);
    }

    #[test]
    fn unknown_keys_are_refused_with_their_name() {
        let text = format!("{MINIMAL}\nsettle = 3\n");
        let err = Config::from_toml(&text, None, PathBuf::from("/tmp")).unwrap_err();
        assert!(err.to_string().contains("settle"), "{err}");
        let text = MINIMAL.replace("[digital]", "[watch]\nsetle_ms = 5\n[digital]");
        let err = Config::from_toml(&text, None, PathBuf::from("/tmp")).unwrap_err();
        assert!(err.to_string().contains("setle_ms"), "{err}");
    }

    #[test]
    fn every_problem_is_reported_at_once() {
        let text = format!(
            "{MINIMAL}\n[[units]]\nid = \"mta\"\nname = \" \"\nscan_folder = \"x\"\n[watch]\nsettle_ms = 0\nignore = [\"\"]\n"
        );
        let err = Config::from_toml(&text, Some("c.toml".into()), PathBuf::from("/tmp"))
            .unwrap_err()
            .to_string();
        assert!(err.starts_with("c.toml: 4 feil"), "{err}");
        for key in [
            "units[1].id",
            "units[1].name",
            "watch.settle_ms",
            "watch.ignore[0]",
        ] {
            assert!(err.contains(key), "{key} missing in {err}");
        }
    }

    #[test]
    fn missing_and_shared_folders_are_named() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("inbox/mta")).unwrap();
        let text = MINIMAL.replace("inbox/digital", "inbox/mta");
        let config = Config::from_toml(&text, None, dir.path().to_owned()).unwrap();
        let issues = config.check_folders();
        assert_eq!(issues.len(), 1, "{issues:?}");
        assert_eq!(issues[0].key, "digital.folder");
        let config = Config::from_toml(MINIMAL, None, dir.path().to_owned()).unwrap();
        let issues = config.check_folders();
        assert_eq!(issues.len(), 1, "{issues:?}");
        assert!(issues[0].message.contains("finnes ikke"), "{issues:?}");
    }
}
