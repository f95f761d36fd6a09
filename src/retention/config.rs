//! The `[retention]` config section (shred shelves). Uses only the shared
//! config vocabulary, so `config` can assemble it without a dependency circle.

use serde::Deserialize;

use crate::issues::Issues;

/// The `retention` section of the config file.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RetentionConfig {
    /// Full days the originals are kept after the shelf's month has ended.
    #[serde(default = "default_min_days")]
    pub min_days: u32,
    /// Days between reminders for a shelf that is ready or blocked and not yet
    /// confirmed shredded.
    #[serde(default = "default_reminder_days")]
    pub reminder_days: u32,
}

fn default_min_days() -> u32 {
    62
}

fn default_reminder_days() -> u32 {
    7
}

impl RetentionConfig {
    pub fn validate(&self, issues: &mut Issues) {
        // The routine requires at least 62 days; a lower value would let
        // originals be shredded too early, so it is a config error.
        if self.min_days < 62 {
            issues.push(
                "retention.min_days",
                format!(
                    "{} er for lavt; originalene skal oppbevares minst 62 dager",
                    self.min_days
                ),
            );
        }
        if self.min_days > 3650 {
            issues.push(
                "retention.min_days",
                format!("{} er over ti år; er det en skrivefeil?", self.min_days),
            );
        }
    }
}

impl Default for RetentionConfig {
    fn default() -> Self {
        RetentionConfig {
            min_days: default_min_days(),
            reminder_days: default_reminder_days(),
        }
    }
}
