//! Queries for the shred shelves: the scanned items that sit on them, and the
//! shred confirmations (kept forever; the schema refuses updates and deletes).
//!
//! Grouping items into shelves needs the Europe/Oslo calendar, which SQLite
//! does not have, so this module returns rows and `retention` groups them.

use chrono::{DateTime, NaiveDate, Utc};
use rusqlite::{params, OptionalExtension};

use super::events::{self, Actor};
use super::{Result, Store, StoreError};
use crate::item::ItemId;

/// A scanned item as the shelves see it.
#[derive(Debug, Clone)]
pub struct ScanItemRow {
    pub id: ItemId,
    pub received_at: DateTime<Utc>,
    pub state: String,
    pub unit: Option<String>,
    pub file_name: String,
    pub title: Option<String>,
    /// JSON array of quality flag names.
    pub quality_flags: String,
    pub quality_cleared_at: Option<DateTime<Utc>>,
    pub registered_at: Option<DateTime<Utc>>,
    /// Who has the item: the person it is allocated to (display name).
    pub holder: Option<String>,
}

/// A shelf confirmed shredded.
#[derive(Debug, Clone)]
pub struct ConfirmationRow {
    pub id: i64,
    pub shelf: String,
    pub shredded_on: NaiveDate,
    pub confirmed_by: i64,
    pub confirmed_by_name: String,
    pub recorded_at: DateTime<Utc>,
    pub item_ids: Vec<ItemId>,
}

/// What a new confirmation records.
#[derive(Debug, Clone)]
pub struct NewConfirmation<'a> {
    pub shelf: &'a str,
    pub shredded_on: NaiveDate,
    pub confirmed_by: i64,
    pub confirmed_by_name: &'a str,
    pub recorded_at: DateTime<Utc>,
    pub item_ids: &'a [ItemId],
}

/// Every scanned item that has a paper original on a shelf. Rejected
/// scans are left out: their file was refused, the paper goes back to be
/// scanned again and sits on the shelf of that new scan. Superseded scans
/// likewise: their paper follows the replacement scan.
pub fn shelf_scan_items(store: &Store) -> Result<Vec<ScanItemRow>> {
    let mut stmt = store.conn().prepare(
        "SELECT i.id, i.received_at, i.state, i.unit, i.file_name, i.title, i.quality_flags,
                i.quality_cleared_at, i.registered_at, u.display_name
         FROM items i LEFT JOIN users u ON u.id = i.allocated_to
         WHERE i.source = 'scan' AND i.state NOT IN ('rejected','superseded')
         ORDER BY i.received_at, i.id",
    )?;
    let rows = stmt.query_map([], |r| {
        Ok(ScanItemRow {
            id: ItemId(r.get(0)?),
            received_at: r.get(1)?,
            state: r.get(2)?,
            unit: r.get(3)?,
            file_name: r.get(4)?,
            title: r.get(5)?,
            quality_flags: r.get(6)?,
            quality_cleared_at: r.get(7)?,
            registered_at: r.get(8)?,
            holder: r.get(9)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// All confirmations, oldest shelf first.
pub fn shred_confirmations(store: &Store) -> Result<Vec<ConfirmationRow>> {
    let mut stmt = store.conn().prepare(
        "SELECT id, shelf, shredded_on, confirmed_by, confirmed_by_name, recorded_at
         FROM shred_confirmations ORDER BY shelf",
    )?;
    let heads = stmt
        .query_map([], |r| {
            Ok(ConfirmationRow {
                id: r.get(0)?,
                shelf: r.get(1)?,
                shredded_on: r.get(2)?,
                confirmed_by: r.get(3)?,
                confirmed_by_name: r.get(4)?,
                recorded_at: r.get(5)?,
                item_ids: Vec::new(),
            })
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    let mut items = store.conn().prepare(
        "SELECT item_id FROM shred_confirmation_items WHERE confirmation_id = ?1
         ORDER BY item_id",
    )?;
    heads
        .into_iter()
        .map(|mut c| {
            c.item_ids = items
                .query_map(params![c.id], |r| Ok(ItemId(r.get(0)?)))?
                .collect::<rusqlite::Result<_>>()?;
            Ok(c)
        })
        .collect()
}

/// Records a shelf as shredded, with its items and an event row, in one
/// transaction.
pub fn insert_shred_confirmation(store: &Store, new: &NewConfirmation<'_>) -> Result<i64> {
    let tx = store.write()?;
    let existing: Option<i64> = tx
        .query_row(
            "SELECT id FROM shred_confirmations WHERE shelf = ?1",
            params![new.shelf],
            |r| r.get(0),
        )
        .optional()?;
    if existing.is_some() {
        return Err(StoreError::AlreadyConfirmed(new.shelf.to_owned()));
    }
    let shredded_on = new.shredded_on.to_string();
    tx.execute(
        "INSERT INTO shred_confirmations
           (shelf, shredded_on, confirmed_by, confirmed_by_name, recorded_at, item_count)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        params![
            new.shelf,
            shredded_on,
            new.confirmed_by,
            new.confirmed_by_name,
            new.recorded_at.to_rfc3339(),
            new.item_ids.len() as i64
        ],
    )?;
    let id = tx.last_insert_rowid();
    for item in new.item_ids {
        tx.execute(
            "INSERT INTO shred_confirmation_items (confirmation_id, item_id) VALUES (?1, ?2)",
            params![id, item.0],
        )?;
    }
    events::record(
        &tx,
        None,
        Actor::User(new.confirmed_by),
        "shelf_shredded",
        &serde_json::json!({
            "shelf": new.shelf,
            "shredded_on": shredded_on,
            "items": new.item_ids.iter().map(|i| i.0).collect::<Vec<_>>(),
        }),
    )?;
    tx.commit()?;
    Ok(id)
}
