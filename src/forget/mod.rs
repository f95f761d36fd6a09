//! Forgetting what the case system has taken: retention of postmottak's own
//! copies (issue 16). The case system (Profil, archived under Noark 5) is the
//! record; postmottak holds health information only until the case system
//! has it, and then only as long as `[forget]` says.
//!
//! - `config.rs`: the `[forget]` section;
//! - `policy.rs`: pure rules: when an item's content and later its record
//!   are due, and why;
//! - `sweep.rs`: the plan and the idempotent, resumable sweep;
//! - `cache.rs`: the page-image cache bound and clean-up;
//! - `originals.rs`: a forgotten delivery's original in `_originaler/`;
//! - `report.rs`: the deviation report's count of what was deleted.
//!
//! SQL lives in `store::forget`. The daemon runs [`run_daemon`]: one sweep at
//! start-up (which also finishes one a crash interrupted), then daily at
//! `run_at` Oslo time. `postmottak retention plan|run` does the same by hand.
//!
//! **Invariant:** nothing of an item the case system has not taken is
//! deleted, whatever its age; a registration undone within the grace period
//! (the file comes back) restores the item as it was ([`admit_or_restore`]).

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, NaiveDate, Utc};
use tokio_util::sync::CancellationToken;

use crate::calendar;
use crate::config::Config;
use crate::ingest::content::ContentStore;
use crate::store::items::{self, Admission, NewArrival};
use crate::store::Store;
use crate::store::StoreError;

pub mod cache;
pub mod config;
pub mod originals;
pub mod policy;
pub mod report;
pub mod sweep;

pub use config::ForgetConfig;
pub use originals::Inboxes;
pub use policy::Policy;
pub use sweep::{plan, run, run_in, Outcome, Plan};

#[derive(Debug, thiserror::Error)]
pub enum ForgetError {
    #[error(transparent)]
    Store(#[from] crate::store::StoreError),
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
}

impl From<rusqlite::Error> for ForgetError {
    fn from(e: rusqlite::Error) -> Self {
        ForgetError::Store(StoreError::Sql(e))
    }
}

/// Admission as the intake does it, plus the way back from a mistaken
/// registration: when the file that left its folder comes back with the same
/// bytes while the item still holds its content, the registration is undone
/// (the item returns to its state before) instead of admitting a duplicate.
/// Afterwards the content copy is checked, because a sweep may have removed
/// the file between the intake's copy and this admission (see
/// `store::forget`): it is copied again from the inbox.
pub fn admit_or_restore(
    store: &mut Store,
    content: &ContentStore,
    arrival: &NewArrival,
) -> Result<Admission, StoreError> {
    let sha = arrival.sha256.to_hex();
    let restored = match crate::store::forget::undo_registration(
        store,
        &arrival.source_path,
        &sha,
        arrival.mtime_ns,
    ) {
        Ok(restored) => restored,
        // A history without its registration event (hand-made or very old
        // rows) cannot be undone; the file is then simply a new arrival
        // rather than blocking admission.
        Err(StoreError::Transition(err)) => {
            tracing::warn!(error = %err, "registreringen kan ikke angres; tar filen inn som ny");
            None
        }
        Err(err) => return Err(err),
    };
    let outcome = match restored {
        Some((id, state)) => {
            tracing::info!(item = %id, state = %state, "filen kom tilbake: registreringen er angret");
            Admission::Known { id, state }
        }
        None => items::admit(store, arrival)?,
    };
    if !content.path_of(&arrival.content_path).exists() {
        match content.copy_in(Path::new(&arrival.source_path)) {
            Ok(copy) if copy.sha256 == arrival.sha256 => {}
            Ok(_) => tracing::warn!("filen endret seg mens den ble kopiert på nytt"),
            Err(err) => tracing::warn!(error = %err, "kan ikke kopiere filen på nytt"),
        }
    }
    Ok(outcome)
}

/// The item page's notice: "Innholdet er slettet etter registrering
/// (05.11.2026)". `at` is the deletion time; `policy` which rule.
pub fn deleted_notice_nb(at: DateTime<Utc>, policy: &str) -> String {
    let day = calendar::date_nb(calendar::oslo_date(at));
    let after = match Policy::parse(policy) {
        Some(Policy::Refused) => "etter avvisning",
        Some(Policy::Duplicate) => "sammen med originalen",
        _ => "etter registrering",
    };
    format!("Innholdet er slettet {after} ({day}).")
}

/// The start of `day` in Oslo, as the instant a sweep "as of" that day
/// records.
pub fn start_of_day(day: NaiveDate) -> DateTime<Utc> {
    calendar::oslo_instant(day.and_time(chrono::NaiveTime::MIN))
}

/// One sweep as of now, on its own connection.
fn sweep_now(config: &Config) -> Result<Outcome, ForgetError> {
    let mut store = Store::open(&config.database_path())?;
    let now = Utc::now();
    run_in(
        &mut store,
        &config.data_dir(),
        &Inboxes::of(config),
        &config.raw.forget,
        calendar::oslo_date(now),
        now,
    )
}

/// The daemon's `forget` task: a sweep at start-up, then daily at `run_at`.
/// A failed sweep is logged and retried at the next turn; it never stops
/// the service.
pub async fn run_daemon(config: Arc<Config>, token: CancellationToken) -> Result<(), String> {
    loop {
        let c = config.clone();
        match tokio::task::spawn_blocking(move || sweep_now(&c)).await {
            Ok(Ok(outcome)) => {
                tracing::info!(
                    content = outcome.content_total(),
                    files = outcome.files_removed,
                    records = outcome.records,
                    cache_removed =
                        outcome.cache.removed_forgotten + outcome.cache.removed_for_size,
                    "sletting etter retningslinjene er kjørt"
                );
                for problem in outcome.problems {
                    tracing::warn!("{problem}");
                }
            }
            Ok(Err(err)) => tracing::error!(error = %err, "sletting etter retningslinjene feilet"),
            Err(err) => tracing::error!(error = %err, "sletting etter retningslinjene avbrutt"),
        }
        let wait = until_next(Utc::now(), config.raw.forget.run_at);
        tokio::select! {
            _ = token.cancelled() => return Ok(()),
            _ = tokio::time::sleep(wait) => {}
        }
    }
}

/// Time from `now` to the next `at` (Oslo wall clock), at least a minute.
fn until_next(now: DateTime<Utc>, at: chrono::NaiveTime) -> Duration {
    let today = calendar::oslo_date(now);
    let mut next = calendar::oslo_instant(today.and_time(at));
    if next <= now {
        next = calendar::oslo_instant(calendar::add_days(today, 1).and_time(at));
    }
    (next - now)
        .to_std()
        .unwrap_or(Duration::from_secs(3600))
        .max(Duration::from_secs(60))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_next_run_is_later_today_or_tomorrow() {
        let at = chrono::NaiveTime::from_hms_opt(2, 15, 0).unwrap();
        // 01:00 UTC on 1 December = 02:00 Oslo: 15 minutes to go.
        let now = "2026-12-01T01:00:00Z".parse().unwrap();
        assert_eq!(until_next(now, at), Duration::from_secs(15 * 60));
        let now = "2026-12-01T02:00:00Z".parse().unwrap();
        assert_eq!(
            until_next(now, at),
            Duration::from_secs(23 * 3600 + 15 * 60)
        );
    }
}
