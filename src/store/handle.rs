//! [`Db`]: one [`Store`] connection shared by the async tasks of one service,
//! used from `spawn_blocking` so SQLite's busy waits never stall the tokio
//! workers. A std mutex (not tokio's) because the lock is only ever held on a
//! blocking thread, never across an `.await`.

use std::path::Path;
use std::sync::{Arc, Mutex};

use super::{Store, StoreError};

#[derive(Clone)]
pub struct Db {
    inner: Arc<Mutex<Store>>,
}

#[derive(Debug, thiserror::Error)]
pub enum DbError {
    #[error("databasearbeid ble avbrutt (intern feil): {0}")]
    Task(String),
}

impl Db {
    pub fn open(path: &Path) -> Result<Db, StoreError> {
        Ok(Db::new(Store::open(path)?))
    }

    pub fn new(store: Store) -> Db {
        Db {
            inner: Arc::new(Mutex::new(store)),
        }
    }

    /// Runs `f` with the connection on a blocking thread.
    pub async fn call<T, F>(&self, f: F) -> Result<T, DbError>
    where
        T: Send + 'static,
        F: FnOnce(&mut Store) -> T + Send + 'static,
    {
        let inner = self.inner.clone();
        tokio::task::spawn_blocking(move || {
            // A panic inside `f` poisons the mutex; the connection itself is
            // still consistent (SQLite rolled back), so keep using it.
            let mut store = inner.lock().unwrap_or_else(|e| e.into_inner());
            f(&mut store)
        })
        .await
        .map_err(|e| DbError::Task(e.to_string()))
    }
}
