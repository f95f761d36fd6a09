//! The plan (what would be deleted when, and why) and the sweep that does
//! it. The sweep is idempotent and resumable: each item's scrub is one
//! transaction with its event; content-store files and page images are
//! removed afterwards from what the store says is pending, so a `kill -9`
//! anywhere is finished by the next sweep (the daemon runs one at start-up).

use std::collections::{BTreeMap, HashMap};
use std::path::Path;

use chrono::{DateTime, NaiveDate, Utc};
use serde_json::json;

use super::cache::{self, CacheOutcome};
use super::originals::{self, Inboxes};
use super::policy::{decide, Decision, Policy};
use super::{ForgetConfig, ForgetError};
use crate::ingest::printout::ORIGINALS_DIR;
use crate::item::ItemId;
use crate::store::forget::{self as sql, FileOutcome, ForgetOrder, ForgetRow, MovedOriginal};
use crate::store::Store;

/// What the policy says about every item, as of one day.
#[derive(Debug, Clone, Default)]
pub struct Plan {
    pub today: NaiveDate,
    /// Content due on or before `today`, per policy.
    pub content_due_now: BTreeMap<Policy, Vec<ItemId>>,
    /// Content due later: day → policy → count.
    pub content_later: BTreeMap<NaiveDate, BTreeMap<Policy, usize>>,
    /// Records (content already gone) due now.
    pub records_due_now: Vec<ItemId>,
    /// Records due later: the first day and how many.
    pub records_later: BTreeMap<NaiveDate, usize>,
    /// Not taken by the case system: kept whatever their age.
    pub kept_unregistered: usize,
    /// Content already deleted, record kept.
    pub already_forgotten: usize,
}

impl Plan {
    pub fn content_due_count(&self) -> usize {
        self.content_due_now.values().map(Vec::len).sum()
    }
}

/// Builds the plan from the store.
pub fn plan(store: &Store, cfg: &ForgetConfig, today: NaiveDate) -> Result<Plan, ForgetError> {
    let rows = sql::rows(store)?;
    let all: HashMap<ItemId, ForgetRow> = rows.iter().map(|r| (r.id, r.clone())).collect();
    Ok(plan_of(&rows, &all, cfg, today))
}

fn plan_of(
    rows: &[ForgetRow],
    all: &HashMap<ItemId, ForgetRow>,
    cfg: &ForgetConfig,
    today: NaiveDate,
) -> Plan {
    let mut plan = Plan {
        today,
        ..Plan::default()
    };
    for row in rows {
        match decide(cfg, row, all) {
            Decision::Keep => plan.kept_unregistered += 1,
            Decision::Content { on, policy } if on <= today => {
                plan.content_due_now.entry(policy).or_default().push(row.id)
            }
            Decision::Content { on, policy } => {
                *plan
                    .content_later
                    .entry(on)
                    .or_default()
                    .entry(policy)
                    .or_default() += 1
            }
            Decision::Record { on } => {
                plan.already_forgotten += 1;
                if on <= today {
                    plan.records_due_now.push(row.id);
                } else {
                    *plan.records_later.entry(on).or_default() += 1;
                }
            }
        }
    }
    plan
}

/// What a sweep did.
#[derive(Debug, Clone, Default)]
pub struct Outcome {
    pub content: BTreeMap<Policy, usize>,
    pub files_removed: usize,
    /// Files kept because another item still holding content has the same bytes.
    pub files_shared: usize,
    pub records: usize,
    pub cache: CacheOutcome,
    /// Per-item problems (the sweep goes on; the next one retries).
    pub problems: Vec<String>,
    /// After deleting: whether the WAL (old versions of scrubbed pages) was
    /// emptied; readers can hold it, and the next sweep tries again.
    pub wal_cleared: Option<bool>,
}

impl Outcome {
    pub fn content_total(&self) -> usize {
        self.content.values().sum()
    }
}

/// Runs the policy as of `today` on the store and the data folder only:
/// originals in the inboxes' `_originaler/` are left (see [`run_in`]).
pub fn run(
    store: &mut Store,
    data_dir: &Path,
    cfg: &ForgetConfig,
    today: NaiveDate,
    at: DateTime<Utc>,
) -> Result<Outcome, ForgetError> {
    run_in(store, data_dir, &Inboxes::default(), cfg, today, at)
}

/// Runs the policy as of `today`; `at` is recorded as the deletion time. A
/// forgotten delivery's original goes from its inbox's `_originaler/` too.
pub fn run_in(
    store: &mut Store,
    data_dir: &Path,
    inboxes: &Inboxes,
    cfg: &ForgetConfig,
    today: NaiveDate,
    at: DateTime<Utc>,
) -> Result<Outcome, ForgetError> {
    sql::secure_delete(store)?;
    let list = sql::rows(store)?;
    let rows: HashMap<ItemId, ForgetRow> = list.iter().map(|r| (r.id, r.clone())).collect();
    let plan = plan_of(&list, &rows, cfg, today);
    let mut outcome = Outcome::default();
    for (policy, ids) in &plan.content_due_now {
        for id in ids {
            let Some(row) = rows.get(id) else { continue };
            let order = ForgetOrder {
                id: *id,
                expected_state: row.state,
                policy: policy.as_str(),
                at,
                detail: json!({
                    "policy": policy.as_str(),
                    "as_of": today.to_string(),
                    "registered_grace_days": cfg.registered_grace_days,
                    "refused_days": cfg.refused_days,
                }),
            };
            // The original's files are found (hashed) before the write lock;
            // inside it they are only checked unchanged and removed. Should the
            // item's row have changed in between, they are looked for again.
            let located = sql::moved_original_of(store, *id).ok().flatten().map(|o| {
                let found = originals::locate(inboxes, data_dir, &o);
                (o, found)
            });
            let remove_original = move |o: &MovedOriginal| match located {
                Some((seen, found)) if seen == *o => found?.remove(),
                _ => originals::remove(inboxes, data_dir, o),
            };
            match sql::forget_content(store, &order, remove_original) {
                Ok(sql::Scrub::Done) => *outcome.content.entry(*policy).or_default() += 1,
                Ok(sql::Scrub::NothingToDo) => {}
                // No path or name: the original's is a letter's.
                Ok(sql::Scrub::OriginalKept(err)) => outcome.problems.push(format!(
                    "sak {id}: originalen i {ORIGINALS_DIR}/ kan ikke slettes ({}); innholdet beholdes til neste kjøring",
                    err.kind()
                )),
                Err(err) => outcome.problems.push(format!("sak {id}: {err}")),
            }
        }
    }
    remove_pending_files(store, data_dir, &mut outcome)?;
    for id in &plan.records_due_now {
        let detail = json!({
            "policy": "records",
            "item": id.0,
            "as_of": today.to_string(),
            "keep_records_years": cfg.keep_records_years,
        });
        match sql::purge_record(store, *id, at, &detail) {
            Ok(true) => outcome.records += 1,
            Ok(false) => {}
            Err(err) => outcome.problems.push(format!("sak {id}: {err}")),
        }
    }
    if outcome.content_total() + outcome.records > 0 {
        outcome.wal_cleared = Some(sql::checkpoint(store)?);
    }
    let holding = sql::holding_content(store)?;
    outcome.cache = cache::sweep(&cache::dir(data_dir), &holding, cfg.page_cache_max_bytes())
        .map_err(|source| ForgetError::Io {
            path: cache::dir(data_dir),
            source,
        })?;
    Ok(outcome)
}

fn remove_if_present(path: &Path) -> std::io::Result<()> {
    match std::fs::remove_file(path) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(e),
    }
}

/// Removes the content-store files the store marks pending, each only when
/// no item still holding content shares it.
fn remove_pending_files(
    store: &mut Store,
    data_dir: &Path,
    outcome: &mut Outcome,
) -> Result<(), ForgetError> {
    for content_path in sql::pending_files(store)? {
        let path = data_dir.join(&content_path);
        // Only files inside the content store: a row is never trusted to
        // name anything else.
        if !content_path.starts_with("content/") || content_path.contains("..") {
            outcome
                .problems
                .push("en sak peker utenfor innholdslageret; filen er ikke rørt".into());
            continue;
        }
        let removed = sql::remove_content_file(store, &content_path, || {
            // The printout and sidecar beside a delivery's copy first:
            // a crash in between leaves the copy, so the next run retries.
            for companion in crate::extract::delivery::companions(&path) {
                remove_if_present(&companion)?;
            }
            remove_if_present(&path)
        })?;
        match removed {
            Ok(FileOutcome::Removed) => outcome.files_removed += 1,
            Ok(FileOutcome::StillNeeded) => outcome.files_shared += 1,
            Err(err) => outcome
                .problems
                .push(format!("kan ikke slette en fil i innholdslageret: {err}")),
        }
    }
    Ok(())
}
