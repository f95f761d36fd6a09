//! The SQL behind `postmottak backup`, `restore` and `verify`: a consistent
//! copy of a live database (`VACUUM INTO`, one read transaction, so the
//! daemon keeps writing through WAL while it runs), the content files a
//! database refers to, row counts for the manifest and SQLite's own
//! integrity check.
//!
//! These functions open their own connection without migrating: a backup
//! must never change the database it copies.

use std::path::Path;
use std::time::Duration;

use rusqlite::{Connection, OpenFlags};
use serde::{Deserialize, Serialize};

use super::{Result, StoreError, MIGRATIONS};

/// One content file an item refers to (`items.content_path`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ContentRef {
    /// Relative to `data_dir`, e.g. `content/ab/ab12…`.
    pub path: String,
    pub sha256: String,
    pub size: u64,
}

/// Rows per table, recorded in the manifest and compared after a restore.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RowCounts {
    pub items: i64,
    pub events: i64,
    pub users: i64,
    pub outbox: i64,
    pub pages: i64,
    pub shred_confirmations: i64,
}

/// Opens a database file as it is: no schema change, refused when it is
/// newer than this binary knows.
pub fn open_plain(path: &Path, read_only: bool) -> Result<Connection> {
    let flags = if read_only {
        OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX
    } else {
        OpenFlags::default()
    };
    let conn = Connection::open_with_flags(path, flags).map_err(|source| StoreError::Open {
        path: path.to_owned(),
        source,
    })?;
    conn.busy_timeout(Duration::from_secs(30))?;
    let found = schema_version(&conn)?;
    let known = MIGRATIONS.len() as i64;
    if found > known {
        return Err(StoreError::TooNew {
            path: path.to_owned(),
            found,
            known,
        });
    }
    Ok(conn)
}

/// `PRAGMA user_version`: how many migrations the database has had.
pub fn schema_version(conn: &Connection) -> Result<i64> {
    Ok(conn.pragma_query_value(None, "user_version", |r| r.get(0))?)
}

/// Writes a consistent, compacted copy of the database at `source` to
/// `dest` (which must not exist). Runs beside a working daemon: the copy is
/// one read transaction, and WAL lets the daemon's writer go on meanwhile.
pub fn snapshot_into(source: &Path, dest: &Path) -> Result<()> {
    let conn = open_plain(source, false)?;
    let dest = dest.to_str().ok_or_else(|| StoreError::Open {
        path: dest.to_owned(),
        source: rusqlite::Error::InvalidPath(dest.to_owned()),
    })?;
    conn.execute("VACUUM INTO ?1", [dest])?;
    Ok(())
}

/// Every content file the items of this database still hold, once each:
/// not the copies `[forget]` deleted, nor refusals too large to copy (no
/// content path).
pub fn content_refs(conn: &Connection) -> Result<Vec<ContentRef>> {
    let mut stmt = conn.prepare(
        "SELECT content_path, sha256, MAX(size_bytes) FROM items \
         WHERE content_path <> '' AND content_forgotten_at IS NULL \
         GROUP BY content_path, sha256 ORDER BY content_path",
    )?;
    let rows = stmt.query_map([], |r| {
        Ok(ContentRef {
            path: r.get(0)?,
            sha256: r.get(1)?,
            size: r.get::<_, i64>(2)?.max(0) as u64,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
}

/// The item ids that use a content file (to name them in a problem report
/// without naming the letter).
pub fn items_using(conn: &Connection, content_path: &str) -> Result<Vec<i64>> {
    let mut stmt = conn.prepare("SELECT id FROM items WHERE content_path = ?1 ORDER BY id")?;
    let rows = stmt.query_map([content_path], |r| r.get(0))?;
    Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
}

/// [`row_counts`] of an opened store (a restored snapshot, migrated).
pub fn store_row_counts(store: &super::Store) -> Result<RowCounts> {
    row_counts(store.conn())
}

pub fn row_counts(conn: &Connection) -> Result<RowCounts> {
    // Table names are constants of this function, never input.
    let count = |table: &str| -> Result<i64> {
        Ok(conn.query_row(&format!("SELECT COUNT(*) FROM {table}"), [], |r| r.get(0))?)
    };
    Ok(RowCounts {
        items: count("items")?,
        events: count("events")?,
        users: count("users")?,
        outbox: count("outbox")?,
        pages: count("pages")?,
        shred_confirmations: count("shred_confirmations")?,
    })
}

/// `PRAGMA quick_check`: empty when the database is sound.
pub fn integrity_problems(conn: &Connection) -> Result<Vec<String>> {
    let mut stmt = conn.prepare("PRAGMA quick_check")?;
    let rows = stmt.query_map([], |r| r.get::<_, String>(0))?;
    let lines = rows.collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(lines.into_iter().filter(|l| l != "ok").collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::Store;

    #[test]
    fn snapshot_is_a_complete_database_and_leaves_the_source_alone() {
        let dir = tempfile::tempdir().unwrap();
        let src = dir.path().join("db.sqlite");
        let store = Store::open(&src).unwrap();
        let before = schema_version(store.conn()).unwrap();
        let dest = dir.path().join("copy.sqlite");
        snapshot_into(&src, &dest).unwrap();
        let copy = open_plain(&dest, true).unwrap();
        assert_eq!(schema_version(&copy).unwrap(), before);
        assert_eq!(row_counts(&copy).unwrap(), RowCounts::default());
        assert!(integrity_problems(&copy).unwrap().is_empty());
        assert!(content_refs(&copy).unwrap().is_empty());
        // A second snapshot onto an existing file is refused by SQLite.
        assert!(snapshot_into(&src, &dest).is_err());
    }
}
