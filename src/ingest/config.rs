//! The `[ingest]` config section and `[digital] printout_to`. Uses only the
//! shared config vocabulary (`crate::issues`), so `config` can assemble it
//! without a dependency circle.

use serde::Deserialize;

use crate::issues::Issues;

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
    pub fn validate(&self, issues: &mut Issues) {
        if !(1..=10_000).contains(&self.queue_capacity) {
            issues.push(
                "ingest.queue_capacity",
                format!("{} er utenfor tillatt område 1–10000", self.queue_capacity),
            );
        }
        if self.workers > 256 {
            issues.push(
                "ingest.workers",
                format!(
                    "{} er for mange; tillatt 0 (= antall kjerner) til 256",
                    self.workers
                ),
            );
        }
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

/// Where printouts go (`[digital] printout_to`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum PrintoutTarget {
    /// The scan folder of the unit the item is allocated to.
    #[default]
    Unit,
    /// The digital share itself.
    Digital,
}
