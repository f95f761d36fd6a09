//! Health: what the running daemon knows about itself, shared by its tasks
//! and published as `data_dir/status.json` (read by `postmottak status`) and
//! as the systemd STATUS line. Counters are atomics; the rest sits behind a
//! std mutex held only for a copy.
//!
//! Messages here name folders and item ids, never file contents.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// File name of the status file inside `data_dir`.
pub const STATUS_FILE: &str = crate::data_dir::DataDir::STATUS;

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct FolderStatus {
    pub path: PathBuf,
    /// `None` for the digital share.
    pub unit: Option<String>,
    pub source: String,
    /// "native" | "poll"
    pub mode: String,
    /// Norwegian explanation, e.g. "avspørring (nettverksdisk: Cifs)".
    pub mode_text: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ErrorNote {
    pub at: DateTime<Utc>,
    pub message: String,
}

/// The status file's content.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct StatusFile {
    pub pid: u32,
    pub started_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub folders: Vec<FolderStatus>,
    /// Files seen but not yet settled.
    pub settling: usize,
    /// Items admitted and waiting for extraction/classification.
    pub pipeline_waiting: usize,
    /// Items being extracted right now.
    pub in_extraction: usize,
    pub last_arrival: Option<DateTime<Utc>>,
    pub last_error: Option<ErrorNote>,
    /// Everything wrong right now (a folder gone, `_avvist` unusable, a stage
    /// stuck), each with since when. Empty when healthy; `status` exits
    /// non-zero while it is not.
    #[serde(default)]
    pub problems: Vec<Problem>,
}

/// Something wrong now, not a passing error.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct Problem {
    /// Stable key: `folder:<path>`, `avvist:<path>`, `stage:intake`, …
    pub key: String,
    /// Norwegian, for the admin; person IDs masked.
    pub message: String,
    pub since: DateTime<Utc>,
}

/// The stages whose progress the watchdog vouches for.
pub const STAGES: &[&str] = &["intake", "pipeline", "mail"];

/// How long a stage may go without progress before it counts as stuck. The
/// intake loop comes round at least every 250 ms and bounds its blocking
/// calls ([`crate::ingest::intake`]); a pipeline worker may read a long PDF
/// for minutes (extraction has its own per-page deadlines); the mailer waits
/// on SMTP timeouts.
pub fn stall_limit(stage: &str) -> std::time::Duration {
    std::time::Duration::from_secs(match stage {
        "intake" => 120,
        "pipeline" => 900,
        _ => 600,
    })
}

#[derive(Debug, Default)]
struct Inner {
    folders: Vec<FolderStatus>,
    last_arrival: Option<DateTime<Utc>>,
    last_error: Option<ErrorNote>,
    problems: Vec<Problem>,
    /// Last time each stage's loop came round (see [`Health::beat`]).
    beats: std::collections::HashMap<&'static str, std::time::Instant>,
}

#[derive(Debug)]
pub struct Health {
    started_at: DateTime<Utc>,
    pub in_extraction: AtomicUsize,
    pub settling: AtomicUsize,
    pub pipeline_waiting: AtomicUsize,
    inner: Mutex<Inner>,
}

impl Default for Health {
    fn default() -> Self {
        Health {
            started_at: Utc::now(),
            in_extraction: AtomicUsize::new(0),
            settling: AtomicUsize::new(0),
            pipeline_waiting: AtomicUsize::new(0),
            inner: Mutex::new(Inner::default()),
        }
    }
}

impl Health {
    fn inner(&self) -> std::sync::MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }

    pub fn set_folders(&self, folders: Vec<FolderStatus>) {
        self.inner().folders = folders;
    }

    pub fn arrival(&self) {
        self.inner().last_arrival = Some(Utc::now());
    }

    /// Records an error that was survived (and is logged by the caller).
    pub fn error(&self, message: impl Into<String>) {
        let message = crate::privacy::mask_person_ids(&message.into()).into_owned();
        crate::metrics::live().errors.inc();
        self.inner().last_error = Some(ErrorNote {
            at: Utc::now(),
            message,
        });
    }

    /// Records (or keeps, with its first `since`) a problem under `key`.
    pub fn set_problem(&self, key: &str, message: impl Into<String>) {
        let message = crate::privacy::mask_person_ids(&message.into()).into_owned();
        let mut inner = self.inner();
        match inner.problems.iter_mut().find(|p| p.key == key) {
            Some(p) => p.message = message,
            None => inner.problems.push(Problem {
                key: key.to_owned(),
                message,
                since: Utc::now(),
            }),
        }
    }

    /// The problem under `key` is over.
    pub fn clear_problem(&self, key: &str) {
        self.inner().problems.retain(|p| p.key != key);
    }

    pub fn problems(&self) -> Vec<Problem> {
        self.inner().problems.clone()
    }

    /// A stage's loop came round: it is making progress. Called by the
    /// intake loop, the pipeline's sweeper and workers, and the mailer.
    pub fn beat(&self, stage: &'static str) {
        self.inner().beats.insert(stage, std::time::Instant::now());
    }

    /// Stages that beat at least once and then not for their
    /// [`stall_limit`]: stuck. Each stuck stage is also recorded as a
    /// problem (`stage:<name>`), and cleared when it beats again.
    pub fn stalled(&self) -> Vec<&'static str> {
        self.stalled_at(std::time::Instant::now(), stall_limit)
    }

    fn stalled_at(
        &self,
        now: std::time::Instant,
        limit_of: impl Fn(&str) -> std::time::Duration,
    ) -> Vec<&'static str> {
        let stalled: Vec<&'static str> = {
            let inner = self.inner();
            STAGES
                .iter()
                .copied()
                .filter(|s| {
                    inner
                        .beats
                        .get(s)
                        .is_some_and(|at| now.saturating_duration_since(*at) > limit_of(s))
                })
                .collect()
        };
        for stage in STAGES {
            let key = format!("stage:{stage}");
            if stalled.contains(stage) {
                self.set_problem(
                    &key,
                    format!(
                        "{stage} står fast (ingen framdrift på over {} s); tjenesten bør startes på nytt",
                        limit_of(stage).as_secs()
                    ),
                );
            } else {
                self.clear_problem(&key);
            }
        }
        stalled
    }

    pub fn snapshot(&self) -> StatusFile {
        let inner = self.inner();
        StatusFile {
            pid: std::process::id(),
            started_at: self.started_at,
            updated_at: Utc::now(),
            folders: inner.folders.clone(),
            settling: self.settling.load(Ordering::Relaxed),
            pipeline_waiting: self.pipeline_waiting.load(Ordering::Relaxed),
            in_extraction: self.in_extraction.load(Ordering::Relaxed),
            last_arrival: inner.last_arrival,
            last_error: inner.last_error.clone(),
            problems: inner.problems.clone(),
        }
    }

    /// The systemd STATUS line, e.g. "12 i kø, 1 under OCR".
    pub fn status_line(&self) -> String {
        if let Some(p) = self.inner().problems.first() {
            return format!(
                "FEIL: {} ({} i kø, {} under OCR)",
                p.message,
                self.pipeline_waiting.load(Ordering::Relaxed),
                self.in_extraction.load(Ordering::Relaxed)
            );
        }
        format!(
            "{} i kø, {} under OCR",
            self.pipeline_waiting.load(Ordering::Relaxed),
            self.in_extraction.load(Ordering::Relaxed)
        )
    }

    /// Writes the status file atomically (fresh tmp + rename, never through
    /// a link; mode 0640). Blocking.
    pub fn write_status_file(&self, data_dir: &Path) -> std::io::Result<()> {
        let json = serde_json::to_vec_pretty(&self.snapshot()).map_err(std::io::Error::other)?;
        let dir = crate::safe_fs::OwnDir::open(data_dir, false)
            .map_err(crate::safe_fs::DirProblem::into_io)?;
        dir.write_atomic(STATUS_FILE.as_ref(), &json, 0o640)
    }
}

/// Reads the status file a daemon wrote, if any.
pub fn read_status_file(data_dir: &Path) -> Option<StatusFile> {
    let bytes = std::fs::read(crate::data_dir::DataDir::new(data_dir).status_file()).ok()?;
    serde_json::from_slice(&bytes).ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::{Duration, Instant};

    #[test]
    fn a_stage_without_progress_is_stalled_and_named_until_it_moves() {
        let health = Health::default();
        health.beat("intake");
        health.beat("pipeline");
        let later = Instant::now() + Duration::from_secs(10);
        let limit = |s: &str| Duration::from_secs(if s == "intake" { 5 } else { 60 });
        assert_eq!(health.stalled_at(later, limit), vec!["intake"]);
        let problems = health.problems();
        assert_eq!(problems.len(), 1);
        assert!(problems[0].message.contains("intake står fast"));
        assert!(health.status_line().starts_with("FEIL"));
        health.beat("intake");
        assert!(health.stalled_at(Instant::now(), limit).is_empty());
        assert!(health.problems().is_empty());
    }

    #[test]
    fn problems_keep_their_first_since_and_mask_person_ids() {
        let health = Health::default();
        health.set_problem("folder:/x", "mappen 150679 40013 er borte");
        let since = health.problems()[0].since;
        health.set_problem("folder:/x", "mappen 150679 40013 er fortsatt borte");
        let p = &health.problems()[0];
        assert_eq!(p.since, since);
        assert!(p.message.contains("150679*****"), "{}", p.message);
    }
}
