//! The daemon at rest: when the post has been read and nothing has arrived
//! for `[extract] idle_release_secs` (and once right after a start with
//! nothing to read), drop the OCR engines (they load again on the next
//! arrival), shrink SQLite's page cache on every connection and ask glibc to return freed memory
//! to the OS. A municipality's IT expects a service that was
//! idle all night to hold little memory.

use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::Duration;

use tokio_util::sync::CancellationToken;

use super::pipeline::Engines;
use super::Health;
use crate::store::Db;

/// After start, how long the start-up backlog has to reach the pipeline
/// before an idle service drops the engines it loaded to check its setup.
const START_GRACE: Duration = Duration::from_secs(5);

/// Runs until `shutdown`; a no-op when `idle` is zero.
pub async fn run(
    idle: Duration,
    engines: Arc<dyn Engines>,
    db: Db,
    health: Arc<Health>,
    shutdown: CancellationToken,
) {
    if idle.is_zero() {
        return;
    }
    // The engines were loaded at start only to prove the setup (languages
    // present); a service that starts with nothing to read gives them back
    // at once instead of holding them for a whole idle period.
    tokio::select! {
        _ = shutdown.cancelled() => return,
        _ = tokio::time::sleep(START_GRACE.min(idle)) => {}
    }
    if !busy(&health) {
        release(Duration::ZERO, &engines, &db).await;
    }
    // Look often enough that the release comes soon after the idle period,
    // rarely enough to cost nothing.
    let mut tick = tokio::time::interval(
        (idle / 4).clamp(Duration::from_millis(200), Duration::from_secs(30)),
    );
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tokio::select! {
            _ = shutdown.cancelled() => return,
            _ = tick.tick() => {}
        }
        if !busy(&health) {
            release(idle, &engines, &db).await;
        }
    }
}

/// Files settling, waiting or being read.
fn busy(health: &Health) -> bool {
    health.pipeline_waiting.load(Ordering::Relaxed)
        + health.in_extraction.load(Ordering::Relaxed)
        + health.settling.load(Ordering::Relaxed)
        > 0
}

/// Drops the engines if they were idle for `idle`, then shrinks SQLite's
/// cache and trims the heap. A document being read keeps its own handle on
/// the engines, so a race with an arrival only delays the release.
async fn release(idle: Duration, engines: &Arc<dyn Engines>, db: &Db) {
    let e = engines.clone();
    let released = tokio::task::spawn_blocking(move || e.rest(idle))
        .await
        .unwrap_or(false);
    if !released {
        return;
    }
    // The pipeline's own connection first (waiting for it if a sweep has
    // it), then every other idle one: board, mail, after-meeting, direct,
    // metrics. Each keeps pages up to its cache size otherwise, and what it
    // keeps grows with the database.
    if let Err(err) = db
        .run(|store| crate::store::operations::release_memory(store))
        .await
    {
        tracing::debug!(error = %err, "SQLite-hurtigbufferen kunne ikke krympes");
    }
    let connections = tokio::task::spawn_blocking(crate::store::handle::release_idle_memory)
        .await
        .unwrap_or(0);
    let before = crate::metrics::resident_bytes();
    let _ = tokio::task::spawn_blocking(trim_heap).await;
    let after = crate::metrics::resident_bytes();
    tracing::info!(
        rss_mb_before = before.map(|b| b / (1024 * 1024)),
        rss_mb_after = after.map(|b| b / (1024 * 1024)),
        sqlite_connections = connections,
        sqlite_kb = crate::store::operations::sqlite_heap_bytes() / 1024,
        "i ro: OCR-motorene er sluppet og minnet gitt tilbake"
    );
}

/// Caps glibc's malloc arenas at the number of cores (its default is eight
/// per core). Each tokio blocking thread that reads a file otherwise gets an
/// arena of its own, and the pages those keep half-used are what stays
/// resident after a burst: measured with `benches/memory.rs`, RSS at rest
/// after 150 letters fell from 148 MB to 80 MB, and a soak from +9 % to
/// +2.5 %. Call before any thread starts.
pub fn limit_arenas() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    {
        let cores = std::thread::available_parallelism().map_or(2, usize::from);
        let arenas = i32::try_from(cores.max(2)).unwrap_or(2);
        // SAFETY: mallopt only sets an allocator parameter.
        unsafe {
            nix::libc::mallopt(nix::libc::M_ARENA_MAX, arenas);
        }
    }
}

/// Asks the allocator to give freed heap back to the OS (glibc keeps it
/// otherwise, so RSS stays at the burst's peak).
pub fn trim_heap() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: malloc_trim only walks the allocator's own free lists.
    unsafe {
        nix::libc::malloc_trim(0);
    }
}
