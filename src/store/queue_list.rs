//! Read-side views of the items for the CLI (`queue list`, `status`): the
//! morning-meeting queue as JSON rows, counts per state, last arrival.
//! Read-only; the board has its own richer queries in `store::board`.

use chrono::{DateTime, Utc};
use rusqlite::params;
use serde::Serialize;

use super::items::Result;
use super::Store;
use crate::item::ItemState;

/// One line of `postmottak queue list --json` (DESIGN.md §6b).
#[derive(Debug, Clone, Serialize)]
pub struct QueueRow {
    pub id: i64,
    pub file_name: String,
    pub sha256: String,
    pub state: String,
    pub unit: Option<String>,
    pub source: String,
    #[serde(serialize_with = "super::time::serialize_instant")]
    pub received_at: DateTime<Utc>,
    pub document_type: Option<String>,
    pub title: Option<String>,
    pub urgent: Option<bool>,
    pub leader_review: Option<bool>,
    pub duplicate_of: Option<i64>,
    pub allocated_to: Option<String>,
    #[serde(serialize_with = "super::time::serialize_opt_instant")]
    pub allocated_at: Option<DateTime<Utc>>,
    #[serde(serialize_with = "super::time::serialize_opt_instant")]
    pub registered_at: Option<DateTime<Utc>>,
    pub reject_code: Option<String>,
    pub page_count: Option<i64>,
    pub text_source: Option<String>,
}

/// Items waiting for allocation (urgent first, oldest first), or every item.
pub fn queue_rows(store: &Store, all: bool) -> Result<Vec<QueueRow>> {
    let mut stmt = store.conn().prepare_cached(
        "SELECT i.id, i.file_name, i.sha256, i.state, i.unit, i.source, i.received_at,
                i.document_type, i.title, i.urgent, i.leader_review, i.duplicate_of,
                u.username, i.allocated_at, i.registered_at, i.reject_code, i.page_count,
                i.text_source
         FROM items i LEFT JOIN users u ON u.id = i.allocated_to
         WHERE ?1 OR i.state = 'queued'
         ORDER BY CASE WHEN ?1 THEN 0 ELSE COALESCE(i.urgent, 0) END DESC, i.received_at, i.id",
    )?;
    let rows = stmt.query_map(params![all], |r| {
        Ok(QueueRow {
            id: r.get(0)?,
            file_name: r.get(1)?,
            sha256: r.get(2)?,
            state: r.get(3)?,
            unit: r.get(4)?,
            source: r.get(5)?,
            received_at: r.get(6)?,
            document_type: r.get(7)?,
            title: r.get(8)?,
            urgent: r.get(9)?,
            leader_review: r.get(10)?,
            duplicate_of: r.get(11)?,
            allocated_to: r.get(12)?,
            allocated_at: r.get(13)?,
            registered_at: r.get(14)?,
            reject_code: r.get(15)?,
            page_count: r.get(16)?,
            text_source: r.get(17)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
}

/// How many items are in each state.
pub fn state_counts(store: &Store) -> Result<Vec<(ItemState, i64)>> {
    let mut stmt = store
        .conn()
        .prepare_cached("SELECT state, COUNT(*) FROM items GROUP BY state")?;
    let rows = stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?)))?;
    let mut out = Vec::new();
    for row in rows {
        let (state, n) = row?;
        if let Ok(state) = state.parse() {
            out.push((state, n));
        }
    }
    Ok(out)
}

/// Time of the most recent arrival, if any.
pub fn last_received_at(store: &Store) -> Result<Option<DateTime<Utc>>> {
    Ok(store
        .conn()
        .query_row("SELECT MAX(received_at) FROM items", [], |r| r.get(0))?)
}
