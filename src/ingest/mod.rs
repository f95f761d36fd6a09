//! Ingest: admission (hash, duplicate check, content store copy, item row) and
//! the pipeline driver that moves items through extract and classify.
//!
//! **Invariant:** no file leaves an inbox before its row is committed: the
//! content-store copy and the `items` row come first; a refused file is moved
//! to `_avvist/` only after its `rejected` state is committed.
//! **Invariant:** the watcher never waits on OCR: admission hands item ids to a
//! bounded queue with `try_send`; what does not fit stays `admitted` in the
//! store and the sweeper offers it again (the store is the queue's truth).
//!
//! Files: [`content`] (content store), [`intake`] (watch → settle → admit →
//! registration), [`pipeline`] (extract → classify → queued), [`quarantine`]
//! (`_avvist/` and reason files), [`health`] (what `status` and systemd see),
//! [`rest`] (memory given back when the post has been read).

pub mod content;
pub mod direct;
pub mod engines;
pub mod health;
pub mod intake;
pub mod pipeline;
pub mod printout;
pub mod quarantine;
pub mod rest;

use serde::Deserialize;

use crate::config::ConfigIssue;

pub use health::Health;

/// The `[ingest]` section of the config file.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct IngestConfig {
    /// Items waiting between admission and extraction (in memory; the rest
    /// wait in the store).
    pub queue_capacity: usize,
    /// Items extracted at the same time; 0 = OCR workers + 1.
    pub workers: usize,
}

impl Default for IngestConfig {
    fn default() -> Self {
        IngestConfig {
            queue_capacity: 64,
            workers: 0,
        }
    }
}

impl IngestConfig {
    pub fn validate(&self) -> Vec<ConfigIssue> {
        let mut issues = Vec::new();
        if !(1..=10_000).contains(&self.queue_capacity) {
            issues.push(ConfigIssue {
                key: "ingest.queue_capacity".into(),
                message: format!("{} er utenfor tillatt område 1–10000", self.queue_capacity),
            });
        }
        if self.workers > 256 {
            issues.push(ConfigIssue {
                key: "ingest.workers".into(),
                message: format!(
                    "{} er for mange; tillatt 0 (= antall kjerner) til 256",
                    self.workers
                ),
            });
        }
        issues
    }

    /// The number of pipeline workers: as configured, else one more than the
    /// OCR workers, so the OCR pool stays busy while a worker stores its
    /// results and classifies.
    pub fn effective_workers(&self, ocr_workers: usize) -> usize {
        if self.workers > 0 {
            self.workers
        } else {
            ocr_workers.max(1) + 1
        }
    }
}
