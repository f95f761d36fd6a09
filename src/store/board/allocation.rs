//! Changes people make on the board: allocation, reallocation, leader
//! review, and corrections of the classification.
//!
//! **Invariant:** state changes go through [`events::transition`]; every other
//! change is written with its event row in the same transaction.

use chrono::Utc;
use rusqlite::{params, OptionalExtension, Transaction};
use serde_json::json;

use crate::item::{ItemId, ItemState, UnitId};
use crate::store::events::{self, Actor};
use crate::store::Store;

use super::{BoardError, Result};

/// How an allocation was made (kept in the event).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AllocationKind {
    /// At the meeting, by a clerk or leader.
    Meeting,
    /// A caseworker took the item themselves.
    Take,
    /// From the command line.
    Cli,
}

impl AllocationKind {
    fn as_str(self) -> &'static str {
        match self {
            AllocationKind::Meeting => "meeting",
            AllocationKind::Take => "take",
            AllocationKind::Cli => "cli",
        }
    }
}

fn now() -> String {
    Utc::now().to_rfc3339()
}

/// Allocates a waiting item to `to` (queued → allocated).
pub fn allocate(
    store: &mut Store,
    item: ItemId,
    to: i64,
    actor: Actor,
    kind: AllocationKind,
    followed_suggestion: bool,
) -> Result<()> {
    let tx = store.conn_mut().transaction()?;
    let state = state_of(&tx, item)?;
    if state != ItemState::Queued {
        return Err(BoardError::NotQueued(item));
    }
    events::transition(
        &tx,
        item,
        ItemState::Allocated,
        actor,
        &json!({"action": kind.as_str(), "to": to, "suggestion": followed_suggestion}),
    )?;
    tx.execute(
        "UPDATE items SET allocated_to = ?1, allocated_at = ?2 WHERE id = ?3",
        params![to, now(), item.0],
    )?;
    tx.commit()?;
    Ok(())
}

fn state_of(tx: &Transaction<'_>, item: ItemId) -> Result<ItemState> {
    let state: Option<String> = tx
        .query_row(
            "SELECT state FROM items WHERE id = ?1",
            params![item.0],
            |r| r.get(0),
        )
        .optional()?;
    state
        .ok_or(BoardError::NoSuchItem(item))?
        .parse()
        .map_err(|_| BoardError::BadRow(item))
}

/// Gives an allocated item to someone else (`Some`) or back to the meeting
/// (`None`, allocated → queued).
pub fn reallocate(store: &mut Store, item: ItemId, to: Option<i64>, actor: Actor) -> Result<()> {
    let tx = store.conn_mut().transaction()?;
    if state_of(&tx, item)? != ItemState::Allocated {
        return Err(BoardError::NotAllocated(item));
    }
    let from: Option<i64> = tx.query_row(
        "SELECT allocated_to FROM items WHERE id = ?1",
        params![item.0],
        |r| r.get(0),
    )?;
    match to {
        Some(to) => {
            tx.execute(
                "UPDATE items SET allocated_to = ?1, allocated_at = ?2, updated_at = ?2 WHERE id = ?3",
                params![to, now(), item.0],
            )?;
            events::record(
                &tx,
                Some(item),
                actor,
                "reallocate",
                &json!({"from": from, "to": to}),
            )?;
        }
        None => {
            events::transition(
                &tx,
                item,
                ItemState::Queued,
                actor,
                &json!({"action": "return_to_meeting", "from": from}),
            )?;
            tx.execute(
                "UPDATE items SET allocated_to = NULL, allocated_at = NULL WHERE id = ?1",
                params![item.0],
            )?;
        }
    }
    tx.commit()?;
    Ok(())
}

/// Marks a leader-review item as reviewed. Returns false when there was
/// nothing to mark (not a leader-review item, or already done).
pub fn leader_review_done(store: &mut Store, item: ItemId, actor: Actor) -> Result<bool> {
    let tx = store.conn_mut().transaction()?;
    let changed = tx.execute(
        "UPDATE items SET leader_review_done_at = ?1, updated_at = ?1
         WHERE id = ?2 AND leader_review = 1 AND leader_review_done_at IS NULL",
        params![now(), item.0],
    )?;
    if changed == 1 {
        events::record(&tx, Some(item), actor, "leader_review_done", &json!({}))?;
    }
    tx.commit()?;
    Ok(changed == 1)
}

/// A person's correction of the classification. `None` fields are unchanged.
#[derive(Debug, Clone, Default)]
pub struct Correction {
    pub document_type: Option<String>,
    pub unit: Option<UnitId>,
    pub title: Option<String>,
    pub urgent: Option<bool>,
}

/// Type, unit, title and urgency as stored before a correction.
type CurrentClassification = (Option<String>, Option<String>, Option<String>, Option<bool>);

/// Applies a correction, one event per changed field. Returns the names of
/// the fields that changed.
pub fn correct(
    store: &mut Store,
    item: ItemId,
    correction: &Correction,
    actor: Actor,
) -> Result<Vec<&'static str>> {
    let tx = store.conn_mut().transaction()?;
    let current: Option<CurrentClassification> = tx
        .query_row(
            "SELECT document_type, unit, title, urgent FROM items WHERE id = ?1",
            params![item.0],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
        )
        .optional()?;
    let (doc_type, unit, title, urgent) = current.ok_or(BoardError::NoSuchItem(item))?;
    let mut changed = Vec::new();
    let at = now();
    if let Some(new) = &correction.document_type {
        if doc_type.as_deref() != Some(new.as_str()) {
            tx.execute(
                "UPDATE items SET document_type = ?1, updated_at = ?2 WHERE id = ?3",
                params![new, at, item.0],
            )?;
            events::record(
                &tx,
                Some(item),
                actor,
                "correction",
                &json!({"field": "document_type", "from": doc_type, "to": new}),
            )?;
            changed.push("document_type");
        }
    }
    if let Some(new) = &correction.unit {
        if unit.as_deref() != Some(new.as_str()) {
            tx.execute(
                "UPDATE items SET unit = ?1, updated_at = ?2 WHERE id = ?3",
                params![new.as_str(), at, item.0],
            )?;
            events::record(
                &tx,
                Some(item),
                actor,
                "correction",
                &json!({"field": "unit", "from": unit, "to": new.as_str()}),
            )?;
            changed.push("unit");
        }
    }
    if let Some(new) = &correction.title {
        if title.as_deref() != Some(new.as_str()) {
            tx.execute(
                "UPDATE items SET title = ?1, updated_at = ?2 WHERE id = ?3",
                params![new, at, item.0],
            )?;
            // The title may quote the letter: record that it changed, not to what.
            events::record(
                &tx,
                Some(item),
                actor,
                "correction",
                &json!({"field": "title"}),
            )?;
            changed.push("title");
        }
    }
    if let Some(new) = correction.urgent {
        if urgent != Some(new) {
            tx.execute(
                "UPDATE items SET urgent = ?1, updated_at = ?2 WHERE id = ?3",
                params![new, at, item.0],
            )?;
            events::record(
                &tx,
                Some(item),
                actor,
                "correction",
                &json!({"field": "urgent", "from": urgent, "to": new}),
            )?;
            changed.push("urgent");
        }
    }
    tx.commit()?;
    Ok(changed)
}

/// Corrections people made to the document type, as (from, to, count):
/// what classify got wrong and how often, for later suggestions.
pub fn type_corrections(store: &Store) -> Result<Vec<(String, String, u64)>> {
    let mut stmt = store.conn().prepare_cached(
        "SELECT json_extract(detail, '$.from'), json_extract(detail, '$.to'), COUNT(*)
         FROM events WHERE kind = 'correction' AND json_extract(detail, '$.field') = 'document_type'
         GROUP BY 1, 2 ORDER BY 3 DESC",
    )?;
    let rows = stmt.query_map([], |r| {
        Ok((
            r.get::<_, Option<String>>(0)?.unwrap_or_default(),
            r.get::<_, Option<String>>(1)?.unwrap_or_default(),
            r.get(2)?,
        ))
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}
