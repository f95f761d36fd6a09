//! The `[watch]` config section. Uses only the shared config vocabulary
//! (`crate::issues`) and the ignore patterns, so `config` can assemble it
//! without a dependency circle.

use serde::Deserialize;

use super::ignore::{self, IgnoreSet};
use crate::issues::Issues;

/// The `[watch]` section of the config file.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct WatchConfig {
    /// A file must keep its size and mtime this long before it is taken in.
    pub settle_ms: u64,
    /// Full rescan of every folder this often (events may be lost).
    pub rescan_secs: u64,
    /// How often a polled folder (network share) is listed.
    pub poll_interval_ms: u64,
    /// A stable file whose format looks incomplete (no `%%EOF`, no PNG `IEND`,
    /// …) is given this long to finish before it is admitted anyway (and then
    /// refused as corrupt, into `_avvist/`).
    pub incomplete_grace_secs: u64,
    /// File-name patterns (`*` and `?`) that are never taken in.
    pub ignore: Vec<String>,
}

/// Temporary and system files that scanners, browsers, Office and file
/// managers leave behind.
pub const DEFAULT_IGNORE: &[&str] = &[
    "*.part",
    "*.tmp",
    "*.crdownload",
    "~$*",
    ".*",
    "Thumbs.db",
    "desktop.ini",
];

impl Default for WatchConfig {
    fn default() -> Self {
        WatchConfig {
            settle_ms: 2000,
            rescan_secs: 300,
            poll_interval_ms: 2000,
            incomplete_grace_secs: 120,
            ignore: DEFAULT_IGNORE.iter().map(|s| s.to_string()).collect(),
        }
    }
}

impl WatchConfig {
    pub fn validate(&self, issues: &mut Issues) {
        issues.range("watch.settle_ms", self.settle_ms, 50, 600_000, "ms");
        issues.range("watch.rescan_secs", self.rescan_secs, 1, 86_400, "s");
        issues.range(
            "watch.poll_interval_ms",
            self.poll_interval_ms,
            100,
            600_000,
            "ms",
        );
        issues.range(
            "watch.incomplete_grace_secs",
            self.incomplete_grace_secs,
            0,
            86_400,
            "s",
        );
        for (i, pattern) in self.ignore.iter().enumerate() {
            if let Err(message) = ignore::Pattern::parse(pattern) {
                issues.push(format!("watch.ignore[{i}]"), message);
            }
        }
    }

    pub fn ignore_set(&self) -> IgnoreSet {
        IgnoreSet::new(&self.ignore)
    }
}
