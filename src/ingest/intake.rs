//! The intake task: watch → settle → admit, and registration. It owns the
//! watchers, the settler and the list of inbox folders; SIGHUP hands it a new
//! config and it adds or drops folders without a restart.
//!
//! Every source of truth is the folder listing and `stat`: events from notify
//! only point at a path ([`Hint`]); rescans run at start-up, every
//! `rescan_secs`, and whenever notify reports lost events. Polled folders are
//! simply listed every `poll_interval_ms`.
//!
//! Failures here (full disk, unreadable file, database busy) are logged,
//! recorded in [`Health`] and retried; they never stop the task.

use std::collections::HashMap;
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};
use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::{Duration, Instant};

use tokio::sync::{mpsc, watch};
use tokio_util::sync::CancellationToken;

use super::content::ContentStore;
use super::health::{FolderStatus, Health};
use super::pipeline::Pipeline;
use crate::config::{Config, InboxFolder};
use crate::store::Db;
use crate::watch::settle::FileStamp;
use crate::watch::{fs_kind, FolderWatchers, Hint, IgnoreSet, Settler, Verdict, WatchMode};

/// How long to wait before retrying a file whose admission failed (disk
/// full, unreadable).
const RETRY_AFTER: Duration = Duration::from_secs(5);

mod admit;
mod problems;
mod registration;

/// The longest any one blocking file operation of the intake (copy, hash,
/// rename search) may take before the intake gives up on it and goes on:
/// nothing on the intake path waits without a deadline. Well under the
/// intake's stall limit ([`super::health::stall_limit`]).
const IO_DEADLINE: Duration = Duration::from_secs(90);

/// Runs blocking file work off the async threads, bounded by [`IO_DEADLINE`].
async fn bounded<T: Send + 'static>(
    f: impl FnOnce() -> std::io::Result<T> + Send + 'static,
) -> std::io::Result<T> {
    match tokio::time::timeout(IO_DEADLINE, tokio::task::spawn_blocking(f)).await {
        Ok(Ok(result)) => result,
        Ok(Err(join)) => Err(std::io::Error::other(join.to_string())),
        Err(_) => Err(std::io::Error::new(
            std::io::ErrorKind::TimedOut,
            format!("filoperasjonen tok mer enn {} s", IO_DEADLINE.as_secs()),
        )),
    }
}

struct Watched {
    folder: InboxFolder,
    mode: WatchMode,
    /// Device of the folder when watching started. A different device (or
    /// none) means the share is unmounted or the folder replaced: its files
    /// only *look* gone, so nothing in it may be marked registered.
    device: Option<u64>,
}

/// The settle tick, the poll interval and the full rescan, from `[watch]`
/// (the rescan's first tick is one period away: start-up already listed).
fn timers(
    w: &crate::watch::WatchConfig,
) -> (
    tokio::time::Interval,
    tokio::time::Interval,
    tokio::time::Interval,
) {
    let mut tick = tokio::time::interval(
        Duration::from_millis(w.settle_ms / 10)
            .clamp(Duration::from_millis(20), Duration::from_millis(250)),
    );
    let mut poll = tokio::time::interval(Duration::from_millis(w.poll_interval_ms));
    let mut rescan = tokio::time::interval(Duration::from_secs(w.rescan_secs));
    for t in [&mut tick, &mut poll, &mut rescan] {
        t.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    }
    rescan.reset();
    (tick, poll, rescan)
}

fn device_of(path: &Path) -> Option<u64> {
    std::fs::metadata(path)
        .ok()
        .filter(|m| m.is_dir())
        .map(|m| m.dev())
}

pub struct Intake {
    config: Arc<Config>,
    folders: Vec<Watched>,
    db: Db,
    content: Arc<ContentStore>,
    settler: Settler,
    ignore: IgnoreSet,
    watchers: FolderWatchers,
    hints: mpsc::Receiver<Hint>,
    /// Files already admitted and unchanged since: skipped by rescans.
    known: HashMap<PathBuf, FileStamp>,
    retry: Vec<(Instant, PathBuf)>,
    /// Native folders that could not be listed: their inotify watch died with
    /// them and is renewed once they can be listed again.
    lost: std::collections::HashSet<PathBuf>,
    pipeline: Arc<Pipeline>,
    health: Arc<Health>,
}

#[derive(Debug, thiserror::Error)]
pub enum IntakeError {
    #[error(transparent)]
    Watch(#[from] crate::watch::watcher::WatchError),
}

impl Intake {
    pub fn new(
        config: Arc<Config>,
        db: Db,
        content: Arc<ContentStore>,
        pipeline: Arc<Pipeline>,
        health: Arc<Health>,
    ) -> Result<Intake, IntakeError> {
        let (tx, hints) = mpsc::channel(4096);
        let watchers = FolderWatchers::new(tx)?;
        let w = &config.raw.watch;
        let mut intake = Intake {
            settler: Settler::new(
                Duration::from_millis(w.settle_ms),
                Duration::from_secs(w.incomplete_grace_secs),
            ),
            ignore: w.ignore_set(),
            config,
            folders: Vec::new(),
            db,
            content,
            watchers,
            hints,
            known: HashMap::new(),
            retry: Vec::new(),
            lost: std::collections::HashSet::new(),
            pipeline,
            health,
        };
        // Watches are set up here, before any task runs, so the first status
        // file already says how each folder is watched.
        intake.apply_config(intake.config.clone());
        Ok(intake)
    }

    pub async fn run(
        mut self,
        mut configs: watch::Receiver<Arc<Config>>,
        token: CancellationToken,
    ) -> Result<(), IntakeError> {
        self.rescan_all().await;
        let (mut tick, mut poll, mut rescan) = timers(&self.config.raw.watch);
        loop {
            // Each turn of this loop is progress; a turn that never ends (a
            // blocked call) stops the beat and the watchdog with it.
            self.health.beat("intake");
            tokio::select! {
                _ = token.cancelled() => return Ok(()),
                Some(hint) = self.hints.recv() => self.on_hint(hint).await,
                _ = tick.tick() => self.on_tick().await,
                _ = poll.tick() => self.poll_folders().await,
                _ = rescan.tick() => self.rescan_all().await,
                changed = configs.changed() => {
                    if changed.is_err() { return Ok(()); }
                    let config = configs.borrow_and_update().clone();
                    // A reload applies the watch intervals too (SIGHUP
                    // re-reads every section).
                    (tick, poll, rescan) = timers(&config.raw.watch);
                    self.apply_config(config);
                    self.rescan_all().await;
                }
            }
        }
    }

    /// Starts watching the folders of `config`, stops watching folders no
    /// longer in it.
    fn apply_config(&mut self, config: Arc<Config>) {
        let wanted = config.inbox_folders();
        let mut kept = Vec::new();
        for w in std::mem::take(&mut self.folders) {
            if wanted.contains(&w.folder) {
                // A reload (SIGHUP) accepts the folder as it is now.
                let device = device_of(&w.folder.path);
                kept.push(Watched { device, ..w });
            } else {
                tracing::info!(folder = %w.folder.path.display(), "slutter å overvåke mappe");
                self.watchers.unwatch(&w.folder.path);
            }
        }
        for folder in wanted {
            if kept.iter().any(|w| w.folder == folder) {
                continue;
            }
            let mut mode = fs_kind::choose(&folder.path, folder.poll);
            if mode == WatchMode::Native {
                if let Err(err) = self.watchers.watch(&folder.path) {
                    tracing::error!(error = %err, "bruker avspørring i stedet");
                    self.health.error(err.to_string());
                    mode = WatchMode::Poll(fs_kind::PollReason::NativeFailed);
                }
            }
            tracing::info!(folder = %folder.path.display(), mode = %mode, "overvåker mappe");
            let device = device_of(&folder.path);
            kept.push(Watched {
                folder,
                mode,
                device,
            });
        }
        self.folders = kept;
        self.ignore = config.raw.watch.ignore_set();
        self.settler.set_timing(
            Duration::from_millis(config.raw.watch.settle_ms),
            Duration::from_secs(config.raw.watch.incomplete_grace_secs),
        );
        self.config = config;
        self.health.set_folders(
            self.folders
                .iter()
                .map(|w| FolderStatus {
                    path: w.folder.path.clone(),
                    unit: w.folder.unit.as_ref().map(|u| u.to_string()),
                    source: w.folder.source.as_str().into(),
                    mode: w.mode.as_str().into(),
                    mode_text: w.mode.to_string(),
                })
                .collect(),
        );
    }

    /// Caseworkers' scanner shelves (sub-folders of a `direct_allocation`
    /// unit, see `ingest::direct`) come and go while the daemon runs: watch
    /// the folders the config names now.
    fn follow_shelves(&mut self) {
        if !self.config.raw.units.iter().any(|u| u.direct_allocation) {
            return;
        }
        let wanted = self.config.inbox_folders();
        let same = wanted.len() == self.folders.len()
            && wanted
                .iter()
                .all(|f| self.folders.iter().any(|w| &w.folder == f));
        if !same {
            let new: Vec<PathBuf> = wanted
                .iter()
                .filter(|f| !self.folders.iter().any(|w| &w.folder == *f))
                .map(|f| f.path.clone())
                .collect();
            self.apply_config(self.config.clone());
            // Files put there before the watch began.
            for path in new {
                self.list_folder(&path);
            }
        }
    }

    fn folder_of(&self, path: &Path) -> Option<&InboxFolder> {
        let parent = path.parent()?;
        self.folders
            .iter()
            .map(|w| &w.folder)
            .find(|f| f.path == parent)
    }

    fn is_candidate_name(&self, path: &Path) -> bool {
        path.file_name()
            .and_then(|n| n.to_str())
            .is_some_and(|n| !self.ignore.is_ignored(n))
    }

    async fn on_hint(&mut self, hint: Hint) {
        let now = Instant::now();
        // A folder appeared or went in an inbox: maybe a caseworker's shelf.
        if matches!(&hint, Hint::Path(p) if p.is_dir() || self.folders.iter().any(|w| &w.folder.path == p))
        {
            self.follow_shelves();
        }
        match hint {
            Hint::Rescan => self.rescan_all().await,
            Hint::Path(path) | Hint::ClosedWrite(path)
                if self.folder_of(&path).is_none() || !self.is_candidate_name(&path) => {}
            Hint::ClosedWrite(path) => {
                // The writer is done: check at once rather than at the next tick.
                self.settler.close_write(path, now);
                self.on_tick().await;
            }
            Hint::Path(path) => match FileStamp::read(&path) {
                Ok(Some(stamp)) if self.known.get(&path) == Some(&stamp) => {}
                Ok(Some(_)) => self.settler.observe(path, now),
                Ok(None) => {
                    self.settler.forget(&path);
                    self.known.remove(&path);
                    self.check_registrations(Some(path)).await;
                }
                Err(_) => self.settler.observe(path, now),
            },
        }
        self.health
            .settling
            .store(self.settler.len(), Ordering::Relaxed);
    }

    async fn on_tick(&mut self) {
        if self.watchers.take_overflow() {
            tracing::warn!("hendelser gikk tapt; leser alle mapper på nytt");
            self.rescan_all().await;
        }
        let now = Instant::now();
        let due: Vec<PathBuf> = {
            let (due, later): (Vec<_>, Vec<_>) = std::mem::take(&mut self.retry)
                .into_iter()
                .partition(|(at, _)| *at <= now);
            self.retry = later;
            due.into_iter().map(|(_, p)| p).collect()
        };
        for path in due {
            self.settler.observe(path, now);
        }
        for verdict in self.settler.check(now) {
            match verdict {
                Verdict::Ready(path, stamp) => self.admit(path, stamp).await,
                Verdict::Gone(path) => {
                    tracing::info!(folder = ?path.parent(), "fil forsvant før den var ferdig skrevet");
                    self.check_registrations(Some(path)).await;
                }
            }
        }
        self.health
            .settling
            .store(self.settler.len(), Ordering::Relaxed);
    }

    /// Lists one folder and observes every new or changed file in it.
    /// Returns false when the folder cannot be listed.
    fn list_folder(&mut self, folder: &Path) -> bool {
        let entries = match std::fs::read_dir(folder) {
            Ok(e) => e,
            Err(err) => {
                let msg = format!("kan ikke lese mappen {}: {err}", folder.display());
                tracing::error!("{msg}");
                self.health.error(msg);
                return false;
            }
        };
        let now = Instant::now();
        let mut unreadable = Vec::new();
        for entry in entries.flatten() {
            let path = entry.path();
            // The entry's own type, links not followed: FIFOs, sockets,
            // devices, folders and links are never candidates.
            if !entry.file_type().is_ok_and(|t| t.is_file()) {
                continue;
            }
            if entry.file_name().to_str().is_none() {
                unreadable.push(entry.file_name().to_string_lossy().into_owned());
                continue;
            }
            if !self.is_candidate_name(&path) {
                continue;
            }
            let Ok(meta) = entry.metadata() else { continue };
            if self.known.get(&path) == Some(&FileStamp::of(&meta)) {
                continue;
            }
            self.settler.observe(path, now);
        }
        problems::report_unreadable_names(&self.health, folder, &unreadable);
        true
    }

    async fn poll_folders(&mut self) {
        let polled: Vec<PathBuf> = self
            .folders
            .iter()
            .filter(|w| matches!(w.mode, WatchMode::Poll(_)))
            .map(|w| w.folder.path.clone())
            .collect();
        if polled.is_empty() {
            return;
        }
        for folder in &polled {
            self.list_folder(folder);
        }
        // On a polled share, deletions are only seen by listing.
        self.check_registrations(None).await;
    }

    async fn rescan_all(&mut self) {
        self.follow_shelves();
        let folders: Vec<(PathBuf, WatchMode)> = self
            .folders
            .iter()
            .map(|w| (w.folder.path.clone(), w.mode))
            .collect();
        self.known.retain(|p, _| p.exists());
        for w in &self.folders {
            let key = format!("folder:{}", w.folder.path.display());
            let now = device_of(&w.folder.path);
            if now.is_none() || (w.device.is_some() && now != w.device) {
                let msg = format!(
                    "mappen {} er borte, avmontert eller byttet ut; ingen saker markeres som registrert derfra før den er tilbake eller konfigurasjonen leses på nytt (SIGHUP)",
                    w.folder.path.display()
                );
                tracing::warn!("{msg}");
                self.health.error(msg.clone());
                self.health.set_problem(&key, msg);
            } else {
                self.health.clear_problem(&key);
                problems::check_quarantine_dir(&self.health, &w.folder.path);
            }
        }
        for (folder, mode) in &folders {
            let listed = self.list_folder(folder);
            if *mode != WatchMode::Native {
                continue;
            }
            if !listed {
                self.lost.insert(folder.clone());
            } else if self.lost.remove(folder) {
                // The folder came back (deleted and recreated, share remounted).
                self.watchers.unwatch(folder);
                if let Some(w) = self.folders.iter_mut().find(|w| &w.folder.path == folder) {
                    w.device = device_of(folder);
                }
                match self.watchers.watch(folder) {
                    Ok(()) => {
                        tracing::info!(folder = %folder.display(), "mappen er tilbake; overvåker igjen")
                    }
                    Err(err) => self.survive(err.to_string()),
                }
            }
        }
        self.check_registrations(None).await;
    }

    fn survive(&self, message: String) {
        tracing::error!("{message}");
        self.health.error(message);
    }

    fn retry_later(&mut self, path: PathBuf, message: String) {
        self.survive(message);
        self.retry.push((Instant::now() + RETRY_AFTER, path));
    }
}
