//! Queries for the after-meeting mail (`mail::after_meeting`): allocations
//! nobody has been told about yet, and the record that they were.
//!
//! **Invariant:** an allocation (item, person, allocation time) is told once,
//! ever: [`record_told`] runs in the transaction that queues the mail.

use chrono::{DateTime, NaiveDate, Utc};
use rusqlite::params;

use super::{Result, Store};
use crate::item::ItemId;

/// An allocation not yet in any after-meeting mail.
#[derive(Debug, Clone)]
pub struct Untold {
    pub item: ItemId,
    pub user_id: i64,
    pub allocated_at: DateTime<Utc>,
    pub document_type: Option<String>,
    pub urgent: bool,
    pub received_at: DateTime<Utc>,
    pub stamped_date: Option<NaiveDate>,
}

/// Items allocated to someone and not registered, whose current allocation
/// has not been mailed, oldest allocation first. Scans from a caseworker's
/// own shelf allocated to them are left out (they scanned them).
pub fn untold(store: &Store) -> Result<Vec<Untold>> {
    let mut stmt = store.conn().prepare_cached(
        "SELECT i.id, i.allocated_to, i.allocated_at, i.document_type, COALESCE(i.urgent, 0),
                i.received_at, i.stamped_date
         FROM items i
         WHERE i.state = 'allocated' AND i.allocated_to IS NOT NULL AND i.allocated_at IS NOT NULL
           -- A scan from the caseworker's own shelf is no news to them.
           AND NOT (i.shelf_owner IS NOT NULL
                    AND i.allocated_to = (SELECT u.id FROM users u WHERE u.username = i.shelf_owner))
           AND NOT EXISTS (SELECT 1 FROM allocation_mail m
                           WHERE m.item_id = i.id AND m.user_id = i.allocated_to
                             AND m.allocated_at = i.allocated_at)
         ORDER BY i.allocated_at, i.id",
    )?;
    let rows = stmt.query_map([], |r| {
        Ok(Untold {
            item: ItemId(r.get(0)?),
            user_id: r.get(1)?,
            allocated_at: r.get(2)?,
            document_type: r.get(3)?,
            urgent: r.get(4)?,
            received_at: r.get(5)?,
            stamped_date: r.get(6)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// The last time a leader ended meeting mode, if ever.
pub fn last_meeting_end(store: &Store) -> Result<Option<DateTime<Utc>>> {
    Ok(store.conn().query_row(
        "SELECT MAX(at) FROM events WHERE kind = 'meeting_ended'",
        [],
        |r| r.get(0),
    )?)
}

/// Marks allocations as told in `outbox_key`'s mail. Call inside the
/// transaction that queued the mail.
pub fn record_told(store: &Store, told: &[Untold], outbox_key: &str) -> Result<()> {
    let mut stmt = store.conn().prepare_cached(
        "INSERT OR IGNORE INTO allocation_mail (item_id, user_id, allocated_at, outbox_key)
         VALUES (?1, ?2, ?3, ?4)",
    )?;
    for t in told {
        // The stored text, not rusqlite's own chrono form (space, not `T`):
        // `untold` compares it with `items.allocated_at` as text.
        let allocated_at = super::time::instant_text(t.allocated_at);
        stmt.execute(params![t.item.0, t.user_id, allocated_at, outbox_key])?;
    }
    Ok(())
}
