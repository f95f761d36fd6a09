//! Native watchers: notify's inotify backend on local folders, turned into
//! [`Hint`]s on a bounded channel. The callback never blocks: when the channel
//! is full the hint is dropped and the overflow flag asks the intake for a
//! full rescan, exactly like inotify's own queue overflow.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use notify::event::{AccessKind, AccessMode};
use notify::{EventKind, RecommendedWatcher, RecursiveMode, Watcher};
use tokio::sync::mpsc;

/// "Look at this now."
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Hint {
    /// Something happened to this path (created, written, renamed, removed).
    Path(PathBuf),
    /// The writer closed this file after writing.
    ClosedWrite(PathBuf),
    /// Events were lost; list every folder again.
    Rescan,
}

#[derive(Debug, thiserror::Error)]
pub enum WatchError {
    #[error("kan ikke starte filovervåking: {0}")]
    Init(notify::Error),
    #[error("kan ikke overvåke {path}: {message}")]
    Watch { path: PathBuf, message: String },
}

pub struct FolderWatchers {
    watcher: RecommendedWatcher,
    watched: Vec<PathBuf>,
    overflow: Arc<AtomicBool>,
}

impl FolderWatchers {
    pub fn new(tx: mpsc::Sender<Hint>) -> Result<FolderWatchers, WatchError> {
        let overflow = Arc::new(AtomicBool::new(false));
        let flag = overflow.clone();
        let send = move |hint: Hint| {
            if tx.try_send(hint).is_err() {
                flag.store(true, Ordering::Relaxed);
            }
        };
        let watcher = notify::recommended_watcher(move |res: notify::Result<notify::Event>| {
            match res {
                Ok(event) => {
                    if event.need_rescan() {
                        send(Hint::Rescan);
                    }
                    let closed = matches!(
                        event.kind,
                        EventKind::Access(AccessKind::Close(AccessMode::Write))
                    );
                    if matches!(event.kind, EventKind::Access(_)) && !closed {
                        return; // reads (ours included) change nothing
                    }
                    for path in event.paths {
                        send(if closed {
                            Hint::ClosedWrite(path)
                        } else {
                            Hint::Path(path)
                        });
                    }
                }
                Err(err) => {
                    tracing::warn!(error = %err, "feil fra filovervåkingen; leser alle mapper på nytt");
                    send(Hint::Rescan);
                }
            }
        })
        .map_err(WatchError::Init)?;
        Ok(FolderWatchers {
            watcher,
            watched: Vec::new(),
            overflow,
        })
    }

    /// Starts native events for a folder (top level only).
    pub fn watch(&mut self, folder: &Path) -> Result<(), WatchError> {
        if self.watched.iter().any(|p| p == folder) {
            return Ok(());
        }
        self.watcher
            .watch(folder, RecursiveMode::NonRecursive)
            .map_err(|e| WatchError::Watch {
                path: folder.to_owned(),
                message: describe(&e),
            })?;
        self.watched.push(folder.to_owned());
        Ok(())
    }

    pub fn unwatch(&mut self, folder: &Path) {
        if let Some(i) = self.watched.iter().position(|p| p == folder) {
            self.watched.remove(i);
            // The folder may already be gone; nothing to undo then.
            let _ = self.watcher.unwatch(folder);
        }
    }

    /// True once after hints were dropped: the caller must rescan.
    pub fn take_overflow(&self) -> bool {
        self.overflow.swap(false, Ordering::Relaxed)
    }
}

/// Clear words for the errors admins meet (watchexec's lesson).
fn describe(e: &notify::Error) -> String {
    match &e.kind {
        notify::ErrorKind::MaxFilesWatch => {
            "grensen for inotify-overvåkinger er nådd (øk fs.inotify.max_user_watches)".into()
        }
        notify::ErrorKind::PathNotFound => "mappen finnes ikke".into(),
        notify::ErrorKind::Io(io) if io.kind() == std::io::ErrorKind::PermissionDenied => {
            "mangler tilgang til mappen".into()
        }
        _ => e.to_string(),
    }
}
