//! Queries for direct allocation from caseworkers' scanner shelves
//! (`ingest::direct`).
//!
//! **Invariant:** the allocation, the shelf owner and the event are written
//! in one transaction, through [`events::transition`].

use chrono::Utc;
use rusqlite::params;
use serde_json::json;

use super::events::{self, Actor};
use super::{Store, StoreError};
use crate::item::{ItemId, ItemState};

/// What to do with a shelf arrival.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ShelfOutcome {
    /// Allocate to this user.
    Allocate(i64),
    /// The shelf's owner may not receive the unit's post: to the meeting.
    NoAccess,
    /// No user has the shelf's name: to the meeting.
    UnknownUser,
}

/// Queued scans whose shelf has not been looked at: (id, source path).
pub fn unhandled_queued_scans(store: &Store) -> Result<Vec<(ItemId, String)>, StoreError> {
    let mut stmt = store.conn().prepare_cached(
        "SELECT id, source_path FROM items
         WHERE state = 'queued' AND source = 'scan' AND shelf_owner IS NULL
         ORDER BY id",
    )?;
    let rows = stmt.query_map([], |r| Ok((ItemId(r.get(0)?), r.get(1)?)))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Records the shelf's owner and allocates the item to them, or leaves it
/// for the meeting with an event that says why.
pub fn handle(
    store: &mut Store,
    id: ItemId,
    owner: &str,
    outcome: ShelfOutcome,
) -> Result<(), StoreError> {
    let tx = store.write()?;
    let state = events::state_of(&tx, id).map_err(|e| match e {
        events::TransitionError::Sql(s) => StoreError::Sql(s),
        _ => StoreError::NoLongerQueued,
    })?;
    if state != ItemState::Queued {
        return Err(StoreError::NoLongerQueued);
    }
    tx.execute(
        "UPDATE items SET shelf_owner = ?1 WHERE id = ?2",
        params![owner, id.0],
    )?;
    match outcome {
        ShelfOutcome::Allocate(to) => {
            events::transition(
                &tx,
                id,
                ItemState::Allocated,
                Actor::System,
                &json!({"action": "shelf", "to": to, "suggestion": false}),
            )
            .map_err(|e| match e {
                events::TransitionError::Sql(s) => StoreError::Sql(s),
                _ => StoreError::NoLongerQueued,
            })?;
            tx.execute(
                "UPDATE items SET allocated_to = ?1, allocated_at = ?2 WHERE id = ?3",
                params![to, Utc::now().to_rfc3339(), id.0],
            )?;
        }
        ShelfOutcome::NoAccess | ShelfOutcome::UnknownUser => {
            let reason = if outcome == ShelfOutcome::NoAccess {
                "no_access"
            } else {
                "unknown_user"
            };
            events::record(
                &tx,
                Some(id),
                Actor::System,
                "direct_allocation_refused",
                &json!({"shelf": owner, "reason": reason}),
            )?;
        }
    }
    tx.commit()?;
    Ok(())
}
