//! Arrivals as files: what the intake needs to tell a rename from a
//! registration. A scan renamed inside its folder (people do, to find it in
//! the case system's file dialog) is the same arrival under a new name: the
//! item keeps its state and learns the name, as an event.

use rusqlite::params;

use super::events::{self, Actor};
use super::items::Result;
use super::Store;
use super::StoreError;
use crate::item::ItemId;

/// An unregistered, unrefused item's file as it was admitted.
#[derive(Debug, Clone)]
pub struct LiveFile {
    pub id: ItemId,
    pub source_path: String,
    pub sha256: String,
    pub size: u64,
    pub mtime_ns: Option<i64>,
}

/// Every item whose file should still lie in its inbox.
pub fn live_files(store: &Store) -> Result<Vec<LiveFile>> {
    let mut stmt = store.conn().prepare(
        "SELECT id, source_path, sha256, size_bytes, source_mtime_ns FROM items
         WHERE registered_at IS NULL AND state NOT IN ('rejected','registered') ORDER BY id",
    )?;
    let rows = stmt.query_map([], |r| {
        Ok(LiveFile {
            id: ItemId(r.get(0)?),
            source_path: r.get(1)?,
            sha256: r.get(2)?,
            size: r.get::<_, i64>(3)?.max(0) as u64,
            mtime_ns: r.get(4)?,
        })
    })?;
    Ok(rows.collect::<std::result::Result<_, _>>()?)
}

/// The item's file now has another name in the same folder. Returns false
/// when nothing changed (item gone, registered, or another open row already
/// holds that path with those bytes).
pub fn record_rename(
    store: &mut Store,
    id: ItemId,
    new_path: &str,
    new_name: &str,
) -> Result<bool> {
    let tx = store.write()?;
    let old: Option<String> = tx
        .query_row(
            "SELECT file_name FROM items WHERE id = ?1 AND registered_at IS NULL",
            params![id.0],
            |r| r.get(0),
        )
        .ok();
    let Some(old) = old else { return Ok(false) };
    let changed = tx.execute(
        "UPDATE items SET source_path = ?1, file_name = ?2
         WHERE id = ?3 AND registered_at IS NULL
           AND NOT EXISTS (SELECT 1 FROM items o WHERE o.source_path = ?1
                           AND o.sha256 = items.sha256 AND o.registered_at IS NULL)",
        params![new_path, new_name, id.0],
    )?;
    if changed == 0 {
        return Ok(false);
    }
    events::record(
        &tx,
        Some(id),
        Actor::System,
        "renamed",
        &serde_json::json!({ "from": old, "to": new_name }),
    )
    .map_err(StoreError::from)?;
    tx.commit()?;
    Ok(true)
}
