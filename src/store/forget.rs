//! SQL behind forgetting (issue 16): what the sweeper reads to decide, the
//! scrub of one item's content, the removal of a content-store file once no
//! item needs it, the purge of an old record, and undoing a registration.
//!
//! **Invariant:** an item's content is scrubbed in one transaction together
//! with its `content_forgotten` event and `content_file_pending = 1`; the
//! file is removed afterwards in its own transaction that first checks, under
//! the write lock, that no item still holding content points at the same
//! file. A crash between the two leaves `pending = 1`, which the next sweep
//! resumes. Admission takes the same write lock, so a new arrival with the
//! same bytes either is seen here (file kept) or is admitted after the file
//! is gone (the intake then copies it again).

use std::collections::HashSet;

use chrono::{DateTime, Utc};
use rusqlite::{params, OptionalExtension};

use super::events::{self, Actor};
use super::items::Result;
use super::Store;
use super::StoreError;
use crate::item::{ItemId, ItemState, Sha256, UnitId};

/// What the policy needs to know about one item (no content).
#[derive(Debug, Clone)]
pub struct ForgetRow {
    pub id: ItemId,
    pub state: ItemState,
    pub received_at: DateTime<Utc>,
    pub registered_at: Option<DateTime<Utc>>,
    /// When the refusal was recorded.
    pub rejected_at: Option<DateTime<Utc>>,
    /// The item whose content this one's follows: the original of a
    /// duplicate, or the replacement of a superseded scan.
    pub follows: Option<ItemId>,
    pub content_forgotten_at: Option<DateTime<Utc>>,
}

/// Every item whose record still exists.
pub fn rows(store: &Store) -> Result<Vec<ForgetRow>> {
    let mut stmt = store.conn().prepare_cached(
        "SELECT i.id, i.state, i.received_at, i.registered_at,
                (SELECT MAX(e.at) FROM events e
                  WHERE e.item_id = i.id AND e.kind = 'transition' AND e.to_state = 'rejected'),
                COALESCE(i.duplicate_of, i.superseded_by), i.content_forgotten_at
         FROM items i WHERE i.record_purged_at IS NULL ORDER BY i.id",
    )?;
    let rows = stmt.query_map([], |r| {
        Ok((
            r.get::<_, i64>(0)?,
            r.get::<_, String>(1)?,
            r.get::<_, DateTime<Utc>>(2)?,
            r.get::<_, Option<DateTime<Utc>>>(3)?,
            r.get::<_, Option<DateTime<Utc>>>(4)?,
            r.get::<_, Option<i64>>(5)?,
            r.get::<_, Option<DateTime<Utc>>>(6)?,
        ))
    })?;
    let mut out = Vec::new();
    for row in rows {
        let (id, state, received_at, registered_at, rejected_at, follows, forgotten) = row?;
        let id = ItemId(id);
        out.push(ForgetRow {
            id,
            state: state
                .parse()
                .map_err(|_| StoreError::BadField(id, "state"))?,
            received_at,
            registered_at,
            rejected_at,
            follows: follows.map(ItemId),
            content_forgotten_at: forgotten,
        });
    }
    Ok(out)
}

/// Which policy deleted what, for the event and the item page.
#[derive(Debug, Clone)]
pub struct ForgetOrder<'a> {
    pub id: ItemId,
    /// The state the decision was taken on; a different state now (the
    /// registration was undone meanwhile) means the item is left alone.
    pub expected_state: ItemState,
    pub policy: &'a str,
    pub at: DateTime<Utc>,
    pub detail: serde_json::Value,
}

/// A delivery's original that the printout's hand-over moved out of its
/// inbox into `_originaler/`: what it takes to find it again (its name is
/// scrubbed with the rest of the content, so this is read before).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MovedOriginal {
    /// The scan folder it arrived in; `None` for the digital share.
    pub folder_unit: Option<UnitId>,
    pub file_name: String,
    pub sha256: Sha256,
    pub size: u64,
    pub content_path: String,
}

/// What [`forget_content`] did with one item.
#[derive(Debug)]
pub enum Scrub {
    /// The content is scrubbed.
    Done,
    /// Already forgotten, or its state changed since the plan.
    NothingToDo,
    /// Its moved original could not be removed: nothing is scrubbed, so the
    /// next sweep can still find the file by its name.
    OriginalKept(std::io::Error),
}

/// Scrubs one item's content: page text, person-ID links, title, file name,
/// sender, the classification's reasons, and the file name in its events.
/// What stays: number, unit, type, dates, state, flags and history.
///
/// A delivery whose printout was handed over had its original moved into
/// `_originaler/`: `remove_original` runs inside the transaction, after the
/// state is confirmed under the write lock and before the file name is
/// scrubbed. When it fails nothing is scrubbed (the next sweep retries), so
/// an original is never left behind without a name to find it by.
pub fn forget_content(
    store: &mut Store,
    order: &ForgetOrder<'_>,
    remove_original: impl FnOnce(&MovedOriginal) -> std::io::Result<()>,
) -> Result<Scrub> {
    let tx = store.write()?;
    let current: Option<(String, Option<String>)> = tx
        .query_row(
            "SELECT state, content_forgotten_at FROM items WHERE id = ?1",
            params![order.id.0],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?;
    match current {
        Some((state, None)) if state == order.expected_state.as_str() => {}
        _ => return Ok(Scrub::NothingToDo),
    }
    let id = order.id.0;
    if let Some(original) = moved_original(&tx, order.id)? {
        if let Err(err) = remove_original(&original) {
            return Ok(Scrub::OriginalKept(err));
        }
    }
    tx.execute("DELETE FROM pages WHERE item_id = ?1", params![id])?;
    tx.execute(
        "DELETE FROM item_person_ids WHERE item_id = ?1",
        params![id],
    )?;
    // An unregistered duplicate's file is still in its inbox: its path is
    // what keeps a rescan from taking the file in again, so it stays.
    let keep_path = order.expected_state == ItemState::Duplicate;
    tx.execute(
        "UPDATE items SET title = NULL, file_name = '', sender = NULL,
                classification_json = NULL, reject_message = NULL,
                source_path = CASE WHEN ?5 THEN source_path ELSE '(slettet)/' || id END,
                content_forgotten_at = ?2, content_forget_policy = ?3,
                content_file_pending = 1, updated_at = ?4
         WHERE id = ?1",
        params![
            id,
            order.at.to_rfc3339(),
            order.policy,
            Utc::now().to_rfc3339(),
            keep_path
        ],
    )?;
    tx.execute(
        "UPDATE events SET detail = json_remove(detail, '$.file_name', '$.title')
         WHERE item_id = ?1 AND json_valid(detail)
           AND (json_type(detail, '$.file_name') IS NOT NULL
                OR json_type(detail, '$.title') IS NOT NULL)",
        params![id],
    )?;
    events::record(
        &tx,
        Some(order.id),
        Actor::System,
        "content_forgotten",
        &order.detail,
    )?;
    tx.commit()?;
    Ok(Scrub::Done)
}

/// The item's moved original as the store has it now, read without the
/// write lock: the sweep finds (hashes) the files before it takes the lock,
/// and [`forget_content`] hands over the same record from inside it.
pub fn moved_original_of(store: &Store, id: ItemId) -> Result<Option<MovedOriginal>> {
    moved_original(store.conn(), id)
}

fn moved_original(conn: &rusqlite::Connection, id: ItemId) -> Result<Option<MovedOriginal>> {
    let row: Option<(Option<String>, String, String, i64, String)> = conn
        .query_row(
            "SELECT i.folder_unit, i.file_name, i.sha256, i.size_bytes, i.content_path
             FROM items i JOIN printouts p ON p.item_id = i.id
             WHERE i.id = ?1 AND p.handed_over_at IS NOT NULL",
            params![id.0],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)),
        )
        .optional()?;
    let Some((unit, file_name, sha256, size, content_path)) = row else {
        return Ok(None);
    };
    Ok(Some(MovedOriginal {
        folder_unit: unit
            .map(|u| u.parse())
            .transpose()
            .map_err(|_| StoreError::BadField(id, "folder_unit"))?,
        file_name,
        sha256: sha256
            .parse()
            .map_err(|_| StoreError::BadField(id, "sha256"))?,
        size: size.max(0) as u64,
        content_path,
    }))
}

/// Content-store files whose removal is still to be done.
pub fn pending_files(store: &Store) -> Result<Vec<String>> {
    let mut stmt = store.conn().prepare_cached(
        "SELECT DISTINCT content_path FROM items WHERE content_file_pending = 1
         ORDER BY content_path",
    )?;
    let rows = stmt.query_map([], |r| r.get(0))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// What happened to one content-store file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileOutcome {
    Removed,
    /// Another item still holding content uses the same bytes.
    StillNeeded,
}

/// Removes the file at `content_path` when no item still holding content
/// needs it, with `remove` run *inside* the write transaction (see the module
/// invariant). An error from `remove` leaves the file pending.
pub fn remove_content_file(
    store: &mut Store,
    content_path: &str,
    remove: impl FnOnce() -> std::io::Result<()>,
) -> Result<std::result::Result<FileOutcome, std::io::Error>> {
    let tx = store.write()?;
    let users: i64 = tx.query_row(
        "SELECT COUNT(*) FROM items WHERE content_path = ?1 AND content_forgotten_at IS NULL",
        params![content_path],
        |r| r.get(0),
    )?;
    let outcome = if users == 0 {
        if let Err(err) = remove() {
            return Ok(Err(err));
        }
        FileOutcome::Removed
    } else {
        FileOutcome::StillNeeded
    };
    tx.execute(
        "UPDATE items SET content_file_pending = 0
         WHERE content_path = ?1 AND content_file_pending = 1",
        params![content_path],
    )?;
    tx.commit()?;
    Ok(Ok(outcome))
}

/// Ids of the items that still hold content (their page images may stay).
pub fn holding_content(store: &Store) -> Result<HashSet<i64>> {
    let mut stmt = store
        .conn()
        .prepare_cached("SELECT id FROM items WHERE content_forgotten_at IS NULL")?;
    let rows = stmt.query_map([], |r| r.get(0))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Deletes an old record: the item's events, then the row itself, unless a
/// shred confirmation names it (those are kept forever, so the row stays as
/// a bare number with dates). The purge itself is an event without content.
/// Returns false when there was nothing to do.
pub fn purge_record(
    store: &mut Store,
    id: ItemId,
    at: DateTime<Utc>,
    detail: &serde_json::Value,
) -> Result<bool> {
    let tx = store.write()?;
    let eligible: Option<i64> = tx
        .query_row(
            "SELECT id FROM items WHERE id = ?1 AND content_forgotten_at IS NOT NULL
                AND content_file_pending = 0 AND record_purged_at IS NULL",
            params![id.0],
            |r| r.get(0),
        )
        .optional()?;
    if eligible.is_none() {
        return Ok(false);
    }
    tx.execute("DELETE FROM events WHERE item_id = ?1", params![id.0])?;
    tx.execute(
        "UPDATE items SET duplicate_of = NULL WHERE duplicate_of = ?1",
        params![id.0],
    )?;
    tx.execute(
        "UPDATE items SET superseded_by = NULL WHERE superseded_by = ?1",
        params![id.0],
    )?;
    tx.execute(
        "DELETE FROM allocation_mail WHERE item_id = ?1",
        params![id.0],
    )?;
    let confirmed: i64 = tx.query_row(
        "SELECT COUNT(*) FROM shred_confirmation_items WHERE item_id = ?1",
        params![id.0],
        |r| r.get(0),
    )?;
    if confirmed > 0 {
        tx.execute(
            "UPDATE items SET record_purged_at = ?2, quality_flags = '[]' WHERE id = ?1",
            params![id.0, at.to_rfc3339()],
        )?;
    } else {
        tx.execute("DELETE FROM items WHERE id = ?1", params![id.0])?;
    }
    events::record(&tx, None, Actor::System, "record_purged", detail)?;
    tx.commit()?;
    Ok(true)
}

/// When and by which policy an item's content was deleted.
pub fn forgotten(store: &Store, id: ItemId) -> super::Result<Option<(DateTime<Utc>, String)>> {
    Ok(store
        .conn()
        .query_row(
            "SELECT content_forgotten_at, COALESCE(content_forget_policy, '') FROM items
             WHERE id = ?1 AND content_forgotten_at IS NOT NULL",
            params![id.0],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?)
}

/// Items whose content was deleted in `[from, to)` (RFC 3339 bounds), per
/// policy; and records purged with an `as_of` day in `[from_day, to_day]`.
pub fn counts_between(
    store: &Store,
    from: &str,
    to: &str,
    from_day: &str,
    to_day: &str,
) -> super::Result<(Vec<(String, i64)>, i64)> {
    let mut stmt = store.conn().prepare_cached(
        "SELECT COALESCE(content_forget_policy, ''), COUNT(*) FROM items
         WHERE content_forgotten_at >= ?1 AND content_forgotten_at < ?2
         GROUP BY 1 ORDER BY 1",
    )?;
    let by_policy = stmt
        .query_map(params![from, to], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    let purged: i64 = store.conn().query_row(
        "SELECT COUNT(*) FROM events WHERE kind = 'record_purged'
           AND json_extract(detail, '$.as_of') BETWEEN ?1 AND ?2",
        params![from_day, to_day],
        |r| r.get(0),
    )?;
    Ok((by_policy, purged))
}

/// The file came back to its folder: if a registered item with this path
/// and these bytes still holds its content, undo the registration (the item
/// returns to its state before) and remember the file's new mtime. Returns
/// the item and the state it returned to.
pub fn undo_registration(
    store: &mut Store,
    source_path: &str,
    sha256: &str,
    mtime_ns: i64,
) -> Result<Option<(ItemId, ItemState)>> {
    let tx = store.write()?;
    let found: Option<i64> = tx
        .query_row(
            "SELECT id FROM items
             WHERE state = 'registered' AND source_path = ?1 AND sha256 = ?2
               AND content_forgotten_at IS NULL
               AND NOT EXISTS (SELECT 1 FROM items o WHERE o.source_path = ?1
                               AND o.sha256 = ?2 AND o.registered_at IS NULL)
             ORDER BY registered_at DESC, id DESC LIMIT 1",
            params![source_path, sha256],
            |r| r.get(0),
        )
        .optional()?;
    let Some(id) = found.map(ItemId) else {
        return Ok(None);
    };
    let state = events::undo_registration(
        &tx,
        id,
        Actor::System,
        &serde_json::json!({ "reason": "file_returned" }),
    )?;
    tx.execute(
        "UPDATE items SET source_mtime_ns = ?1 WHERE id = ?2",
        params![mtime_ns, id.0],
    )?;
    tx.commit()?;
    Ok(Some((id, state)))
}

/// Deleted text would otherwise stay in the database file's free pages and
/// in the WAL until reused: with `secure_delete` SQLite overwrites what it
/// frees with zeros (for this connection's writes).
pub fn secure_delete(store: &Store) -> super::Result<()> {
    store.conn().pragma_update(None, "secure_delete", true)?;
    Ok(())
}

/// Copies the WAL into the database and truncates it, so the old versions of
/// scrubbed pages leave the WAL too. Returns false when readers kept it from
/// finishing (the next sweep tries again).
pub fn checkpoint(store: &Store) -> super::Result<bool> {
    let busy: i64 = store
        .conn()
        .query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |r| r.get(0))?;
    Ok(busy == 0)
}
