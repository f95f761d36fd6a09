//! [`Db`]: the one async adapter to the store. Every async task (intake,
//! pipeline, printout, metrics, the board's handlers, the mailer) reaches
//! SQLite through [`Db::run`], which runs the closure on tokio's blocking
//! pool so SQLite's busy waits never stall the tokio workers, and returns
//! the closure's own error type (a failed blocking task becomes
//! [`StoreError::Task`]), so callers match one `Result`, not `Ok(Ok(…))`.
//!
//! A `Db` is a small pool of connections to one database: `limit` of them
//! open at once (callers beyond it wait), `keep` kept idle for reuse. The
//! daemon's stages share one connection (`limit` 1, as a single writer
//! serialises anyway); the board opens more on demand so page requests run
//! side by side (WAL lets readers proceed beside the writer). Std mutexes,
//! not tokio's: they are only ever held on a blocking thread, never across
//! an `.await`.
//!
//! Every pool is listed (weakly) in [`POOLS`], so the daemon at rest can
//! give back the page cache of every long-lived connection in the process
//! ([`release_idle_memory`]): the pipeline's, the board's, the mailer's,
//! the after-meeting and direct tasks', the metrics scrape's. Each would
//! otherwise keep up to `cache_size` of pages (2 MB by default) and grow
//! towards it as the database grows.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Condvar, Mutex, MutexGuard, Weak};

use super::{Store, StoreError};

#[derive(Clone)]
pub struct Db {
    pool: Arc<Pool>,
}

struct Pool {
    path: PathBuf,
    limit: usize,
    keep: usize,
    state: Mutex<PoolState>,
    freed: Condvar,
}

struct PoolState {
    idle: Vec<Store>,
    open: usize,
}

impl Db {
    /// One shared connection to the database at `path`.
    pub fn open(path: &Path) -> Result<Db, StoreError> {
        Ok(Db::new(Store::open(path)?))
    }

    /// One shared connection to the database at `path` with a small page
    /// cache ([`SMALL_CACHE_KIB`]), for a task that polls (mail scheduler,
    /// after-meeting, direct allocation, metrics): between two rests its
    /// polls would otherwise fill SQLite's default 2 MB with pages of a
    /// growing database, which the rest then has to give back again.
    pub fn open_small(path: &Path) -> Result<Db, StoreError> {
        Ok(Db::new(super::operations::open_small(path)?))
    }

    /// One shared connection: this store.
    pub fn new(store: Store) -> Db {
        Db::with(store.path().to_owned(), vec![store], 1, 1)
    }

    /// Connections opened on demand, with no limit, `keep` of them kept
    /// idle (the board: requests run side by side).
    pub fn pool(path: &Path, keep: usize) -> Result<Db, StoreError> {
        let store = Store::open(path)?;
        Ok(Db::with(
            path.to_owned(),
            vec![store],
            usize::MAX,
            keep.max(1),
        ))
    }

    fn with(path: PathBuf, idle: Vec<Store>, limit: usize, keep: usize) -> Db {
        let open = idle.len();
        let pool = Arc::new(Pool {
            path,
            limit,
            keep,
            state: Mutex::new(PoolState { idle, open }),
            freed: Condvar::new(),
        });
        let mut pools = POOLS.lock().unwrap_or_else(|p| p.into_inner());
        // A reload replaces services and their pools: forget the dropped
        // ones here, so the list stays as long as the live pools.
        pools.retain(|p| p.strong_count() > 0);
        pools.push(Arc::downgrade(&pool));
        Db { pool }
    }

    /// Runs `f` with a connection on a blocking thread.
    pub async fn run<T, E, F>(&self, f: F) -> Result<T, E>
    where
        T: Send + 'static,
        E: From<StoreError> + Send + 'static,
        F: FnOnce(&mut Store) -> Result<T, E> + Send + 'static,
    {
        let pool = Arc::clone(&self.pool);
        tokio::task::spawn_blocking(move || {
            let mut lease = Lease::take(&pool)?;
            f(lease.store())
        })
        .await
        .map_err(|e| E::from(StoreError::Task(e.to_string())))?
    }
}

/// Page cache of a polling task's connection ([`Db::open_small`]): its
/// queries walk indexes of a few pages each, not whole tables.
pub const SMALL_CACHE_KIB: i64 = 256;

/// Every `Db` pool of the process, for [`release_idle_memory`].
static POOLS: Mutex<Vec<Weak<Pool>>> = Mutex::new(Vec::new());

/// Frees SQLite's page cache (`PRAGMA shrink_memory`) on every idle
/// connection of every [`Db`] in the process; blocking, so call it from a
/// blocking thread. A connection in use at that moment is left alone (the
/// next rest takes it), so this never waits on a long query. Returns how
/// many connections were shrunk.
pub fn release_idle_memory() -> usize {
    let pools: Vec<Arc<Pool>> = POOLS
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .iter()
        .filter_map(Weak::upgrade)
        .collect();
    let mut shrunk = 0;
    for pool in &pools {
        let idle = pool.state().idle.len();
        for _ in 0..idle {
            let Some(mut lease) = Lease::take_idle(pool) else {
                break;
            };
            match super::operations::release_memory(lease.store()) {
                Ok(()) => shrunk += 1,
                Err(e) => tracing::debug!(error = %e, "SQLite-hurtigbufferen kunne ikke krympes"),
            }
        }
    }
    shrunk
}

impl Pool {
    /// A panic inside a closure poisons the mutex; the pool's bookkeeping
    /// is still consistent (the lease gave its connection back), so keep
    /// using it.
    fn state(&self) -> MutexGuard<'_, PoolState> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }
}

/// A connection taken from the pool; given back (or closed) on drop, also
/// when the closure panics.
struct Lease<'a> {
    pool: &'a Pool,
    store: Option<Store>,
}

impl<'a> Lease<'a> {
    fn take(pool: &'a Pool) -> Result<Lease<'a>, StoreError> {
        let mut state = pool.state();
        loop {
            if let Some(store) = state.idle.pop() {
                return Ok(Lease {
                    pool,
                    store: Some(store),
                });
            }
            if state.open < pool.limit {
                state.open += 1;
                drop(state);
                return match Store::open(&pool.path) {
                    Ok(store) => Ok(Lease {
                        pool,
                        store: Some(store),
                    }),
                    Err(e) => {
                        pool.state().open -= 1;
                        pool.freed.notify_one();
                        Err(e)
                    }
                };
            }
            state = pool.freed.wait(state).unwrap_or_else(|p| p.into_inner());
        }
    }

    /// An idle connection if there is one; never opens or waits. Taken
    /// from the bottom of the idle list, so a caller shrinking the idle
    /// connections one by one meets each once (a lease goes back on top).
    fn take_idle(pool: &'a Pool) -> Option<Lease<'a>> {
        let mut state = pool.state();
        if state.idle.is_empty() {
            return None;
        }
        let store = state.idle.remove(0);
        Some(Lease {
            pool,
            store: Some(store),
        })
    }

    fn store(&mut self) -> &mut Store {
        // Only `drop` takes the store out.
        self.store
            .as_mut()
            .expect("a lease holds its store until dropped")
    }
}

impl Drop for Lease<'_> {
    fn drop(&mut self) {
        let mut state = self.pool.state();
        match self.store.take() {
            Some(store) if state.idle.len() < self.pool.keep => state.idle.push(store),
            _ => state.open -= 1,
        }
        drop(state);
        self.pool.freed.notify_one();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::operations::cache_used_bytes;

    /// Reads every page of a 4 MB table on `db`; returns the page cache the
    /// connection then holds.
    async fn fill_cache(db: &Db) -> i64 {
        db.run(|s| {
            s.conn()
                .query_row("SELECT SUM(LENGTH(b)) FROM filler", [], |r| {
                    r.get::<_, i64>(0)
                })?;
            Ok::<_, StoreError>(cache_used_bytes(s))
        })
        .await
        .unwrap()
    }

    #[tokio::test]
    async fn at_rest_every_pools_idle_connections_give_their_page_cache_back() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("db.sqlite");
        Store::open(&path)
            .unwrap()
            .conn()
            .execute_batch(
                "CREATE TABLE filler (b BLOB); \
                 WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 1000) \
                 INSERT INTO filler SELECT randomblob(4000) FROM n;",
            )
            .unwrap();
        // As the daemon has them: one shared connection (pipeline, mail,
        // after-meeting, direct, metrics) and the board's pool.
        let shared = Db::open(&path).unwrap();
        let board = Db::pool(&path, 2).unwrap();
        for db in [&shared, &board] {
            let held = fill_cache(db).await;
            // SQLite's default cache is 2000 KiB; the scan fills most of it.
            assert!(held > 1_500_000, "page cache after a full scan: {held}");
        }

        // A polling task's connection never holds more than its bound.
        let small = Db::open_small(&path).unwrap();
        let held = fill_cache(&small).await;
        assert!(
            held <= SMALL_CACHE_KIB * 1024 + 64 * 1024,
            "a small connection's page cache after a full scan: {held}"
        );

        let shrunk = tokio::task::spawn_blocking(release_idle_memory)
            .await
            .unwrap();
        assert!(shrunk >= 2, "shrunk {shrunk} connections");
        for db in [&shared, &board] {
            let left = db
                .run(|s| Ok::<_, StoreError>(cache_used_bytes(s)))
                .await
                .unwrap();
            assert!(left < 100_000, "page cache at rest: {left} bytes");
        }
    }

    #[tokio::test]
    async fn a_panicking_closure_gives_its_connection_back() {
        let dir = tempfile::tempdir().unwrap();
        let db = Db::open(&dir.path().join("db.sqlite")).unwrap();
        let failed = db
            .run(|_| -> Result<(), StoreError> { panic!("boom") })
            .await;
        assert!(matches!(failed, Err(StoreError::Task(_))), "{failed:?}");
        // The one connection is usable again: a second call does not wait
        // forever on a leaked lease.
        let users = db
            .run(|s| crate::store::users::list(s).map_err(|e| StoreError::Task(e.to_string())))
            .await
            .unwrap();
        assert!(users.is_empty());
    }
}
