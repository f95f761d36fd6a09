//! What running the service needs from the store: the read-only queries
//! behind the metrics endpoint (`src/metrics.rs`) — counts by unit, state
//! and refusal code, the outbox backlog, the last arrival — and giving
//! SQLite's page cache back at rest. Nothing here returns a title, a file
//! name or a person ID: only configured unit ids, state names and codes.

use chrono::{DateTime, Utc};
use rusqlite::params;

use super::{Result, Store};

/// Items per (unit, state); unit is `""` before classification.
pub struct StateCount {
    pub unit: String,
    pub state: String,
    pub count: i64,
}

pub struct OutboxBacklog {
    pub pending: i64,
    /// `created_at` of the oldest unsent row.
    pub oldest_pending: Option<chrono::DateTime<chrono::Utc>>,
    pub failed: i64,
}

pub fn metrics_state_counts(store: &Store) -> Result<Vec<StateCount>> {
    let mut stmt = store.conn().prepare(
        "SELECT COALESCE(unit, folder_unit, ''), state, COUNT(*) FROM items \
         GROUP BY 1, 2 ORDER BY 1, 2",
    )?;
    let rows = stmt.query_map([], |r| {
        Ok(StateCount {
            unit: r.get(0)?,
            state: r.get(1)?,
            count: r.get(2)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
}

/// Refused items per refusal code (`too_large`, `unreadable`, …).
pub fn metrics_rejections(store: &Store) -> Result<Vec<(String, i64)>> {
    let mut stmt = store.conn().prepare(
        "SELECT COALESCE(reject_code, 'ukjent'), COUNT(*) FROM items \
         WHERE state = 'rejected' GROUP BY 1 ORDER BY 1",
    )?;
    let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
    Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
}

pub fn metrics_outbox(store: &Store) -> Result<OutboxBacklog> {
    Ok(store.conn().query_row(
        "SELECT COALESCE(SUM(state = 'pending'), 0), \
                MIN(CASE WHEN state = 'pending' THEN created_at END), \
                COALESCE(SUM(state = 'failed'), 0) FROM outbox",
        [],
        |r| {
            Ok(OutboxBacklog {
                pending: r.get(0)?,
                oldest_pending: r.get(1)?,
                failed: r.get(2)?,
            })
        },
    )?)
}

/// The time recorded under `name`, recording `now` if there is none
/// yet (first one wins; later calls return it unchanged).
pub fn service_mark(store: &Store, name: &str, now: DateTime<Utc>) -> Result<DateTime<Utc>> {
    store.write_one(
        "INSERT INTO service_marks (name, at) VALUES (?1, ?2) ON CONFLICT(name) DO NOTHING",
        params![name, now.to_rfc3339()],
    )?;
    Ok(store.conn().query_row(
        "SELECT at FROM service_marks WHERE name = ?1",
        [name],
        |r| r.get(0),
    )?)
}

/// [`Store::open`] with the page cache capped at
/// [`super::handle::SMALL_CACHE_KIB`]: a polling task's connection.
pub fn open_small(path: &std::path::Path) -> Result<Store> {
    let store = Store::open(path)?;
    limit_cache(&store, super::handle::SMALL_CACHE_KIB)?;
    Ok(store)
}

/// Caps this connection's page cache at `kib` KiB (`PRAGMA cache_size`
/// takes a negative number as KiB).
pub fn limit_cache(store: &Store, kib: i64) -> Result<()> {
    store.conn().pragma_update(None, "cache_size", -kib.abs())?;
    Ok(())
}

/// Frees what SQLite caches for this connection (the daemon at rest).
pub fn release_memory(store: &Store) -> Result<()> {
    store.conn().execute_batch("PRAGMA shrink_memory")?;
    Ok(())
}

/// Bytes of SQLite's heap that are page cache, over every connection of
/// the process (`SQLITE_STATUS_PAGECACHE_OVERFLOW`: with no page-cache
/// buffer configured every page is malloc'd): the rest of
/// [`sqlite_heap_bytes`] is schemas and prepared statements.
pub fn sqlite_page_cache_bytes() -> i64 {
    let (mut current, mut highwater) = (0, 0);
    // SAFETY: sqlite3_status64 only reads SQLite's global counters.
    let rc = unsafe {
        rusqlite::ffi::sqlite3_status64(
            rusqlite::ffi::SQLITE_STATUS_PAGECACHE_OVERFLOW,
            &mut current,
            &mut highwater,
            0,
        )
    };
    if rc == rusqlite::ffi::SQLITE_OK {
        current
    } else {
        0
    }
}

/// Bytes of page cache this connection holds (`SQLITE_DBSTATUS_CACHE_USED`):
/// what [`release_memory`] gives back.
pub fn cache_used_bytes(store: &Store) -> i64 {
    let (mut current, mut highwater) = (0, 0);
    // SAFETY: the handle is this live connection's; sqlite3_db_status only
    // reads its counters into the two integers.
    let rc = unsafe {
        rusqlite::ffi::sqlite3_db_status(
            store.conn().handle(),
            rusqlite::ffi::SQLITE_DBSTATUS_CACHE_USED,
            &mut current,
            &mut highwater,
            0,
        )
    };
    if rc == rusqlite::ffi::SQLITE_OK {
        i64::from(current)
    } else {
        0
    }
}

/// `received_at` of the newest item.
pub fn metrics_last_arrival(store: &Store) -> Result<Option<chrono::DateTime<chrono::Utc>>> {
    Ok(store
        .conn()
        .query_row("SELECT MAX(received_at) FROM items", [], |r| r.get(0))?)
}

/// Bytes SQLite holds on the heap in this process (every connection's page
/// cache, schema and statements): the metrics' `sqlite_heap_bytes`.
pub fn sqlite_heap_bytes() -> i64 {
    // SAFETY: sqlite3_memory_used only reads SQLite's global counter.
    unsafe { rusqlite::ffi::sqlite3_memory_used() }
}
