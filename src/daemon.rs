//! The daemon (`postmottak run`): wires the named tasks, shutdown, systemd
//! notification and SIGHUP reloads.
//!
//! Tasks (each a tokio task in one [`TaskTracker`], all stopped by one
//! [`CancellationToken`]):
//! - `intake`: watchers, settle, admission, registration ([`Intake`]);
//! - `pipeline-N`: extraction and classification workers;
//! - `sweeper`: offers waiting items from the store (resume after restart);
//! - `status`: status file, systemd STATUS and watchdog pings;
//! - `forget`: deletes postmottak's own copies the policy says are due
//!   (at start-up, then daily; `forget::run_daemon`);
//! - the board and the mailer (spawned below by their owners).
//!
//! SIGTERM/SIGINT: stop taking new work, finish the items being extracted
//! (bounded by [`DRAIN_TIMEOUT`]; anything unfinished resumes at the next
//! start), exit 0. SIGHUP: reload and validate the config; a good one is
//! handed to the intake (folders added/removed) and to every service that
//! reads its config at start (`reload::restart_on_reload`), a bad one is
//! logged and the old one kept. A task that fails stops the service with a
//! non-zero exit, so systemd restarts it; per-file problems never do.

use std::future::Future;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use sd_notify::NotifyState;
use tokio::signal::unix::{signal, SignalKind};
use tokio::sync::watch;
use tokio_util::sync::CancellationToken;
use tokio_util::task::TaskTracker;

use crate::config::{Config, ConfigError};
use crate::data_dir::DataDir;
use crate::ingest::content::ContentStore;
use crate::ingest::engines::RealEngines;
use crate::ingest::intake::Intake;
use crate::ingest::pipeline::{Engines, Pipeline};
use crate::ingest::Health;
use crate::store::{Db, PersonIdKey, Store};

mod accept;

/// How long a graceful stop waits for items being extracted.
pub const DRAIN_TIMEOUT: Duration = Duration::from_secs(60);

#[derive(Debug, thiserror::Error)]
pub enum DaemonError {
    #[error(transparent)]
    Config(#[from] ConfigError),
    #[error("kan ikke lage datamappen {path}: {source}")]
    DataDir {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("en annen postmottak kjører allerede med datamappen {path}; stopp den først")]
    AlreadyRunning { path: PathBuf },
    #[error(transparent)]
    Store(#[from] crate::store::StoreError),
    #[error(transparent)]
    Key(#[from] crate::store::person_key::KeyError),
    #[error("kan ikke starte tekstlesingen: {0}")]
    Extract(String),
    #[error("kan ikke laste klassifiseringsreglene: {0}")]
    Classify(String),
    #[error(transparent)]
    Intake(#[from] crate::ingest::intake::IntakeError),
    #[error("tjenesten {task} stoppet med feil: {message}")]
    TaskFailed { task: String, message: String },
}

/// Everything built before the tasks start; failing here means the service
/// cannot run at all.
struct Parts {
    /// Held for the daemon's lifetime: one daemon per data folder (two would
    /// clean each other's content scratch files and double every event).
    _lock: nix::fcntl::Flock<std::fs::File>,
    config: Arc<Config>,
    db: Db,
    content: Arc<ContentStore>,
    engines: Arc<dyn Engines>,
    /// The same extractor, for the board's page images (one pdfium per process).
    renderer: Arc<dyn crate::web::PageRenderer>,
    health: Arc<Health>,
}

fn prepare(config_path: &Path) -> Result<Parts, DaemonError> {
    // The one validation pass `check-config` and `process` also use, as a
    // SIGHUP takes it too.
    let accepted = accept::accept(config_path)?;
    let health = Arc::new(Health::default());
    accepted.tell(&health);
    let config = accepted.config;
    let data_dir = open_data_dir(&config)?;
    let lock = lock_data_dir(&data_dir)?;
    let store = Store::open(&data_dir.database())?;
    let key = PersonIdKey::load_or_create(&data_dir)?;
    let content = ContentStore::open(&data_dir).map_err(|source| DaemonError::DataDir {
        path: data_dir.content(),
        source,
    })?;
    let extractor = crate::extract::Extractor::new(&config.raw.extract)
        .map_err(|e| DaemonError::Extract(e.to_string()))?;
    let engines = Arc::new(
        RealEngines::new(extractor, accepted.classifier, key)
            .with_unit_fallback(accepted.unit_fallback),
    );
    Ok(Parts {
        _lock: lock,
        config: Arc::new(config),
        db: Db::new(store),
        content: Arc::new(content),
        engines: engines.clone(),
        renderer: engines,
        health,
    })
}

/// Creates the data folder and closes it to others.
fn open_data_dir(config: &Config) -> Result<DataDir, DaemonError> {
    let data_dir = config.data_dir();
    std::fs::create_dir_all(&data_dir).map_err(|source| DaemonError::DataDir {
        path: data_dir.to_path_buf(),
        source,
    })?;
    // Data written before the umask was set (an older version, a hand start)
    // may be world-readable: closing the folder to others closes it all.
    crate::safe_fs::close_to_others(&data_dir).map_err(|source| DaemonError::DataDir {
        path: data_dir.to_path_buf(),
        source,
    })?;
    Ok(data_dir)
}

/// Takes `data_dir/postmottak.lock` (flock; released by the kernel when the
/// process dies, so a `kill -9` never leaves a stale lock).
fn lock_data_dir(data_dir: &DataDir) -> Result<nix::fcntl::Flock<std::fs::File>, DaemonError> {
    use nix::fcntl::{Flock, FlockArg};
    let path = data_dir.lock_file();
    let file = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&path)
        .map_err(|source| DaemonError::DataDir {
            path: path.clone(),
            source,
        })?;
    Flock::lock(file, FlockArg::LockExclusiveNonblock).map_err(|_| DaemonError::AlreadyRunning {
        path: data_dir.to_path_buf(),
    })
}

/// Runs the daemon until SIGTERM/SIGINT (Ok) or a task failure (Err).
pub async fn run(config_path: PathBuf) -> Result<(), DaemonError> {
    let handlers = install_signal_handlers();
    let parts = start_up(config_path.clone()).await?;
    let tasks = Tasks::new();
    let (config_tx, config_rx) = watch::channel(parts.config.clone());
    let workers = spawn_intake_and_pipeline(&tasks, &parts, config_rx.clone())?;
    spawn_housekeeping(&tasks, &parts, &config_tx);
    spawn_services(&tasks, &parts, config_rx);
    tracing::info!(
        workers,
        folders = parts.config.inbox_folders().len(),
        "postmottak kjører"
    );
    notify(&[NotifyState::Ready, NotifyState::Status("starter")]);

    signals(
        handlers,
        &config_path,
        &config_tx,
        &parts.health,
        &tasks.token,
    )
    .await;

    notify(&[NotifyState::Stopping]);
    drain(&tasks).await;
    write_last_status(&parts).await;
    tasks.outcome()
}

/// Handlers first: a SIGTERM during start-up (pdfium, tesseract, the store)
/// is kept and honoured as a clean stop once the tasks run, instead of
/// killing the process with the default action.
fn install_signal_handlers() -> Handlers {
    (
        signal(SignalKind::terminate()),
        signal(SignalKind::interrupt()),
        signal(SignalKind::hangup()),
    )
}

/// Everything that must succeed before a task starts ([`prepare`]), off the
/// async threads (it loads pdfium and the OCR engines).
async fn start_up(config_path: PathBuf) -> Result<Parts, DaemonError> {
    tokio::task::spawn_blocking(move || prepare(&config_path))
        .await
        .map_err(|e| DaemonError::TaskFailed {
            task: "oppstart".into(),
            message: e.to_string(),
        })?
}

/// The running tasks: one token stops them all; the first failure is kept
/// and stops the rest.
struct Tasks {
    token: CancellationToken,
    tracker: TaskTracker,
    failure: Arc<Mutex<Option<DaemonError>>>,
}

type TaskFuture = std::pin::Pin<Box<dyn Future<Output = Result<(), String>> + Send>>;

impl Tasks {
    fn new() -> Tasks {
        Tasks {
            token: CancellationToken::new(),
            tracker: TaskTracker::new(),
            failure: Arc::new(Mutex::new(None)),
        }
    }

    fn spawn(&self, name: String, fut: TaskFuture) {
        let token = self.token.clone();
        let failure = self.failure.clone();
        self.tracker.spawn(async move {
            if let Err(message) = fut.await {
                tracing::error!(task = %name, error = %message, "tjenesten stoppet med feil");
                let mut slot = failure.lock().unwrap_or_else(|e| e.into_inner());
                slot.get_or_insert(DaemonError::TaskFailed {
                    task: name,
                    message,
                });
                token.cancel();
            }
        });
    }

    /// Ok, or the first task failure.
    fn outcome(&self) -> Result<(), DaemonError> {
        let failed = self
            .failure
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .take();
        match failed {
            Some(err) => Err(err),
            None => {
                tracing::info!("postmottak stoppet");
                Ok(())
            }
        }
    }
}

/// `intake`, `pipeline-N` and `sweeper`; returns the number of pipeline
/// workers.
fn spawn_intake_and_pipeline(
    tasks: &Tasks,
    parts: &Parts,
    config_rx: watch::Receiver<Arc<Config>>,
) -> Result<usize, DaemonError> {
    let config = &parts.config;
    let ocr_workers = config.raw.extract.worker_count();
    let workers = config.raw.ingest.effective_workers(ocr_workers);
    let pipeline = Pipeline::new(
        config.raw.ingest.queue_capacity,
        parts.db.clone(),
        parts.content.clone(),
        parts.engines.clone(),
        parts.health.clone(),
    );
    let intake = Intake::new(
        config.clone(),
        parts.db.clone(),
        parts.content.clone(),
        pipeline.clone(),
        parts.health.clone(),
    )?;
    // The intake applies folder and interval changes from SIGHUP itself.
    tasks.spawn(
        "intake".into(),
        Box::pin({
            let token = tasks.token.clone();
            async move {
                intake
                    .run(config_rx, token)
                    .await
                    .map_err(|e| e.to_string())
            }
        }),
    );
    for n in 0..workers {
        let (p, t) = (pipeline.clone(), tasks.token.clone());
        tasks.spawn(
            format!("pipeline-{n}"),
            Box::pin(async move {
                p.run_worker(t).await;
                Ok(())
            }),
        );
    }
    {
        let (p, t) = (pipeline.clone(), tasks.token.clone());
        tasks.spawn(
            "sweeper".into(),
            Box::pin(async move {
                p.run_sweeper(t).await;
                Ok(())
            }),
        );
    }
    Ok(workers)
}

/// `status`, `printout` and `rest`.
fn spawn_housekeeping(tasks: &Tasks, parts: &Parts, config_tx: &watch::Sender<Arc<Config>>) {
    let config = &parts.config;
    {
        let (h, t, dir) = (parts.health.clone(), tasks.token.clone(), config.data_dir());
        tasks.spawn(
            "status".into(),
            Box::pin(async move {
                status_task(h, dir, t).await;
                Ok(())
            }),
        );
    }
    {
        let rx = config_tx.subscribe();
        let (db, content) = (parts.db.clone(), parts.content.clone());
        let (h, t) = (parts.health.clone(), tasks.token.clone());
        tasks.spawn(
            "printout".into(),
            Box::pin(async move {
                crate::ingest::printout::run(rx, db, content, h, t).await;
                Ok(())
            }),
        );
    }
    {
        let idle = Duration::from_secs(config.raw.extract.idle_release_secs);
        let (e, d, h, t) = (
            parts.engines.clone(),
            parts.db.clone(),
            parts.health.clone(),
            tasks.token.clone(),
        );
        tasks.spawn(
            "rest".into(),
            Box::pin(async move {
                crate::ingest::rest::run(idle, e, d, h, t).await;
                Ok(())
            }),
        );
    }
}
/// Services owned by other modules: one call each, same shape
/// `async fn(Arc<Config>, CancellationToken) -> Result<(), E: Display>`,
/// restarted with the new config on SIGHUP (`reload::restart_on_reload`;
/// `forget` only when its own policy or the data folder changes, since it
/// sweeps when it starts).
fn spawn_services(tasks: &Tasks, parts: &Parts, reloads: watch::Receiver<Arc<Config>>) {
    use crate::reload::{all_sections, forget_policy, restart_on_reload};
    let (health, token) = (&parts.health, &tasks.token);
    tasks.spawn(
        "board".into(),
        Box::pin({
            let (rx, r, t) = (reloads.clone(), parts.renderer.clone(), token.clone());
            restart_on_reload("board", rx, all_sections, t, move |c, t| {
                crate::web::serve_with(c, Some(r.clone()), t)
            })
        }),
    );
    tasks.spawn(
        "forget".into(),
        Box::pin({
            let (rx, t) = (reloads.clone(), token.clone());
            restart_on_reload("forget", rx, forget_policy, t, crate::forget::run_daemon)
        }),
    );
    tasks.spawn(
        "mail".into(),
        Box::pin({
            let (rx, h, t) = (reloads.clone(), health.clone(), token.clone());
            restart_on_reload("mail", rx, all_sections, t, move |c, t| {
                crate::mail::run_reporting(c, t, h.clone())
            })
        }),
    );
    tasks.spawn(
        "metrics".into(),
        Box::pin({
            let (rx, h, t) = (reloads.clone(), health.clone(), token.clone());
            restart_on_reload("metrics", rx, all_sections, t, move |c, t| {
                crate::metrics::serve(c, h.clone(), t)
            })
        }),
    );
    tasks.spawn(
        "direct".into(),
        Box::pin({
            let (rx, t) = (reloads.clone(), token.clone());
            restart_on_reload("direct", rx, all_sections, t, crate::ingest::direct::run)
        }),
    );
    tasks.spawn(
        "after-meeting".into(),
        Box::pin({
            let (rx, t) = (reloads, token.clone());
            restart_on_reload("after-meeting", rx, all_sections, t, |c, t| {
                crate::mail::after_meeting::run(c, t)
            })
        }),
    );
}

/// Stops every task and waits for the items being extracted, at most
/// [`DRAIN_TIMEOUT`].
async fn drain(tasks: &Tasks) {
    tasks.token.cancel();
    tasks.tracker.close();
    if tokio::time::timeout(DRAIN_TIMEOUT, tasks.tracker.wait())
        .await
        .is_err()
    {
        tracing::warn!("ikke alt arbeid ble ferdig før stopp; det fortsetter ved neste start");
    }
}

/// The status file as the service leaves it.
async fn write_last_status(parts: &Parts) {
    let dir = parts.config.data_dir();
    let h = parts.health.clone();
    let _ = tokio::task::spawn_blocking(move || h.write_status_file(&dir)).await;
}

/// Waits for SIGTERM/SIGINT (returns) or a task failure (returns); handles
/// SIGHUP reloads in between.
type Handlers = (
    std::io::Result<tokio::signal::unix::Signal>,
    std::io::Result<tokio::signal::unix::Signal>,
    std::io::Result<tokio::signal::unix::Signal>,
);

async fn signals(
    handlers: Handlers,
    config_path: &Path,
    config_tx: &watch::Sender<Arc<Config>>,
    health: &Health,
    token: &CancellationToken,
) {
    let (Ok(mut term), Ok(mut int), Ok(mut hup)) = handlers else {
        tracing::error!("kan ikke installere signalhåndtering; stopper");
        return;
    };
    loop {
        tokio::select! {
            _ = token.cancelled() => return,
            _ = term.recv() => { tracing::info!("SIGTERM: stopper"); return; }
            _ = int.recv() => { tracing::info!("SIGINT: stopper"); return; }
            _ = hup.recv() => {
                notify(&[NotifyState::Reloading]);
                if let Ok(now) = sd_notify::NotifyState::monotonic_usec_now() {
                    notify(&[now]);
                }
                let path = config_path.to_owned();
                // The pass a start takes: what a start refuses, a reload
                // refuses (the classifier it builds is dropped: the
                // pipeline keeps its rules until the next start).
                match tokio::task::spawn_blocking(move || accept::accept(&path)).await {
                    Ok(Ok(new)) => {
                        tracing::info!("SIGHUP: konfigurasjonen er lest på nytt");
                        new.tell(health);
                        let _ = config_tx.send(Arc::new(new.config));
                    }
                    Ok(Err(err)) => {
                        tracing::error!(error = %err, "SIGHUP: ny konfigurasjon er ugyldig; beholder den gamle");
                        health.error(format!("ugyldig konfigurasjon ved SIGHUP: {err}"));
                    }
                    Err(err) => tracing::error!(error = %err, "SIGHUP: lesing avbrutt"),
                }
                notify(&[NotifyState::Ready]);
            }
        }
    }
}

/// Writes the status file and the systemd STATUS line every second; pings
/// the watchdog at half its interval when systemd asks for one, and only
/// while no stage is stalled ([`Health::stalled`]).
async fn status_task(health: Arc<Health>, data_dir: DataDir, token: CancellationToken) {
    let usec = watchdog_usec();
    let watchdog = usec.is_some();
    let usec = usec.unwrap_or(0);
    let period = if watchdog {
        Duration::from_micros(usec / 2).clamp(Duration::from_millis(100), Duration::from_secs(1))
    } else {
        Duration::from_secs(1)
    };
    let mut tick = tokio::time::interval(period);
    loop {
        tokio::select! {
            _ = token.cancelled() => return,
            _ = tick.tick() => {}
        }
        let h = health.clone();
        let dir = data_dir.clone();
        if let Ok(Err(err)) = tokio::task::spawn_blocking(move || h.write_status_file(&dir)).await {
            tracing::warn!(error = %err, "kan ikke skrive statusfilen");
        }
        // The watchdog is fed only while every stage makes progress: a stuck
        // intake or pipeline gets the service restarted instead of vouched for.
        let stalled = health.stalled();
        for stage in &stalled {
            tracing::error!(stage, "står fast; vaktbikkja mates ikke");
        }
        let line = health.status_line();
        if watchdog && stalled.is_empty() {
            notify(&[NotifyState::Status(&line), NotifyState::Watchdog]);
        } else {
            notify(&[NotifyState::Status(&line)]);
        }
    }
}

/// The watchdog interval systemd asks for, as libsystemd's
/// `sd_watchdog_enabled` reads it: `WATCHDOG_USEC`, and `WATCHDOG_PID` only
/// when set (it must then be ours).
fn watchdog_usec() -> Option<u64> {
    let usec: u64 = std::env::var("WATCHDOG_USEC").ok()?.parse().ok()?;
    match std::env::var("WATCHDOG_PID") {
        Ok(pid) if pid.parse::<u32>().ok() != Some(std::process::id()) => None,
        _ => (usec > 0).then_some(usec),
    }
}

/// sd_notify is a no-op outside systemd (no NOTIFY_SOCKET); failures to
/// reach systemd are not worth stopping for.
fn notify(states: &[NotifyState<'_>]) {
    if let Err(err) = sd_notify::notify(false, states) {
        tracing::debug!(error = %err, "sd_notify feilet");
    }
}
