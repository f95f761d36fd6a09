//! Admission: a settled file becomes an arrival. Its bytes go into the
//! content store first, then its row, then the pipeline is offered it. A
//! crash between two steps leaves what the next listing finishes: a copy
//! without a row is copied again (the store is keyed by hash), a row is
//! never written for bytes the store does not hold.

use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};
use std::time::Instant;

use chrono::{DateTime, TimeZone, Utc};

use super::super::content::{Copied, Intake as ContentIntake};
use super::super::pipeline;
use super::{bounded, Intake};
use crate::config::InboxFolder;
use crate::extract::delivery::sidecar;
use crate::item::{ItemId, ItemState, RejectCode, Source};
use crate::safe_fs;
use crate::store::items::{self, Admission, NewArrival};
use crate::watch::settle::FileStamp;

/// A file's bytes in the content store, and what it looked like after the
/// copy.
struct CopiedIn {
    copied: Copied,
    /// Above `max_file_mb`: the size, and no copy was kept.
    too_large: Option<u64>,
    /// The file's stamp after the copy: another than before means it was
    /// still being written.
    after: Option<FileStamp>,
    received_at: DateTime<Utc>,
}

impl Intake {
    /// Takes in one settled file: content copy, then the row, then the
    /// pipeline. A file already admitted (same path, size, mtime) is only
    /// remembered; a refused one still lying here is moved again.
    pub(super) async fn admit(&mut self, path: PathBuf, stamp: FileStamp) {
        let Some(folder) = self.folder_of(&path).cloned() else {
            return;
        };
        let digital = folder.source == Source::Digital;
        if digital && sidecar::is_sidecar(&path) {
            // SvarInn metadata travels with its document: read with it, and
            // moved aside with it when the printout is handed over.
            self.known.insert(path, stamp);
            return;
        }
        match self.already_admitted(&path, stamp).await {
            Ok(false) => {}
            Ok(true) => {
                self.known.insert(path, stamp);
                return;
            }
            Err(message) => return self.retry_later(path, message),
        }
        let Some(copied_in) = self.copy_in(&path, &folder, digital).await else {
            return;
        };
        if copied_in.after != Some(stamp) {
            // It changed while we copied: not settled after all.
            self.settler.observe(path, Instant::now());
            return;
        }
        self.record(path, stamp, &folder, copied_in).await;
    }

    /// Whether this very file (same path, size and mtime) is an open
    /// arrival already; a refused one still lying here is moved again. The
    /// error is the message to retry with.
    async fn already_admitted(&mut self, path: &Path, stamp: FileStamp) -> Result<bool, String> {
        let source_path = path.to_string_lossy().into_owned();
        let open = self
            .db
            .run(move |s| items::open_arrivals_at(s, &source_path))
            .await
            .map_err(|err| format!("databasefeil: {err}"))?;
        let Some(row) = open
            .iter()
            .find(|r| r.size == stamp.size && r.mtime_ns == Some(stamp.mtime_ns))
        else {
            return Ok(false);
        };
        if row.state == ItemState::Rejected {
            self.requarantine(row.id).await;
        }
        Ok(true)
    }

    /// The file's bytes into the content store (a digital file's SvarInn
    /// sidecar beside them), with its stamp and arrival time after the
    /// copy. `None` when the file went away or is no regular file any more
    /// (a later listing decides again), or could not be copied (retried).
    async fn copy_in(
        &mut self,
        path: &Path,
        folder: &InboxFolder,
        digital: bool,
    ) -> Option<CopiedIn> {
        let content = self.content.clone();
        let p = path.to_path_buf();
        let max_bytes = self.config.raw.extract.max_file_bytes();
        let copied = bounded(move || {
            let copied = content.copy_in_limited(&p, max_bytes)?;
            if let (true, ContentIntake::Copied(c)) = (digital, &copied) {
                sidecar::keep_beside(&p, &content.path_of(&c.content_path))?;
            }
            let after = FileStamp::read(&p)?;
            let meta = std::fs::symlink_metadata(&p)?;
            Ok((copied, after, meta.ctime(), meta.ctime_nsec()))
        })
        .await;
        let (copied, after, ctime, ctime_ns) = match copied {
            Ok(c) => c,
            Err(err) if err.kind() == std::io::ErrorKind::NotFound => {
                tracing::info!(folder = %folder.path.display(), "fil forsvant under kopiering");
                return None;
            }
            Err(err) if safe_fs::is_not_regular(&err) => {
                // Replaced by a link, FIFO or folder since it was listed.
                tracing::info!(folder = %folder.path.display(), "ikke en vanlig fil; hoppes over");
                return None;
            }
            Err(err) => {
                let message = format!(
                    "kan ikke kopiere fil fra {} til innholdslageret: {err}",
                    folder.path.display()
                );
                self.retry_later(path.to_path_buf(), message);
                return None;
            }
        };
        let (copied, too_large) = match copied {
            ContentIntake::Copied(c) => (c, None),
            // Above the limit: refused without a copy in the store.
            ContentIntake::TooLarge { sha256, size } => (
                Copied {
                    sha256,
                    content_path: String::new(),
                    size,
                },
                Some(size),
            ),
        };
        Some(CopiedIn {
            copied,
            too_large,
            after,
            received_at: received_at(ctime, ctime_ns),
        })
    }

    /// The arrival's row, and what follows from it: the pipeline for a new
    /// one, a refusal for one too large.
    async fn record(
        &mut self,
        path: PathBuf,
        stamp: FileStamp,
        folder: &InboxFolder,
        copied_in: CopiedIn,
    ) {
        let CopiedIn {
            copied,
            too_large,
            received_at,
            ..
        } = copied_in;
        let arrival = NewArrival {
            sha256: copied.sha256,
            source: folder.source,
            folder_unit: folder.unit.clone(),
            file_name: path
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default(),
            source_path: path.to_string_lossy().into_owned(),
            size: copied.size,
            mtime_ns: stamp.mtime_ns,
            content_path: copied.content_path,
            received_at,
        };
        let content = self.content.clone();
        let admission = self.db.run(move |s| {
            if too_large.is_none() {
                // A file the case system took and gave back (within the grace
                // period) restores its item instead of becoming a duplicate.
                crate::forget::admit_or_restore(s, &content, &arrival)
            } else {
                items::admit(s, &arrival)
            }
        });
        match (admission.await, too_large) {
            (Ok(Admission::New(id)), Some(size)) => {
                self.known.insert(path, stamp);
                self.health.arrival();
                self.refuse_too_large(id, size).await;
            }
            (Ok(outcome), _) => {
                self.known.insert(path, stamp);
                self.admitted(outcome, folder).await;
            }
            (Err(err), _) => self.retry_later(path, format!("databasefeil ved mottak: {err}")),
        }
    }

    async fn admitted(&mut self, outcome: Admission, folder: &InboxFolder) {
        let unit = folder
            .unit
            .as_ref()
            .map(|u| u.as_str())
            .unwrap_or("digital");
        match outcome {
            Admission::New(id) => {
                tracing::info!(item = %id, inbox = unit, "mottatt");
                self.health.arrival();
                self.pipeline.offer(id);
            }
            Admission::Duplicate { id, of } => {
                tracing::info!(item = %id, duplicate_of = %of, inbox = unit, "mottatt duplikat");
                self.health.arrival();
            }
            Admission::Known { id, state } => {
                if state == ItemState::Rejected {
                    self.requarantine(id).await;
                }
            }
        }
    }

    /// A file above `max_file_mb`: refused at once, before any copy.
    async fn refuse_too_large(&mut self, id: ItemId, size: u64) {
        let max = self.config.raw.extract.max_file_bytes();
        let message = format!(
            "Filen er for stor ({} MB; grensen er {} MB).",
            size / (1024 * 1024),
            max / (1024 * 1024)
        );
        let code = RejectCode::TooLarge;
        match self
            .db
            .run(move |s| items::reject(s, id, code, &message))
            .await
        {
            Ok(_) => {
                tracing::warn!(item = %id, code = code.as_str(), "avvist");
                self.requarantine(id).await;
            }
            Err(err) => self.survive(err.to_string()),
        }
    }

    /// A refused file is still in its inbox (crash between commit and move,
    /// or a failed move): move it now.
    pub(super) async fn requarantine(&mut self, id: ItemId) {
        let found = self
            .db
            .run(move |s| -> Result<_, crate::store::StoreError> {
                Ok((items::get(s, id)?, items::rejection(s, id)?))
            })
            .await;
        let (item, (code, detail)) = match found {
            Ok((Some(item), Some(rejection))) => (item, rejection),
            Ok(_) => return,
            Err(err) => return self.survive(err.to_string()),
        };
        let moved = pipeline::move_to_quarantine(&item, code, &detail).await;
        super::super::quarantine::report_folder(&self.health, &item.source_path, &moved);
        if let Err(err) = moved {
            self.survive(format!(
                "sak {id}: kan ikke flytte avvist fil til _avvist: {err}"
            ));
        }
    }
}

/// Arrival time: when the file appeared in the folder (its inode change time,
/// set by create and by rename into the folder), never in the future.
fn received_at(ctime: i64, ctime_ns: i64) -> DateTime<Utc> {
    let now = Utc::now();
    Utc.timestamp_opt(ctime, ctime_ns as u32)
        .single()
        .filter(|t| *t <= now)
        .unwrap_or(now)
}
