//! Quality sign-off of a scan ("Kvaliteten er kontrollert, alle sider er
//! med") and replacement of a bad scan by a new one.
//!
//! The routine makes whoever scans responsible for the scan's quality. An
//! open quality flag keeps the paper original off the shredder (DESIGN.md
//! §9); confirming the quality clears the flags for retention, replacing the
//! scan closes the old item as `superseded`, linked to the new one.
//!
//! **Invariant:** both are written with their event rows in one transaction;
//! the superseded item changes state only through [`events::transition`].

use chrono::{DateTime, Utc};
use rusqlite::{params, OptionalExtension, Transaction};
use serde_json::json;

use super::events::{self, Actor, TransitionError};
use super::{Store, StoreError};
use crate::item::{ItemId, ItemState, QualityFlag};

/// The facts of one item the quality actions decide on.
#[derive(Debug, Clone)]
pub struct QualityFacts {
    pub id: ItemId,
    pub state: ItemState,
    pub scan: bool,
    pub unit: Option<String>,
    pub allocated_to: Option<i64>,
    /// Open flags (none once confirmed).
    pub open_flags: Vec<QualityFlag>,
    pub cleared_at: Option<DateTime<Utc>>,
    pub cleared_by_name: Option<String>,
    pub superseded_by: Option<ItemId>,
    pub replaces: Option<ItemId>,
}

fn parse_flags(text: &str) -> Vec<QualityFlag> {
    let names: Vec<String> = serde_json::from_str(text).unwrap_or_default();
    let flags: Vec<QualityFlag> = names.iter().filter_map(|n| n.parse().ok()).collect();
    // Garbage must not pass as "no flags" (retention reads it the same way).
    if flags.is_empty() && !matches!(text.trim(), "[]" | "") {
        return vec![QualityFlag::LowOcrConfidence];
    }
    flags
}

/// The quality facts of an item, `None` when there is no such item.
pub fn facts(store: &Store, id: ItemId) -> Result<Option<QualityFacts>, StoreError> {
    facts_in(store.conn(), id)
}

fn facts_in(conn: &rusqlite::Connection, id: ItemId) -> Result<Option<QualityFacts>, StoreError> {
    let row = conn
        .query_row(
            "SELECT i.state, i.source, COALESCE(i.unit, i.folder_unit), i.allocated_to,
                    i.quality_flags, i.quality_cleared_at, u.display_name, i.superseded_by,
                    (SELECT o.id FROM items o WHERE o.superseded_by = i.id ORDER BY o.id LIMIT 1)
             FROM items i LEFT JOIN users u ON u.id = i.quality_cleared_by
             WHERE i.id = ?1",
            params![id.0],
            |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, Option<String>>(2)?,
                    r.get::<_, Option<i64>>(3)?,
                    r.get::<_, String>(4)?,
                    r.get::<_, Option<DateTime<Utc>>>(5)?,
                    r.get::<_, Option<String>>(6)?,
                    r.get::<_, Option<i64>>(7)?,
                    r.get::<_, Option<i64>>(8)?,
                ))
            },
        )
        .optional()?;
    let Some((state, source, unit, allocated_to, flags, cleared_at, cleared_by, sup, rep)) = row
    else {
        return Ok(None);
    };
    let state = state
        .parse()
        .map_err(|_| TransitionError::BadState { item: id })?;
    Ok(Some(QualityFacts {
        id,
        state,
        scan: source == "scan",
        unit,
        allocated_to,
        open_flags: if cleared_at.is_some() {
            Vec::new()
        } else {
            parse_flags(&flags)
        },
        cleared_at,
        cleared_by_name: cleared_by,
        superseded_by: sup.map(ItemId),
        replaces: rep.map(ItemId),
    }))
}

/// Records that `by` checked the scan: every page is there and readable.
/// Clears the item's quality flags for retention. Refuses an item without
/// open flags (nothing to confirm).
pub fn confirm(store: &Store, id: ItemId, by: i64) -> Result<Vec<QualityFlag>, StoreError> {
    let tx = store.write()?;
    let facts = facts_in(&tx, id)?.ok_or(StoreError::NoSuchItem(id))?;
    if facts.open_flags.is_empty() {
        return Err(StoreError::NothingOpen(id));
    }
    let now = Utc::now().to_rfc3339();
    tx.execute(
        "UPDATE items SET quality_cleared_at = ?1, quality_cleared_by = ?2, updated_at = ?1
         WHERE id = ?3",
        params![now, by, id.0],
    )?;
    let names: Vec<&str> = facts.open_flags.iter().map(|f| f.as_str()).collect();
    events::record(
        &tx,
        Some(id),
        Actor::User(by),
        "quality_confirmed",
        &json!({"flags": names}),
    )?;
    tx.commit()?;
    Ok(facts.open_flags)
}

/// Replaces the scan `old` by the new scan `new`: `old` becomes `superseded`
/// (linked to `new`), and `new` takes over `old`'s allocation when it is
/// still waiting for the meeting. Both items get an event.
pub fn replace(store: &mut Store, old: ItemId, new: ItemId, by: i64) -> Result<(), StoreError> {
    let tx = store.write()?;
    let bad = |why| StoreError::BadReplacement { old, new, why };
    if old == new {
        return Err(bad("det er samme sak"));
    }
    let o = facts_in(&tx, old)?.ok_or(StoreError::NoSuchItem(old))?;
    let n = facts_in(&tx, new)?.ok_or(StoreError::NoSuchItem(new))?;
    if !o.scan {
        return Err(StoreError::NotScan(old));
    }
    if !n.scan {
        return Err(StoreError::NotScan(new));
    }
    if o.unit != n.unit {
        return Err(bad("den nye skanningen tilhører en annen enhet"));
    }
    if !matches!(
        n.state,
        ItemState::Queued | ItemState::Allocated | ItemState::Registered
    ) {
        return Err(bad("den nye skanningen er ikke ferdig lest"));
    }
    if n.superseded_by.is_some() || n.replaces.is_some() {
        return Err(bad(
            "den nye skanningen er allerede knyttet til en annen sak",
        ));
    }
    if !o.state.can_become(ItemState::Superseded) {
        return Err(bad("saken kan ikke erstattes i sin nåværende tilstand"));
    }
    events::transition(
        &tx,
        old,
        ItemState::Superseded,
        Actor::User(by),
        &json!({"action": "replaced", "by_item": new.0}),
    )?;
    tx.execute(
        "UPDATE items SET superseded_by = ?1 WHERE id = ?2",
        params![new.0, old.0],
    )?;
    // The new scan inherits the caseworker the old one was allocated to.
    let handed_over = match (o.allocated_to, n.state) {
        (Some(to), ItemState::Queued) => {
            allocate_in(&tx, new, to, by)?;
            Some(to)
        }
        _ => None,
    };
    events::record(
        &tx,
        Some(new),
        Actor::User(by),
        "replaces",
        &json!({"item": old.0, "allocated_to": handed_over}),
    )?;
    tx.commit()?;
    Ok(())
}

fn allocate_in(tx: &Transaction<'_>, item: ItemId, to: i64, by: i64) -> Result<(), StoreError> {
    events::transition(
        tx,
        item,
        ItemState::Allocated,
        Actor::User(by),
        &json!({"action": "replacement", "to": to, "suggestion": false}),
    )?;
    tx.execute(
        "UPDATE items SET allocated_to = ?1, allocated_at = ?2 WHERE id = ?3",
        params![to, Utc::now().to_rfc3339(), item.0],
    )?;
    Ok(())
}

/// Recent scans of `unit` that could replace `old`: received after it, read,
/// and not linked to another replacement. Newest first, at most 20.
pub fn replacement_candidates(
    store: &Store,
    old: ItemId,
) -> Result<Vec<(ItemId, DateTime<Utc>, String)>, StoreError> {
    let mut stmt = store.conn().prepare_cached(
        "SELECT n.id, n.received_at, n.file_name FROM items n, items o
         WHERE o.id = ?1 AND n.id <> o.id AND n.source = 'scan'
           AND COALESCE(n.unit, n.folder_unit) = COALESCE(o.unit, o.folder_unit)
           AND n.received_at >= o.received_at
           AND n.state IN ('queued','allocated')
           AND n.superseded_by IS NULL
           AND NOT EXISTS (SELECT 1 FROM items x WHERE x.superseded_by = n.id)
         ORDER BY n.received_at DESC, n.id DESC LIMIT 20",
    )?;
    let rows = stmt.query_map(params![old.0], |r| {
        Ok((ItemId(r.get(0)?), r.get(1)?, r.get(2)?))
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_schema_accepts_superseded_and_nothing_unknown() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("db.sqlite")).unwrap();
        let insert = |state: &str| {
            store.write_one(
                "INSERT INTO items (sha256, source, source_path, file_name, size_bytes,
                     content_path, received_at, state, updated_at)
                 VALUES ('x', 'scan', ?1, 'f.pdf', 1, 'c', 't', ?1, 't')",
                params![state],
            )
        };
        insert("superseded").expect("superseded is a state the schema knows");
        assert!(insert("gone").is_err(), "the CHECK constraint still holds");
    }
}
