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
pub const STATUS_FILE: &str = "status.json";

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
}

#[derive(Debug, Default)]
struct Inner {
    folders: Vec<FolderStatus>,
    last_arrival: Option<DateTime<Utc>>,
    last_error: Option<ErrorNote>,
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
        crate::metrics::live().errors.inc();
        self.inner().last_error = Some(ErrorNote {
            at: Utc::now(),
            message: message.into(),
        });
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
        }
    }

    /// The systemd STATUS line, e.g. "12 i kø, 1 under OCR".
    pub fn status_line(&self) -> String {
        format!(
            "{} i kø, {} under OCR",
            self.pipeline_waiting.load(Ordering::Relaxed),
            self.in_extraction.load(Ordering::Relaxed)
        )
    }

    /// Writes the status file atomically (tmp + rename). Blocking.
    pub fn write_status_file(&self, data_dir: &Path) -> std::io::Result<()> {
        let json = serde_json::to_vec_pretty(&self.snapshot()).map_err(std::io::Error::other)?;
        let tmp = data_dir.join(format!("{STATUS_FILE}.tmp"));
        std::fs::write(&tmp, json)?;
        std::fs::rename(tmp, data_dir.join(STATUS_FILE))
    }
}

/// Reads the status file a daemon wrote, if any.
pub fn read_status_file(data_dir: &Path) -> Option<StatusFile> {
    let bytes = std::fs::read(data_dir.join(STATUS_FILE)).ok()?;
    serde_json::from_slice(&bytes).ok()
}
