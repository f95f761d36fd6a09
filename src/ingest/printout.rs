//! The printed-out copy for the case system. When an e-mail or SvarInn
//! delivery is allocated, its printout (made when it was read, kept beside
//! the original in the content store) is written into the folder the case
//! system fetches from — the allocated unit's scan folder, or the digital
//! share (`digital.printout_to`) — and from then on the item is followed
//! there: the printout leaving the folder registers it, as for scans. The
//! original delivery moves out of the inbox into `_originaler/` (its bytes
//! stay in the content store, untouched).
//!
//! **Invariant:** the daemon never takes its own printout in as an arrival.
//! The printout's row (path, size and the mtime it will get) is committed
//! before the file exists, and admission treats a file matching such a row
//! as known.
//! **Invariant:** the file is written whole (temporary name, fsync, rename).

use std::collections::HashMap;
use std::fs::{File, FileTimes};
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use chrono::NaiveDate;
use tokio::sync::watch;
use tokio_util::sync::CancellationToken;

pub use super::config::PrintoutTarget;
use super::content::ContentStore;
use super::health::Health;
use crate::atomic_file::{self, Durability};
use crate::classify::{Classification, Reason, ReasonKind};
use crate::config::Config;
use crate::extract::delivery::{printout_path, Delivery, DeliveryKind};
use crate::item::ItemId;
use crate::store::deliveries::{self, PendingPrintout};
use crate::store::Db;

/// How long a failed hand-over waits before it is tried again.
const RETRY_AFTER: Duration = Duration::from_secs(60);

/// Where originals go once their printout is handed over.
pub const ORIGINALS_DIR: &str = "_originaler";

/// Writes `bytes` as the printout beside the content copy at `content`
/// (whole or not at all).
pub fn keep_beside(content: &Path, bytes: &[u8]) -> std::io::Result<()> {
    // Part of the arrival: durable before the item's row points to it.
    atomic_file::write(
        &printout_path(content),
        bytes,
        atomic_file::CREATE_MODE,
        Durability::FileAndFolder,
    )
}

/// The delivery's own facts as the classification's: the subject is the
/// title, From (or SvarInn's avsender) the sender, its date the document
/// date. Type, unit and urgency still come from the text.
pub fn apply_delivery_facts(c: &mut Classification, d: &Delivery) {
    let what = match d.kind {
        DeliveryKind::Email => "e-posten",
        DeliveryKind::SvarUt => "metadata fra SvarInn",
    };
    if let Some(subject) = d.subject.as_deref().filter(|s| !s.trim().is_empty()) {
        c.title = subject.chars().take(200).collect();
        c.reasons.push(Reason {
            kind: ReasonKind::Title,
            target: "subject".into(),
            label: format!("emnet i {what}"),
            weight: 1.0,
        });
    }
    if let Some(sender) = d.sender() {
        c.sender = Some(sender);
        c.reasons.push(Reason {
            kind: ReasonKind::Sender,
            target: "from".into(),
            label: format!("avsender i {what}"),
            weight: 1.0,
        });
    }
    if let Some(date) = d.date {
        let local: NaiveDate = date.with_timezone(&chrono_tz::Europe::Oslo).date_naive();
        c.document_date = Some(local);
        c.reasons.push(Reason {
            kind: ReasonKind::DocumentDate,
            target: local.to_string(),
            label: format!("datoen i {what}"),
            weight: 1.0,
        });
    }
}

/// The printout task: hands over printouts of allocated deliveries.
pub async fn run(
    mut configs: watch::Receiver<Arc<Config>>,
    db: Db,
    content: Arc<ContentStore>,
    health: Arc<Health>,
    token: CancellationToken,
) {
    let mut tick = tokio::time::interval(Duration::from_secs(1));
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    // A failed hand-over (folder missing, disk full) is retried a minute
    // later, not every second.
    let mut retry_at: HashMap<ItemId, Instant> = HashMap::new();
    loop {
        tokio::select! {
            _ = token.cancelled() => return,
            _ = tick.tick() => {}
        }
        let config = configs.borrow_and_update().clone();
        let pending = match db.run(|s| deliveries::pending_printouts(s)).await {
            Ok(p) => p,
            Err(err) => {
                survive(
                    &health,
                    format!("kan ikke lese utskrifter som venter: {err}"),
                );
                continue;
            }
        };
        if pending.len() < deliveries::PENDING_PRINTOUTS_LIMIT {
            // Every pending printout is listed: one no longer pending (handed
            // over, registered) needs no retry time.
            retry_at.retain(|id, _| pending.iter().any(|p| p.id == *id));
        }
        let now = Instant::now();
        for item in pending {
            if retry_at.get(&item.id).is_some_and(|at| *at > now) {
                continue;
            }
            match hand_over(&config, &db, &content, &item).await {
                Ok(()) => {
                    retry_at.remove(&item.id);
                }
                Err(err) => {
                    retry_at.insert(item.id, now + RETRY_AFTER);
                    survive(
                        &health,
                        format!("sak {}: utskriften kunne ikke leveres: {err}", item.id),
                    );
                }
            }
        }
    }
}

fn survive(health: &Health, message: String) {
    tracing::error!("{message}");
    health.error(message);
}

#[derive(Debug, thiserror::Error)]
enum HandOverError {
    #[error("{0}")]
    Io(#[from] std::io::Error),
    #[error(transparent)]
    Items(#[from] crate::store::StoreError),
    #[error("utskriften mangler i innholdslageret")]
    Missing,
}

fn target_folder(config: &Config, item: &PendingPrintout) -> PathBuf {
    let digital = config.resolve(&config.raw.digital.folder);
    match config.raw.digital.printout_to {
        PrintoutTarget::Digital => digital,
        PrintoutTarget::Unit => item
            .unit
            .as_ref()
            .and_then(|u| config.unit(u))
            .map(|u| config.resolve(&u.scan_folder))
            .unwrap_or(digital),
    }
}

async fn hand_over(
    config: &Config,
    db: &Db,
    content: &ContentStore,
    item: &PendingPrintout,
) -> Result<(), HandOverError> {
    let source = printout_path(&content.path_of(&item.content_path));
    let size = match std::fs::metadata(&source) {
        Ok(m) => m.len(),
        Err(_) => return Err(HandOverError::Missing),
    };
    let prefix = match item.kind {
        DeliveryKind::Email => "epost",
        DeliveryKind::SvarUt => "svarut",
    };
    // The name carries no title or sender: only the kind and the item number.
    let target = target_folder(config, item).join(format!("{prefix}-sak-{}.pdf", item.id));
    let target_str = target.to_string_lossy().into_owned();
    let mtime_ns = match &item.planned {
        Some((path, planned_size, mtime)) if *path == target_str && *planned_size == size => *mtime,
        _ => {
            // Whole seconds: every file system keeps them exactly.
            let secs = SystemTime::now()
                .duration_since(UNIX_EPOCH)
                .map(|d| d.as_secs() as i64)
                .unwrap_or(0);
            let mtime = secs * 1_000_000_000;
            let (id, p) = (item.id, target_str.clone());
            db.run(move |s| deliveries::plan_printout(s, id, &p, size, mtime))
                .await?;
            mtime
        }
    };
    let (src, dst) = (source.clone(), target.clone());
    tokio::task::spawn_blocking(move || write_whole(&src, &dst, mtime_ns))
        .await
        .map_err(std::io::Error::other)??;
    let (id, p) = (item.id, target_str.clone());
    let handed = db.run(move |s| deliveries::hand_over(s, id, &p)).await?;
    if handed {
        tracing::info!(item = %item.id, "utskrift levert til mappen");
        let original = PathBuf::from(&item.source_path);
        if original != target {
            let sidecar = crate::extract::delivery::sidecar::find(&original).map(|(p, _)| p);
            for file in std::iter::once(original).chain(sidecar) {
                if let Err(err) = move_original(&file) {
                    tracing::warn!(item = %item.id, error = %err, "originalen ble liggende i innboksen");
                }
            }
        }
    }
    Ok(())
}

/// Copies the printout into place under a temporary (ignored) name, gives it
/// the planned mtime, and renames it. A file already in place with that size
/// and mtime is left as it is (crash after the rename).
fn write_whole(src: &Path, dst: &Path, mtime_ns: i64) -> std::io::Result<()> {
    let modified = UNIX_EPOCH + Duration::from_nanos(mtime_ns.max(0) as u64);
    let src_len = std::fs::metadata(src)?.len();
    if let Ok(m) = std::fs::metadata(dst) {
        if m.len() == src_len && m.modified().ok() == Some(modified) {
            return Ok(());
        }
    }
    let mut input = File::open(src)?;
    let permissions = input.metadata()?.permissions();
    // The case system fetches it from here: durable once handed over.
    atomic_file::write_with(dst, permissions.mode(), Durability::FileAndFolder, |f| {
        std::io::copy(&mut input, f)?;
        // As `fs::copy` did: the content copy's permissions, not the umask's.
        f.set_permissions(permissions)?;
        f.set_times(FileTimes::new().set_modified(modified))
    })
}

/// Moves a handed-over original out of the inbox into `_originaler/` beside
/// it (never deleted; the content store keeps the same bytes).
fn move_original(original: &Path) -> std::io::Result<()> {
    if !original.is_file() {
        return Ok(());
    }
    let Some(inbox) = original.parent() else {
        return Ok(());
    };
    let dir = inbox.join(ORIGINALS_DIR);
    std::fs::create_dir_all(&dir)?;
    let name = original
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "original".into());
    let mut dest = dir.join(&name);
    let mut n = 1;
    while dest.exists() {
        dest = dir.join(format!("{n}-{name}"));
        n += 1;
    }
    std::fs::rename(original, dest)
}
