//! Watch: folder watchers (notify, or polling for network shares), settle
//! detection and rescans.
//!
//! **Invariant:** a watcher event is a hint, never the truth: it only means
//! "look at this path now". Readiness is decided by [`settle`] from the file
//! itself (size and mtime stable, or close-write seen, and a complete file
//! format), and full rescans at start-up, periodically and whenever notify
//! reports an overflow find whatever the events missed.
//!
//! Only the top level of each inbox folder is watched: sub-folders (such as
//! `_avvist/`) are never taken in.

pub mod fs_kind;
pub mod ignore;
pub mod settle;
pub mod watcher;

use serde::Deserialize;

use crate::config::ConfigIssue;

pub use fs_kind::WatchMode;
pub use ignore::IgnoreSet;
pub use settle::{Settler, Verdict};
pub use watcher::{FolderWatchers, Hint};

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
    pub fn validate(&self) -> Vec<ConfigIssue> {
        let mut issues = Vec::new();
        let mut range = |key: &str, value: u64, min: u64, max: u64, unit: &str| {
            if !(min..=max).contains(&value) {
                issues.push(ConfigIssue {
                    key: format!("watch.{key}"),
                    message: format!("{value} er utenfor tillatt område {min}–{max} {unit}"),
                });
            }
        };
        range("settle_ms", self.settle_ms, 50, 600_000, "ms");
        range("rescan_secs", self.rescan_secs, 1, 86_400, "s");
        range(
            "poll_interval_ms",
            self.poll_interval_ms,
            100,
            600_000,
            "ms",
        );
        range(
            "incomplete_grace_secs",
            self.incomplete_grace_secs,
            0,
            86_400,
            "s",
        );
        for (i, pattern) in self.ignore.iter().enumerate() {
            if let Err(message) = ignore::Pattern::parse(pattern) {
                issues.push(ConfigIssue {
                    key: format!("watch.ignore[{i}]"),
                    message,
                });
            }
        }
        issues
    }

    pub fn ignore_set(&self) -> IgnoreSet {
        IgnoreSet::new(&self.ignore)
    }
}
