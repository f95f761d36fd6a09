//! Read-only queries for tests and benchmarks that check the database as an
//! oracle (a crash test counting events, a backup test comparing rows).
//!
//! Not part of the service's API: nothing in `src/` outside `store/` uses it.
//! Every statement is checked with SQLite's own `sqlite3_stmt_readonly` and
//! refused before it runs when it could write, so state is still only
//! changed through the store's functions. [`Inspect::schema_refuses`] tries a
//! write the schema must refuse (a trigger test) inside a transaction that
//! is always rolled back.

use rusqlite::{Params, Row};

use super::{Result, Store, StoreError};

#[doc(hidden)]
pub struct Inspect<'a>(&'a Store);

impl Store {
    /// A read-only view for test oracles; see [`Inspect`].
    #[doc(hidden)]
    pub fn inspect(&self) -> Inspect<'_> {
        Inspect(self)
    }
}

impl Inspect<'_> {
    /// Every row of a read-only statement.
    pub fn all<T, P: Params>(
        &self,
        sql: &str,
        params: P,
        mut row: impl FnMut(&Row<'_>) -> rusqlite::Result<T>,
    ) -> Result<Vec<T>> {
        let mut stmt = self.0.conn().prepare(sql)?;
        if !stmt.readonly() {
            return Err(StoreError::NotReadOnly);
        }
        let rows = stmt.query_map(params, |r| row(r))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// The first row of a read-only statement; an error when there is none.
    pub fn one<T, P: Params>(
        &self,
        sql: &str,
        params: P,
        row: impl FnMut(&Row<'_>) -> rusqlite::Result<T>,
    ) -> Result<T> {
        let mut stmt = self.0.conn().prepare(sql)?;
        if !stmt.readonly() {
            return Err(StoreError::NotReadOnly);
        }
        Ok(stmt.query_row(params, row)?)
    }

    /// Whether the schema refuses this write (a trigger or constraint). The
    /// attempt runs in a write transaction that is rolled back either way,
    /// so nothing is ever changed.
    pub fn schema_refuses(&self, sql: &str) -> Result<bool> {
        let tx = self.0.write()?;
        let refused = tx.execute_batch(sql).is_err();
        tx.rollback()?;
        Ok(refused)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_writing_statement_is_refused_before_it_runs() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("db.sqlite")).unwrap();
        let write = store
            .inspect()
            .all("DELETE FROM items", [], |r| r.get::<_, i64>(0));
        assert!(matches!(write, Err(StoreError::NotReadOnly)));
        let count = store
            .inspect()
            .one("SELECT COUNT(*) FROM items", [], |r| r.get::<_, i64>(0))
            .unwrap();
        assert_eq!(count, 0);
        // Allowed by the schema, so not refused, and rolled back all the same.
        assert!(!store
            .inspect()
            .schema_refuses("UPDATE users SET email = 'x@example.no'")
            .unwrap());
    }
}
