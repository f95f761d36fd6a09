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

use std::path::{Path, PathBuf};
use std::sync::{Arc, Condvar, Mutex, MutexGuard};

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
        Db {
            pool: Arc::new(Pool {
                path,
                limit,
                keep,
                state: Mutex::new(PoolState { idle, open }),
                freed: Condvar::new(),
            }),
        }
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
