//! Direct allocation from caseworkers' scanner shelves: "Det som kan
//! fordeles direkte til saksbehandler legges i saksbehandlers posthylle".
//!
//! A unit with `direct_allocation = true` gives each caseworker a scanner
//! profile that writes into `scan_folder/USERNAME/`. Such a scan is read and
//! classified like any other; once it waits for the meeting (`queued`), this
//! task allocates it to that caseworker at once — when they may receive the
//! unit's post. Otherwise it stays for the meeting with a note (an event).
//!
//! **Invariant:** the store is the truth: the task looks for queued scans
//! from a shelf not yet handled (`shelf_owner IS NULL`), so a crash or
//! restart redoes nothing and misses nothing. Only one level below the scan
//! folder counts (the intake watches nothing deeper).

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use tokio_util::sync::CancellationToken;

use super::folders::is_shelf_name;
pub use super::folders::shelf_folders;
use crate::access;
use crate::config::Config;
use crate::item::UnitId;
use crate::store::direct::{self, ShelfOutcome};
use crate::store::{users, Db, Store};

/// How often the task looks for new shelf arrivals.
const INTERVAL: Duration = Duration::from_millis(500);

/// The unit and caseworker (user name) whose shelf `source_path` lies on,
/// when it is directly in a sub-folder of a `direct_allocation` unit's scan
/// folder.
pub fn shelf_of(config: &Config, source_path: &Path) -> Option<(UnitId, String)> {
    let shelf = source_path.parent()?;
    let base = shelf.parent()?;
    let owner = shelf.file_name()?.to_str()?;
    if !is_shelf_name(owner) {
        return None;
    }
    config
        .raw
        .units
        .iter()
        .find(|u| u.direct_allocation && config.resolve(&u.scan_folder) == base)
        .map(|u| (u.id.clone(), owner.to_owned()))
}

/// One pass: every queued scan from a shelf is allocated to its owner or
/// left for the meeting with a note. Returns how many were handled.
pub fn sweep(store: &mut Store, config: &Config) -> Result<usize, crate::store::StoreError> {
    if !config.raw.units.iter().any(|u| u.direct_allocation) {
        return Ok(0);
    }
    let mut handled = 0;
    for (id, source_path) in direct::unhandled_queued_scans(store)? {
        let Some((unit, owner)) = shelf_of(config, Path::new(&source_path)) else {
            continue;
        };
        let user = users::find(store, &owner).ok().flatten();
        let outcome = match user {
            None => ShelfOutcome::UnknownUser,
            Some(u) if access::can_be_given(&u, &unit) => ShelfOutcome::Allocate(u.id),
            Some(_) => ShelfOutcome::NoAccess,
        };
        match direct::handle(store, id, &owner, outcome) {
            Ok(()) => handled += 1,
            // Someone allocated it meanwhile: nothing to do.
            Err(crate::store::StoreError::NoLongerQueued) => {}
            Err(e) => return Err(e),
        }
    }
    Ok(handled)
}

/// The daemon task: a sweep every half second until cancelled.
pub async fn run(config: Arc<Config>, token: CancellationToken) -> Result<(), String> {
    if !config.raw.units.iter().any(|u| u.direct_allocation) {
        return Ok(());
    }
    // A `Db`, so the daemon at rest shrinks this connection's cache too;
    // small, as it polls twice a second.
    let db = Db::open_small(&config.database_path()).map_err(|e| e.to_string())?;
    let mut tick = tokio::time::interval(INTERVAL);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tokio::select! {
            _ = token.cancelled() => return Ok(()),
            _ = tick.tick() => {}
        }
        let cfg = config.clone();
        match db.run(move |store| sweep(store, &cfg)).await {
            Ok(0) => {}
            Ok(n) => tracing::info!(items = n, "direkte fordeling fra saksbehandlers hylle"),
            // A busy or locked store is retried at the next tick.
            Err(e) => tracing::warn!(error = %e, "direkte fordeling feilet; prøver igjen"),
        }
    }
}
