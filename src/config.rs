//! Config: the TOML file (DESIGN.md §6b), parsed and then validated into a
//! [`Config`] that the rest of the program can trust. This module only
//! assembles: each stage owns its section struct and its `validate` in a
//! `config.rs` of its own (`watch::config::WatchConfig`, …), which uses
//! nothing but the shared vocabulary in leaf modules (`issues`, `paths`,
//! `data_dir`) — so no stage imports `config` back for them
//! (`tests/arch_config.rs`).
//!
//! Relative paths resolve against the config file's folder ([`paths::resolve`]).
//!
//! **Invariant:** a [`Config`] only exists after validation; every problem is
//! reported at once as a [`ConfigIssue`] naming the key, what is wrong and
//! what is allowed. Unknown keys are refused (serde `deny_unknown_fields`).
//!
//! Two levels of checking: [`Config::load`] runs the one validation pass over
//! every section (enough for one-shot commands such as `process`);
//! [`Config::check_folders`] also checks the file system (folders exist and
//! are writable), which `run` and `check-config` require. The rules file the
//! config names is checked by `crate::check`, which all three commands use.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::classify::config::ClassifyConfig;
use crate::data_dir::DataDir;
use crate::extract::config::ExtractConfig;
use crate::forget::config::ForgetConfig;
use crate::ingest::config::{IngestConfig, PrintoutTarget};
use crate::ingest::folders::shelf_folders;
pub use crate::issues::ConfigIssue;
use crate::issues::Issues;
use crate::item::{Source, UnitId};
use crate::mail::config::MailConfig;
use crate::metrics::config::MetricsConfig;
use crate::paths;
use crate::report::config::ReportConfig;
use crate::retention::config::RetentionConfig;
use crate::watch::config::WatchConfig;
use crate::web::config::WebConfig;

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
    pub watch: WatchConfig,
    #[serde(default)]
    pub ingest: IngestConfig,
    #[serde(default)]
    pub extract: ExtractConfig,
    #[serde(default)]
    pub classify: ClassifyConfig,
    #[serde(default)]
    pub web: WebConfig,
    #[serde(default)]
    pub mail: MailConfig,
    #[serde(default)]
    pub retention: RetentionConfig,
    #[serde(default)]
    pub reports: ReportConfig,
    #[serde(default)]
    pub forget: ForgetConfig,
    #[serde(default)]
    pub metrics: MetricsConfig,
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
    pub printout_to: PrintoutTarget,
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
        Self::from_toml(&text, Some(path.to_owned()), paths::config_base_dir(path))
    }

    /// Reads a config file for a service: the file and the folders it names
    /// must both be in order. `run` and `check-config` come here through
    /// `crate::check::service`, which also checks the rules file; SIGHUP
    /// reloads call it directly.
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
        let resolve = |p: PathBuf| paths::resolve(&base_dir, &p);
        raw.extract.pdfium_path = raw.extract.pdfium_path.take().map(resolve);
        raw.classify.rules = raw.classify.rules.take().map(resolve);
        let issues = validate(&raw);
        if !issues.is_empty() {
            return Err(ConfigError::Invalid {
                path: name,
                issues: issues.into_vec(),
            });
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
        paths::resolve(&self.base_dir, path)
    }

    /// The data folder, resolved; it names every file in it.
    pub fn data_dir(&self) -> DataDir {
        DataDir::new(self.resolve(&self.raw.data_dir))
    }

    pub fn database_path(&self) -> PathBuf {
        self.data_dir().database()
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
            for path in shelf_folders(&base) {
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
        let data_dir = self.data_dir().into_path_buf();
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

/// The one validation pass over the parsed file: the top level, then every
/// section's own `validate`, in the file's order. A new section adds its
/// line here.
fn validate(raw: &RawConfig) -> Issues {
    let mut issues = Issues::new();
    if raw.data_dir.as_os_str().is_empty() {
        issues.push(
            "data_dir",
            "er tom; oppgi mappen for database og innholdslager",
        );
    }
    if raw.units.is_empty() {
        issues.push(
            "units",
            "ingen enheter er satt opp; minst én [[units]] med id, name og scan_folder kreves",
        );
    }
    let mut ids: HashMap<&str, usize> = HashMap::new();
    for (i, unit) in raw.units.iter().enumerate() {
        if let Some(first) = ids.insert(unit.id.as_str(), i) {
            issues.push(
                format!("units[{i}].id"),
                format!(
                    "\"{}\" er allerede brukt av units[{first}]; hver enhet må ha en unik id",
                    unit.id
                ),
            );
        }
        unit.validate(i, &mut issues);
    }
    raw.digital.validate(&mut issues);
    raw.watch.validate(&mut issues);
    raw.ingest.validate(&mut issues);
    raw.extract.validate(&mut issues);
    raw.classify.validate(&mut issues);
    raw.web.validate(&mut issues);
    raw.mail.validate(&mut issues);
    raw.retention.validate(&mut issues);
    raw.reports.validate(&mut issues);
    raw.forget.validate(&mut issues);
    raw.metrics.validate(&mut issues);
    issues
}

impl UnitConfig {
    /// `i`: the unit's place in `[[units]]`, for the key.
    pub fn validate(&self, i: usize, issues: &mut Issues) {
        if self.name.trim().is_empty() {
            issues.push(
                format!("units[{i}].name"),
                "er tom; oppgi enhetens navn slik de ansatte kjenner det",
            );
        }
        if self.scan_folder.as_os_str().is_empty() {
            issues.push(
                format!("units[{i}].scan_folder"),
                "er tom; oppgi skannemappen",
            );
        }
    }
}

impl DigitalConfig {
    pub fn validate(&self, issues: &mut Issues) {
        if self.folder.as_os_str().is_empty() {
            issues.push("digital.folder", "er tom; oppgi mappen for digital post");
        }
    }
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
    fn every_section_is_validated_in_one_pass() {
        let text = format!(
            "{MINIMAL}\n[extract]\nlanguages = \"nor+\"\nmax_pages = 0\n\
             [classify]\nthreshold = -0.1\nleader_review = [\"\"]\n\
             [web]\nbase_url = \"postmottak.kommune.no\"\nqueue_limit = 0\n\
             [ingest]\nqueue_capacity = 0\n[retention]\nmin_days = 10\n"
        );
        let err = Config::from_toml(&text, None, PathBuf::from("/tmp"))
            .unwrap_err()
            .to_string();
        for key in [
            "extract.languages",
            "extract.max_pages",
            "classify.threshold",
            "classify.leader_review[0]",
            "web.base_url",
            "web.queue_limit",
            "ingest.queue_capacity",
            "retention.min_days",
        ] {
            assert!(err.contains(key), "{key} missing in {err}");
        }
    }

    #[test]
    fn the_data_folder_names_the_database() {
        let config = Config::from_toml(MINIMAL, None, PathBuf::from("/srv/p/config")).unwrap();
        assert_eq!(
            config.database_path(),
            PathBuf::from("/srv/p/config/var/postmottak.sqlite")
        );
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
