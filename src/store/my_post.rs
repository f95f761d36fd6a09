//! Queries behind *Min post* (a person's own allocated post) and the
//! journal-entry card: what the caseworker needs to register an item in the
//! case system.
//!
//! **Invariant:** read-only; the pages that call these record the view.

use chrono::{DateTime, NaiveDate, Utc};
use rusqlite::{params, OptionalExtension};

use super::{Result, Store};
use crate::item::ItemId;

/// One item on a person's *Min post*.
#[derive(Debug, Clone)]
pub struct MyPostRow {
    pub id: ItemId,
    pub received_at: DateTime<Utc>,
    pub stamped_date: Option<NaiveDate>,
    pub unit: Option<String>,
    pub document_type: Option<String>,
    pub title: Option<String>,
    pub urgent: bool,
    pub leader_review_pending: bool,
    pub allocated_at: Option<DateTime<Utc>>,
}

/// Items allocated to `user_id` and not yet registered (any order; the page
/// sorts by its own rules).
pub fn my_post(store: &Store, user_id: i64) -> Result<Vec<MyPostRow>> {
    let mut stmt = store.conn().prepare_cached(
        "SELECT id, received_at, stamped_date, COALESCE(unit, folder_unit), document_type,
                title, COALESCE(urgent, 0),
                COALESCE(leader_review, 0) AND leader_review_done_at IS NULL, allocated_at
         FROM items WHERE allocated_to = ?1 AND state = 'allocated' AND registered_at IS NULL
         ORDER BY received_at, id",
    )?;
    let rows = stmt.query_map(params![user_id], |r| {
        Ok(MyPostRow {
            id: ItemId(r.get(0)?),
            received_at: r.get(1)?,
            stamped_date: r.get(2)?,
            unit: r.get(3)?,
            document_type: r.get(4)?,
            title: r.get(5)?,
            urgent: r.get(6)?,
            leader_review_pending: r.get(7)?,
            allocated_at: r.get(8)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// What the journal-entry card needs beyond the item page's detail.
#[derive(Debug, Clone)]
pub struct JournalFacts {
    /// The file's path in its inbox folder (absolute).
    pub source_path: String,
    /// The caseworker whose scanner shelf it came from, if any.
    pub shelf_owner: Option<String>,
    /// Whether any person ID was found in the item.
    pub has_person: bool,
    /// The latest earlier item about the same person (by keyed hash) received
    /// in the year before this one: (id, received_at).
    pub earlier_for_person: Option<(ItemId, chrono::DateTime<chrono::Utc>)>,
}

pub fn journal_facts(store: &Store, id: ItemId) -> Result<Option<JournalFacts>> {
    let row: Option<(String, Option<String>, String)> = store
        .conn()
        .query_row(
            "SELECT source_path, shelf_owner, received_at FROM items WHERE id = ?1",
            params![id.0],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .optional()?;
    let Some((source_path, shelf_owner, received_at)) = row else {
        return Ok(None);
    };
    let has_person: bool = store.conn().query_row(
        "SELECT EXISTS (SELECT 1 FROM item_person_ids WHERE item_id = ?1)",
        params![id.0],
        |r| r.get(0),
    )?;
    // RFC 3339 UTC text sorts as time; a year back is close enough at the
    // day level for a suggestion (the reason names the earlier item).
    let year_before = chrono::DateTime::parse_from_rfc3339(&received_at)
        .map(|t| (t - chrono::Duration::days(365)).to_rfc3339())
        .unwrap_or_default();
    let earlier = store
        .conn()
        .query_row(
            "SELECT o.id, o.received_at FROM item_person_ids p
             JOIN item_person_ids q ON q.keyed_hash = p.keyed_hash AND q.item_id <> p.item_id
             JOIN items o ON o.id = q.item_id
             WHERE p.item_id = ?1
               AND o.state NOT IN ('rejected','duplicate','superseded')
               AND o.received_at < ?2 AND o.received_at >= ?3
             ORDER BY o.received_at DESC LIMIT 1",
            params![id.0, received_at, year_before],
            |r| Ok((ItemId(r.get(0)?), r.get(1)?)),
        )
        .optional()?;
    Ok(Some(JournalFacts {
        source_path,
        shelf_owner,
        has_person,
        earlier_for_person: earlier,
    }))
}

/// The keyed hashes of the person IDs found in an item (to find the full
/// number again in the item's text when an allowed person asks for it).
pub fn person_hashes(store: &Store, id: ItemId) -> Result<Vec<String>> {
    let mut stmt = store.conn().prepare_cached(
        "SELECT keyed_hash FROM item_person_ids WHERE item_id = ?1 ORDER BY masked",
    )?;
    let rows = stmt.query_map(params![id.0], |r| r.get(0))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}
