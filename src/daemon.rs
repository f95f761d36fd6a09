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
use crate::ingest::content::ContentStore;
use crate::ingest::engines::RealEngines;
use crate::ingest::intake::Intake;
use crate::ingest::pipeline::{Engines, Pipeline};
use crate::ingest::Health;
use crate::store::{Db, PersonIdKey, Store};

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
    let config = Config::load_for_service(config_path)?;
    // Mail without a board address its readers can reach goes out without
    // links (issue 15); say so once at start, as check-config does.
    if let Some(warning) = crate::mail::board_url_warning(&config) {
        tracing::warn!("{warning}");
    }
    let data_dir = config.data_dir();
    std::fs::create_dir_all(&data_dir).map_err(|source| DaemonError::DataDir {
        path: data_dir.clone(),
        source,
    })?;
    // Data written before the umask was set (an older version, a hand start)
    // may be world-readable: closing the folder to others closes it all.
    crate::safe_fs::close_to_others(&data_dir).map_err(|source| DaemonError::DataDir {
        path: data_dir.clone(),
        source,
    })?;
    let lock = lock_data_dir(&data_dir)?;
    let store = Store::open(&config.database_path())?;
    let key = PersonIdKey::load_or_create(&data_dir)?;
    let content = ContentStore::open(&data_dir).map_err(|source| DaemonError::DataDir {
        path: data_dir.join("content"),
        source,
    })?;
    let extractor = crate::extract::Extractor::new(&config.raw.extract)
        .map_err(|e| DaemonError::Extract(e.to_string()))?;
    // The rules' units must be configured units (as `process` and
    // `check-config` insist); a mismatch is named in `status` rather than
    // stopping the intake of post that still needs taking in.
    let health = Arc::new(Health::default());
    let classifier = match crate::classify::Classifier::from_config(&config) {
        Ok(classifier) => classifier,
        Err(err) => {
            let classifier = crate::classify::Classifier::new(&config.raw.classify)
                .map_err(|e| DaemonError::Classify(e.to_string()))?;
            tracing::error!(error = %err, "klassifiseringsreglene passer ikke med [[units]]");
            health.set_problem("rules:units", format!("klassifiseringsreglene: {err}"));
            classifier
        }
    };
    let engines = Arc::new(RealEngines {
        extractor,
        classifier,
        key,
    });
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

/// Takes `data_dir/postmottak.lock` (flock; released by the kernel when the
/// process dies, so a `kill -9` never leaves a stale lock).
fn lock_data_dir(data_dir: &Path) -> Result<nix::fcntl::Flock<std::fs::File>, DaemonError> {
    use nix::fcntl::{Flock, FlockArg};
    let path = data_dir.join("postmottak.lock");
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
        path: data_dir.to_owned(),
    })
}

/// Runs the daemon until SIGTERM/SIGINT (Ok) or a task failure (Err).
pub async fn run(config_path: PathBuf) -> Result<(), DaemonError> {
    // Handlers first: a SIGTERM during start-up (pdfium, tesseract, the
    // store) is kept and honoured as a clean stop once the tasks run, instead
    // of killing the process with the default action.
    let handlers = (
        signal(SignalKind::terminate()),
        signal(SignalKind::interrupt()),
        signal(SignalKind::hangup()),
    );
    let path = config_path.clone();
    let parts = tokio::task::spawn_blocking(move || prepare(&path))
        .await
        .map_err(|e| DaemonError::TaskFailed {
            task: "oppstart".into(),
            message: e.to_string(),
        })??;
    let Parts {
        _lock,
        config,
        db,
        content,
        engines,
        renderer,
        health,
    } = parts;

    let token = CancellationToken::new();
    let tracker = TaskTracker::new();
    let failure: Arc<Mutex<Option<DaemonError>>> = Arc::new(Mutex::new(None));
    let (config_tx, config_rx) = watch::channel(config.clone());

    let ocr_workers = config.raw.extract.worker_count();
    let workers = config.raw.ingest.effective_workers(ocr_workers);
    let resting = engines.clone();
    let pipeline = Pipeline::new(
        config.raw.ingest.queue_capacity,
        db.clone(),
        content.clone(),
        engines,
        health.clone(),
    );
    let printout_parts = (config_tx.subscribe(), db.clone(), content.clone());
    let intake = Intake::new(
        config.clone(),
        db.clone(),
        content,
        pipeline.clone(),
        health.clone(),
    )?;
    // Every service but the intake (which applies folders itself), the
    // pipeline and the printout (which reads the config each turn) restarts
    // with the new config on SIGHUP.
    let reloads = config_rx.clone();

    let spawn =
        |name: String, fut: std::pin::Pin<Box<dyn Future<Output = Result<(), String>> + Send>>| {
            let token = token.clone();
            let failure = failure.clone();
            tracker.spawn(async move {
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
        };

    spawn(
        "intake".into(),
        Box::pin({
            let token = token.clone();
            async move {
                intake
                    .run(config_rx, token)
                    .await
                    .map_err(|e| e.to_string())
            }
        }),
    );
    for n in 0..workers {
        let (p, t) = (pipeline.clone(), token.clone());
        spawn(
            format!("pipeline-{n}"),
            Box::pin(async move {
                p.run_worker(t).await;
                Ok(())
            }),
        );
    }
    {
        let (p, t) = (pipeline.clone(), token.clone());
        spawn(
            "sweeper".into(),
            Box::pin(async move {
                p.run_sweeper(t).await;
                Ok(())
            }),
        );
    }
    {
        let (h, t, dir) = (health.clone(), token.clone(), config.data_dir());
        spawn(
            "status".into(),
            Box::pin(async move {
                status_task(h, dir, t).await;
                Ok(())
            }),
        );
    }
    {
        let (rx, db, content) = printout_parts;
        let (h, t) = (health.clone(), token.clone());
        spawn(
            "printout".into(),
            Box::pin(async move {
                crate::ingest::printout::run(rx, db, content, h, t).await;
                Ok(())
            }),
        );
    }
    {
        let idle = Duration::from_secs(config.raw.extract.idle_release_secs);
        let (e, d, h, t) = (resting, db.clone(), health.clone(), token.clone());
        spawn(
            "rest".into(),
            Box::pin(async move {
                crate::ingest::rest::run(idle, e, d, h, t).await;
                Ok(())
            }),
        );
    }
    // Services owned by other modules: one line each, same shape
    // `async fn(Arc<Config>, CancellationToken) -> Result<(), E: Display>`,
    // restarted with the new config on SIGHUP (`reload::restart_on_reload`).
    use crate::reload::{all_sections, forget_policy, restart_on_reload};
    spawn(
        "board".into(),
        Box::pin({
            let (rx, r, t) = (reloads.clone(), renderer, token.clone());
            restart_on_reload("board", rx, all_sections, t, move |c, t| {
                crate::web::serve_with(c, Some(r.clone()), t)
            })
        }),
    );
    spawn(
        "forget".into(),
        Box::pin({
            let (rx, t) = (reloads.clone(), token.clone());
            restart_on_reload("forget", rx, forget_policy, t, crate::forget::run_daemon)
        }),
    );
    spawn(
        "mail".into(),
        Box::pin({
            let (rx, h, t) = (reloads.clone(), health.clone(), token.clone());
            restart_on_reload("mail", rx, all_sections, t, move |c, t| {
                crate::mail::run_reporting(c, t, h.clone())
            })
        }),
    );
    spawn(
        "metrics".into(),
        Box::pin({
            let (rx, h, t) = (reloads.clone(), health.clone(), token.clone());
            restart_on_reload("metrics", rx, all_sections, t, move |c, t| {
                crate::metrics::serve(c, h.clone(), t)
            })
        }),
    );

    spawn(
        "direct".into(),
        Box::pin({
            let (rx, t) = (reloads.clone(), token.clone());
            restart_on_reload("direct", rx, all_sections, t, crate::ingest::direct::run)
        }),
    );
    spawn(
        "after-meeting".into(),
        Box::pin({
            let (rx, t) = (reloads, token.clone());
            restart_on_reload("after-meeting", rx, all_sections, t, |c, t| {
                crate::mail::after_meeting::run(c, t)
            })
        }),
    );

    tracing::info!(
        workers,
        folders = config.inbox_folders().len(),
        "postmottak kjører"
    );
    notify(&[NotifyState::Ready, NotifyState::Status("starter")]);

    signals(handlers, &config_path, &config_tx, &health, &token).await;

    notify(&[NotifyState::Stopping]);
    token.cancel();
    tracker.close();
    if tokio::time::timeout(DRAIN_TIMEOUT, tracker.wait())
        .await
        .is_err()
    {
        tracing::warn!("ikke alt arbeid ble ferdig før stopp; det fortsetter ved neste start");
    }
    let dir = config.data_dir();
    let h = health.clone();
    let _ = tokio::task::spawn_blocking(move || h.write_status_file(&dir)).await;
    let failed = failure.lock().unwrap_or_else(|e| e.into_inner()).take();
    match failed {
        Some(err) => Err(err),
        None => {
            tracing::info!("postmottak stoppet");
            Ok(())
        }
    }
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
                match tokio::task::spawn_blocking(move || Config::load_for_service(&path)).await {
                    Ok(Ok(new)) => {
                        tracing::info!("SIGHUP: konfigurasjonen er lest på nytt");
                        let _ = config_tx.send(Arc::new(new));
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
async fn status_task(health: Arc<Health>, data_dir: PathBuf, token: CancellationToken) {
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
