//! The pipeline driver: admitted items → extract → classify → queued, with
//! bounded concurrency. Extraction runs on `spawn_blocking` (the Extractor
//! owns its OCR pool); every stage's result is stored with its transition in
//! its own transaction, so a crash resumes at the last committed stage.
//!
//! The in-memory queue is bounded and never awaited by the intake
//! ([`Pipeline::offer`] uses `try_send`); the store is the truth, and the
//! sweeper offers whatever is still waiting (start-up resume, overflow,
//! retries with back-off after a failure).

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::atomic::Ordering;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use chrono::{NaiveDate, Utc};
use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;

use super::content::ContentStore;
use super::health::Health;
use super::quarantine::{self, Moved, Refusal};
use crate::extract::{Extraction, Rejection};
use crate::item::{ItemId, ItemState, Sha256, Source, UnitId};
use crate::store::items::{self, ClassificationRecord, WorkItem};
use crate::store::Db;

/// The reading and judging the pipeline needs: extraction and classification
/// (see [`engines`] for the production implementation).
pub trait Engines: Send + Sync + 'static {
    /// Blocking.
    fn extract(&self, path: &Path) -> Result<Extraction, Rejection>;
    /// Pure; person IDs already reduced to keyed hashes and masked forms.
    /// `received_on` is the day the file arrived (Oslo): a stamp date must
    /// fit it, also when the item is read days later (backlog, restart).
    fn classify(
        &self,
        extraction: &Extraction,
        source: Source,
        folder_unit: Option<&UnitId>,
        received_on: NaiveDate,
    ) -> ClassificationRecord;
    /// Gives memory back when nothing was read for `idle` (the daemon at
    /// rest; see `ingest::rest`). Returns whether anything was released.
    /// Blocking.
    fn rest(&self, _idle: Duration) -> bool {
        false
    }
}

#[derive(Debug, thiserror::Error)]
enum StepError {
    #[error(transparent)]
    Items(#[from] crate::store::StoreError),
    #[error("uttrekk ble avbrutt: {0}")]
    Join(String),
    #[error("kan ikke flytte avvist fil til _avvist: {0}")]
    Quarantine(std::io::Error),
    #[error("innholdskopien mangler og originalen er borte eller endret; saken kan ikke leses")]
    ContentMissing,
}

pub struct Pipeline {
    tx: mpsc::Sender<ItemId>,
    rx: tokio::sync::Mutex<mpsc::Receiver<ItemId>>,
    in_flight: Mutex<HashSet<ItemId>>,
    backoff: Mutex<HashMap<ItemId, (u32, Instant)>>,
    capacity: usize,
    db: Db,
    content: Arc<ContentStore>,
    engines: Arc<dyn Engines>,
    health: Arc<Health>,
}

impl Pipeline {
    pub fn new(
        capacity: usize,
        db: Db,
        content: Arc<ContentStore>,
        engines: Arc<dyn Engines>,
        health: Arc<Health>,
    ) -> Arc<Pipeline> {
        let (tx, rx) = mpsc::channel(capacity.max(1));
        Arc::new(Pipeline {
            tx,
            rx: tokio::sync::Mutex::new(rx),
            in_flight: Mutex::new(HashSet::new()),
            backoff: Mutex::new(HashMap::new()),
            capacity,
            db,
            content,
            engines,
            health,
        })
    }

    fn in_flight(&self) -> std::sync::MutexGuard<'_, HashSet<ItemId>> {
        self.in_flight.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Offers an item without waiting; false when it is already in flight or
    /// the queue is full (the sweeper will offer it again).
    pub fn offer(&self, id: ItemId) -> bool {
        if !self.in_flight().insert(id) {
            return false;
        }
        if self.tx.try_send(id).is_err() {
            self.in_flight().remove(&id);
            return false;
        }
        true
    }

    /// One worker: takes items until cancelled; an item already started is
    /// finished (graceful drain).
    pub async fn run_worker(self: Arc<Self>, token: CancellationToken) {
        loop {
            let next = {
                let mut rx = self.rx.lock().await;
                tokio::select! {
                    _ = token.cancelled() => None,
                    id = rx.recv() => id,
                }
            };
            let Some(id) = next else { return };
            let result = self.process(id).await;
            self.finish(id, result);
        }
    }

    fn finish(&self, id: ItemId, result: Result<(), StepError>) {
        // An item finished (either way): the pipeline is making progress.
        self.health.beat("pipeline");
        let mut backoff = self.backoff.lock().unwrap_or_else(|e| e.into_inner());
        match result {
            Ok(()) => {
                backoff.remove(&id);
            }
            Err(err) => {
                let entry = backoff.entry(id).or_insert((0, Instant::now()));
                entry.0 += 1;
                let wait = Duration::from_secs((1u64 << entry.0.min(8)).min(300));
                entry.1 = Instant::now() + wait;
                tracing::error!(item = %id, error = %err, retry_in_s = wait.as_secs(), "behandling feilet; prøver igjen");
                self.health.error(format!("sak {id}: {err}"));
            }
        }
        self.in_flight().remove(&id);
    }

    /// Offers what the store says is still waiting; runs at start-up (resume)
    /// and then every couple of seconds.
    pub async fn run_sweeper(self: Arc<Self>, token: CancellationToken) {
        let mut tick = tokio::time::interval(Duration::from_secs(2));
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tokio::select! {
                _ = token.cancelled() => return,
                _ = tick.tick() => {}
            }
            // Nothing being extracted means nothing can be stuck; while
            // something is, only a finished item counts as progress.
            if self.health.in_extraction.load(Ordering::Relaxed) == 0 {
                self.health.beat("pipeline");
            }
            if let Err(err) = self.sweep().await {
                tracing::error!(error = %err, "kan ikke lese ventende saker fra databasen");
                self.health.error(err.to_string());
            }
        }
    }

    async fn sweep(&self) -> Result<(), StepError> {
        let limit = self.capacity * 2;
        let (backlog, waiting) = self
            .db
            .run(move |s| -> Result<_, crate::store::StoreError> {
                Ok((
                    items::pipeline_backlog(s, limit)?,
                    items::pipeline_count(s)?,
                ))
            })
            .await?;
        let in_extraction = self.health.in_extraction.load(Ordering::Relaxed);
        self.health
            .pipeline_waiting
            .store(waiting.saturating_sub(in_extraction), Ordering::Relaxed);
        if backlog.len() < limit {
            // The backlog is every item still waiting: a failed item that
            // left the pipeline another way (its file was taken, registered)
            // no longer needs its back-off.
            let waiting: HashSet<ItemId> = backlog.iter().map(|w| w.id).collect();
            let mut backoff = self.backoff.lock().unwrap_or_else(|e| e.into_inner());
            prune_backoff(&mut backoff, &waiting);
        }
        let now = Instant::now();
        for item in backlog {
            let ready = {
                let backoff = self.backoff.lock().unwrap_or_else(|e| e.into_inner());
                backoff.get(&item.id).is_none_or(|(_, at)| *at <= now)
            };
            if ready {
                self.offer(item.id);
            }
        }
        Ok(())
    }

    async fn process(&self, id: ItemId) -> Result<(), StepError> {
        let Some(item) = self.db.run(move |s| items::get(s, id)).await? else {
            return Ok(());
        };
        match item.state {
            ItemState::Admitted | ItemState::Extracted => self.extract_and_classify(item).await,
            ItemState::Classified => {
                self.db.run(move |s| items::mark_queued(s, id)).await?;
                Ok(())
            }
            _ => Ok(()),
        }
    }

    async fn extract_and_classify(&self, item: WorkItem) -> Result<(), StepError> {
        let id = item.id;
        let path = self.content.path_of(&item.content_path);
        self.ensure_content(&item, &path).await?;
        let engines = self.engines.clone();
        self.health.in_extraction.fetch_add(1, Ordering::Relaxed);
        let started = Instant::now();
        let extracted = tokio::task::spawn_blocking(move || engines.extract(&path)).await;
        self.health.in_extraction.fetch_sub(1, Ordering::Relaxed);
        let extraction = match extracted.map_err(|e| StepError::Join(e.to_string()))? {
            Ok(ex) => ex,
            // The content copy has no name; the refusal speaks of the
            // file as it was called in the folder.
            Err(rejection) => {
                let rejection = crate::extract::sniff::as_named(rejection, &item.file_name);
                return self.refuse(item, rejection).await;
            }
        };
        tracing::info!(item = %id, pages = extraction.pages.len(), ms = started.elapsed().as_millis() as u64, "lest");
        let extraction = Arc::new(extraction);
        let ex = extraction.clone();
        self.db
            .run(move |s| {
                let state = items::save_extraction(s, id, &ex)?;
                if let Some(delivery) = &ex.delivery {
                    crate::store::deliveries::save(s, id, delivery)?;
                }
                Ok::<_, crate::store::StoreError>(state)
            })
            .await?;
        let engines = self.engines.clone();
        let record = tokio::task::spawn_blocking(move || {
            let received_on = crate::calendar::oslo_date(item.received_at);
            engines.classify(
                &extraction,
                item.source,
                item.folder_unit.as_ref(),
                received_on,
            )
        })
        .await
        .map_err(|e| StepError::Join(e.to_string()))?;
        let state = self
            .db
            .run(move |s| items::save_classification(s, id, &record))
            .await?;
        if state == ItemState::Classified {
            self.db.run(move |s| items::mark_queued(s, id)).await?;
            tracing::info!(item = %id, "til fordeling");
        }
        Ok(())
    }

    /// The content copy is what gets read; if it vanished (restored backup,
    /// manual cleanup) it is copied again from the original when the bytes
    /// still match, so a good original is never refused for our loss.
    async fn ensure_content(&self, item: &WorkItem, path: &Path) -> Result<(), StepError> {
        if path.exists() {
            return Ok(());
        }
        let content = self.content.clone();
        let source = PathBuf::from(&item.source_path);
        let expected = item.sha256.clone();
        let restored = tokio::task::spawn_blocking(move || content.copy_in(&source))
            .await
            .map_err(|e| StepError::Join(e.to_string()))?;
        match restored {
            Ok(copied) if copied.sha256.to_hex() == expected => {
                tracing::warn!(item = %item.id, "innholdskopien manglet; kopiert på nytt fra originalen");
                Ok(())
            }
            _ => Err(StepError::ContentMissing),
        }
    }

    /// Records the refusal, then moves the original to `_avvist/`.
    async fn refuse(&self, item: WorkItem, rejection: Rejection) -> Result<(), StepError> {
        let id = item.id;
        let code = rejection.code;
        let message = rejection.message.clone();
        self.db
            .run(move |s| items::reject(s, id, code, &message))
            .await?;
        tracing::warn!(item = %id, code = code.as_str(), "avvist");
        // The refusal is committed; a failed move is reported here and
        // finished by the intake's next rescan (the file stays in its inbox).
        let moved = move_to_quarantine(&item, code, &rejection.message).await;
        quarantine::report_folder(&self.health, &item.source_path, &moved);
        if let Err(err) = moved {
            let err = StepError::Quarantine(err);
            tracing::error!(item = %id, error = %err, "prøver igjen ved neste gjennomgang");
            self.health.error(format!("sak {id}: {err}"));
        }
        Ok(())
    }
}

/// Keeps the back-off only of items still waiting for the pipeline: without
/// this, every item that failed once and then left (registered, refused by
/// a later read) would stay in the map for the life of the daemon.
fn prune_backoff(backoff: &mut HashMap<ItemId, (u32, Instant)>, waiting: &HashSet<ItemId>) {
    backoff.retain(|id, _| waiting.contains(id));
}

/// Moves a rejected item's original into its folder's `_avvist/` (idempotent:
/// a file already moved or replaced is left alone).
pub async fn move_to_quarantine(
    item: &WorkItem,
    code: crate::item::RejectCode,
    detail: &str,
) -> std::io::Result<Moved> {
    let source = PathBuf::from(&item.source_path);
    let inbox = source.parent().map(Path::to_path_buf).unwrap_or_default();
    let expected: Sha256 = item
        .sha256
        .parse()
        .map_err(|_| std::io::Error::other("ugyldig sha256 i databasen"))?;
    let file_name = item.file_name.clone();
    let detail = detail.to_owned();
    let id = item.id;
    tokio::task::spawn_blocking(move || {
        let refusal = Refusal {
            item: id,
            file_name: &file_name,
            code,
            detail: &detail,
            at: Utc::now(),
        };
        quarantine::quarantine(&inbox, &source, &expected, &refusal)
    })
    .await
    .map_err(std::io::Error::other)?
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn back_off_is_kept_only_for_items_still_waiting() {
        let now = Instant::now();
        let mut backoff: HashMap<ItemId, (u32, Instant)> =
            (1..=1000).map(|i| (ItemId(i), (1, now))).collect();
        // Item 7 still waits; every other one was registered meanwhile.
        let waiting: HashSet<ItemId> = [ItemId(7), ItemId(2000)].into_iter().collect();
        prune_backoff(&mut backoff, &waiting);
        assert_eq!(backoff.len(), 1);
        assert!(backoff.contains_key(&ItemId(7)));
    }
}
