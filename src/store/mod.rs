//! Store: the SQLite database (WAL) that holds every durable state.
//!
//! **Invariant:** only this module writes SQL, and only with bound parameters.
//! **Invariant:** every stage transition is its own transaction together with
//! its event row; work (hashing, OCR) happens outside transactions and is simply
//! redone after a crash.
//!
//! A [`Store`] is one connection. SQLite connections are cheap: each task
//! (pipeline worker, web handler pool, mailer) opens its own rather than
//! sharing one behind a lock; WAL lets readers run beside the one writer.

use std::path::{Path, PathBuf};
use std::time::Duration;

use rusqlite::Connection;

pub mod after_meeting;
pub mod arrivals;
pub mod backup;
pub mod board;
pub mod deliveries;
pub mod direct;
pub mod events;
pub mod forget;
pub mod handle;
pub mod inspect;
pub mod items;
pub mod my_post;
pub mod operations;
pub mod outbox;
pub mod person_key;
pub mod quality;
pub mod queue_list;
pub mod reports;
pub mod sessions;
pub mod shelves;
pub mod sign_in;
pub mod time;
pub mod users;

pub use handle::Db;
pub use person_key::{person_key_hash, PersonIdKey};

/// Schema migrations in order. Append, never edit a shipped one: the version
/// a database is at is `PRAGMA user_version`.
const MIGRATIONS: &[(&str, &str)] = &[
    ("0001_core", include_str!("migrations/0001_core.sql")),
    ("0002_board", include_str!("migrations/0002_board.sql")),
    (
        "0003_retention_mail",
        include_str!("migrations/0003_retention_mail.sql"),
    ),
    ("0005_forget", include_str!("migrations/0005_forget.sql")),
    (
        "0006_after_meeting",
        include_str!("migrations/0006_after_meeting.sql"),
    ),
    (
        "0007_digital_post",
        include_str!("migrations/0007_digital_post.sql"),
    ),
    (
        "0008_operations",
        include_str!("migrations/0008_operations.sql"),
    ),
];

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("kan ikke åpne databasen {path}: {source}")]
    Open {
        path: PathBuf,
        source: rusqlite::Error,
    },
    #[error(
        "databasen {path} er fra en nyere versjon av postmottak (skjema {found}, kjenner {known})"
    )]
    TooNew {
        path: PathBuf,
        found: i64,
        known: i64,
    },
    #[error("migrering {name} feilet: {source}")]
    Migration {
        name: &'static str,
        source: rusqlite::Error,
    },
    #[error("databasearbeid ble avbrutt (intern feil): {0}")]
    Task(String),
    #[error("spørringen kan skrive; bare lesende spørringer er tillatt her")]
    NotReadOnly,
    // Domain refusals: callers (the board's `WebError`, the direct task)
    // tell these apart from a failing database.
    #[error("sak {0} finnes ikke")]
    NoSuchItem(crate::item::ItemId),
    #[error("sak {0} venter ikke på fordeling")]
    NotQueued(crate::item::ItemId),
    /// The direct task lost the race to the meeting: nothing to do.
    #[error("saken venter ikke lenger på fordeling")]
    NoLongerQueued,
    #[error("sak {0} er ikke fordelt")]
    NotAllocated(crate::item::ItemId),
    #[error("databasen har en ugyldig verdi for sak {0}")]
    BadRow(crate::item::ItemId),
    #[error("sak {0} har ugyldige data i databasen ({1})")]
    BadField(crate::item::ItemId, &'static str),
    #[error("brukeren «{0}» finnes ikke")]
    NoSuchUser(String),
    #[error("brukeren «{0}» finnes allerede")]
    UserExists(String),
    #[error("databasen har en ugyldig verdi for bruker {0}")]
    BadUserRow(i64),
    #[error("makuleringshylle {0} er allerede bekreftet makulert")]
    AlreadyConfirmed(String),
    #[error("sak {0} har ingen åpne kvalitetsavvik")]
    NothingOpen(crate::item::ItemId),
    #[error("sak {0} er ikke en skannet sak")]
    NotScan(crate::item::ItemId),
    #[error("sak {old} kan ikke erstattes av sak {new}: {why}")]
    BadReplacement {
        old: crate::item::ItemId,
        new: crate::item::ItemId,
        why: &'static str,
    },
    #[error(transparent)]
    Transition(events::TransitionError),
    #[error(transparent)]
    Sql(#[from] rusqlite::Error),
}

impl From<events::TransitionError> for StoreError {
    fn from(e: events::TransitionError) -> Self {
        match e {
            events::TransitionError::Sql(e) => StoreError::Sql(e),
            other => StoreError::Transition(other),
        }
    }
}

pub type Result<T, E = StoreError> = std::result::Result<T, E>;

pub struct Store {
    conn: Connection,
    path: PathBuf,
}

impl Store {
    /// Opens (creating if needed) the database and brings its schema up to date.
    pub fn open(path: &Path) -> Result<Store> {
        let conn = Connection::open(path).map_err(|source| StoreError::Open {
            path: path.to_owned(),
            source,
        })?;
        let mut store = Store {
            conn,
            path: path.to_owned(),
        };
        store.configure()?;
        store.migrate()?;
        Ok(store)
    }

    fn configure(&self) -> Result<()> {
        self.conn.busy_timeout(Duration::from_secs(10))?;
        // WAL: readers (board) never block the writer (pipeline). NORMAL sync is
        // durable across process crashes; only an OS crash may lose the last
        // transaction, which the next rescan re-admits.
        self.conn.pragma_update(None, "journal_mode", "WAL")?;
        self.conn.pragma_update(None, "synchronous", "NORMAL")?;
        self.conn.pragma_update(None, "foreign_keys", "ON")?;
        Ok(())
    }

    fn migrate(&mut self) -> Result<()> {
        let known = MIGRATIONS.len() as i64;
        let current: i64 = self
            .conn
            .pragma_query_value(None, "user_version", |r| r.get(0))?;
        if current > known {
            return Err(StoreError::TooNew {
                path: self.path.clone(),
                found: current,
                known,
            });
        }
        for (index, (name, sql)) in MIGRATIONS.iter().enumerate().skip(current as usize) {
            let tx = self.conn.transaction()?;
            tx.execute_batch(sql)
                .map_err(|source| StoreError::Migration { name, source })?;
            tx.pragma_update(None, "user_version", index as i64 + 1)?;
            tx.commit()?;
        }
        Ok(())
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The connection, for the query modules of this folder. Not public:
    /// code outside `store/` (tests included) reads and writes through the
    /// store's functions, so every write goes through [`Store::write`].
    pub(crate) fn conn(&self) -> &Connection {
        &self.conn
    }

    /// The one way to begin a write transaction: `BEGIN IMMEDIATE`, so a
    /// read-then-write transaction takes the write lock up front and waits
    /// out the busy timeout, instead of failing with SQLITE_BUSY when a
    /// deferred read lock cannot be upgraded under concurrent writers.
    ///
    /// Takes `&self` so one transaction can span several store calls (e.g.
    /// an outbox row and its bookkeeping); a second `write` while one is
    /// open fails at `BEGIN` rather than nesting. Dropped without commit, it
    /// rolls back.
    pub(crate) fn write(&self) -> rusqlite::Result<rusqlite::Transaction<'_>> {
        rusqlite::Transaction::new_unchecked(&self.conn, rusqlite::TransactionBehavior::Immediate)
    }

    /// One write statement through [`Store::write`]: its own `IMMEDIATE`
    /// transaction, or part of the caller's when one is open on this
    /// connection (an outbox row inside the mailer's spanning transaction).
    pub(crate) fn write_one<P: rusqlite::Params>(
        &self,
        sql: &str,
        params: P,
    ) -> rusqlite::Result<usize> {
        if !self.conn.is_autocommit() {
            return self.conn.execute(sql, params);
        }
        let tx = self.write()?;
        let changed = tx.execute(sql, params)?;
        tx.commit()?;
        Ok(changed)
    }

    /// [`Store::write`] for callers outside `store/` that need one
    /// transaction around several store calls (the mailer's outbox row and
    /// its bookkeeping). The guard only commits or rolls back.
    pub fn write_spanning(&self) -> Result<WriteGuard<'_>> {
        Ok(WriteGuard(self.write()?))
    }
}

/// An open write transaction held by code outside `store/`: it can only be
/// committed or dropped (rolled back), never used to run SQL.
pub struct WriteGuard<'a>(rusqlite::Transaction<'a>);

impl WriteGuard<'_> {
    pub fn commit(self) -> Result<()> {
        Ok(self.0.commit()?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn migrations_apply_once_and_reopen_cleanly() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("db.sqlite");
        let store = Store::open(&path).unwrap();
        let version: i64 = store
            .conn()
            .pragma_query_value(None, "user_version", |r| r.get(0))
            .unwrap();
        assert_eq!(version, MIGRATIONS.len() as i64);
        drop(store);
        Store::open(&path).expect("reopening an up-to-date store must not re-run migrations");
    }
}
