//! Queries behind the allocation board: the queue, one item with its pages
//! and history, allocation and corrections, caseworker suggestions, and the
//! audit lists.
//!
//! **Invariant:** state changes go through [`events::transition`]; every
//! other action by a person (reallocation, correction, leader review, viewing
//! content) is an event row written in the same transaction as the change.
//! **Invariant:** event details hold ids, codes and field names, never letter
//! text or person IDs (a corrected title is recorded without its value).

use chrono::{DateTime, NaiveDate, Utc};
use rusqlite::{params, OptionalExtension, Row};

use crate::item::{ItemId, ItemState, QualityFlag, Source, UnitId};
use crate::store::events::{self, Actor};
use crate::store::{Store, StoreError};

mod allocation;
pub mod fixture;
mod suggest;

pub use allocation::{
    allocate, correct, leader_review_done, reallocate, type_corrections, AllocationKind, Correction,
};
pub use suggest::{suggest, Suggester, Suggestion, SuggestionReason};

pub type Result<T, E = StoreError> = std::result::Result<T, E>;

/// One row of the queue (or of a caseworker's own list).
#[derive(Debug, Clone)]
pub struct QueueRow {
    pub id: ItemId,
    pub received_at: DateTime<Utc>,
    pub source: Source,
    pub state: ItemState,
    pub unit: Option<UnitId>,
    pub document_type: Option<String>,
    pub title: Option<String>,
    pub urgent: bool,
    /// Leader review required and not yet done.
    pub leader_review_pending: bool,
    pub duplicate_of: Option<ItemId>,
    /// Open quality flags (cleared ones are not listed).
    pub quality_flags: Vec<QualityFlag>,
    pub masked_person_ids: Vec<String>,
    pub allocated_to: Option<i64>,
    /// The title was made from the letter's text (no subject line) and
    /// nobody has corrected it since.
    pub title_derived: bool,
    /// E-mail or SvarUt, for digital deliveries (the queue's *Kilde*).
    pub delivery: Option<crate::extract::delivery::DeliveryKind>,
}

const ROW_COLUMNS: &str = "i.id, i.received_at, i.source, i.state,
    COALESCE(i.unit, i.folder_unit, (SELECT o.unit FROM items o WHERE o.id = i.duplicate_of)),
    i.document_type, i.title, COALESCE(i.urgent, 0),
    COALESCE(i.leader_review, 0) AND i.leader_review_done_at IS NULL,
    i.duplicate_of, i.quality_flags, i.quality_cleared_at IS NOT NULL,
    (SELECT group_concat(p.masked, ' ') FROM item_person_ids p WHERE p.item_id = i.id),
    i.allocated_to,
    COALESCE(json_extract(i.classification_json, '$.title_derived') = 1
        AND json_extract(i.classification_json, '$.title') = i.title, 0),
    (SELECT d.kind FROM item_deliveries d WHERE d.item_id = i.id)";

fn queue_row(row: &Row<'_>) -> rusqlite::Result<RawRow> {
    Ok(RawRow {
        id: row.get(0)?,
        received_at: row.get(1)?,
        source: row.get(2)?,
        state: row.get(3)?,
        unit: row.get(4)?,
        document_type: row.get(5)?,
        title: row.get(6)?,
        urgent: row.get(7)?,
        leader_review_pending: row.get(8)?,
        duplicate_of: row.get(9)?,
        quality_flags: row.get(10)?,
        quality_cleared: row.get(11)?,
        masked: row.get(12)?,
        allocated_to: row.get(13)?,
        title_derived: row.get(14)?,
        delivery: row.get(15)?,
    })
}

struct RawRow {
    id: i64,
    received_at: DateTime<Utc>,
    source: String,
    state: String,
    unit: Option<String>,
    document_type: Option<String>,
    title: Option<String>,
    urgent: bool,
    leader_review_pending: bool,
    duplicate_of: Option<i64>,
    quality_flags: String,
    quality_cleared: bool,
    masked: Option<String>,
    allocated_to: Option<i64>,
    title_derived: bool,
    delivery: Option<String>,
}

impl RawRow {
    fn finish(self) -> Result<QueueRow> {
        let id = ItemId(self.id);
        let bad = |_| StoreError::BadRow(id);
        let quality_flags = if self.quality_cleared {
            Vec::new()
        } else {
            parse_flags(&self.quality_flags).ok_or(StoreError::BadRow(id))?
        };
        Ok(QueueRow {
            id,
            received_at: self.received_at,
            source: self.source.parse().map_err(bad)?,
            state: self.state.parse().map_err(bad)?,
            unit: self
                .unit
                .map(|u| UnitId::new(&u))
                .transpose()
                .map_err(bad)?,
            document_type: self.document_type,
            title: self.title,
            urgent: self.urgent,
            leader_review_pending: self.leader_review_pending,
            duplicate_of: self.duplicate_of.map(ItemId),
            quality_flags,
            masked_person_ids: self
                .masked
                .map(|m| m.split(' ').map(str::to_owned).collect())
                .unwrap_or_default(),
            allocated_to: self.allocated_to,
            title_derived: self.title_derived,
            delivery: match self.delivery.as_deref() {
                Some("email") => Some(crate::extract::delivery::DeliveryKind::Email),
                Some("svarut") => Some(crate::extract::delivery::DeliveryKind::SvarUt),
                _ => None,
            },
        })
    }
}

/// Quality flags as stored (a JSON array of names); unknown names are kept
/// out rather than failing the whole page.
fn parse_flags(text: &str) -> Option<Vec<QualityFlag>> {
    let names: Vec<String> = serde_json::from_str(text).ok()?;
    Some(names.iter().filter_map(|n| n.parse().ok()).collect())
}

fn collect_rows(store: &Store, sql: &str, params: impl rusqlite::Params) -> Result<Vec<QueueRow>> {
    let mut stmt = store.conn().prepare_cached(sql)?;
    let raws: Vec<RawRow> = stmt
        .query_map(params, queue_row)?
        .collect::<rusqlite::Result<_>>()?;
    raws.into_iter().map(RawRow::finish).collect()
}

/// Items of `unit` waiting for allocation: urgent first, then oldest.
/// At most `limit` rows; the count of all waiting items is returned beside.
pub fn queue(store: &Store, unit: &UnitId, limit: u32) -> Result<(Vec<QueueRow>, u64)> {
    let rows = collect_rows(
        store,
        &format!(
            "SELECT {ROW_COLUMNS} FROM items i WHERE i.unit = ?1 AND i.state = 'queued'
             ORDER BY i.urgent DESC, i.received_at LIMIT ?2"
        ),
        params![unit.as_str(), limit],
    )?;
    let total: u64 = store.conn().query_row(
        "SELECT COUNT(*) FROM items WHERE unit = ?1 AND state = 'queued'",
        params![unit.as_str()],
        |r| r.get(0),
    )?;
    Ok((rows, total))
}

/// Duplicates not yet taken into the case system, of any of `units`.
pub fn duplicates(store: &Store, units: &[UnitId]) -> Result<Vec<QueueRow>> {
    let rows = collect_rows(
        store,
        &format!(
            "SELECT {ROW_COLUMNS} FROM items i WHERE i.state = 'duplicate'
             ORDER BY i.received_at"
        ),
        [],
    )?;
    Ok(rows
        .into_iter()
        .filter(|r| r.unit.as_ref().is_some_and(|u| units.contains(u)))
        .collect())
}

/// Items allocated to `user_id` and not yet registered.
pub fn allocated_to(store: &Store, user_id: i64) -> Result<Vec<QueueRow>> {
    collect_rows(
        store,
        &format!(
            "SELECT {ROW_COLUMNS} FROM items i WHERE i.allocated_to = ?1 AND i.state = 'allocated'
             ORDER BY i.urgent DESC, i.received_at"
        ),
        params![user_id],
    )
}

/// One item with everything its page shows.
#[derive(Debug, Clone)]
pub struct ItemDetail {
    pub row: QueueRow,
    pub file_name: String,
    pub content_path: String,
    pub media_type: Option<String>,
    pub page_count: Option<u32>,
    pub text_source: Option<String>,
    pub ocr_confidence: Option<f64>,
    pub document_date: Option<NaiveDate>,
    pub stamped_date: Option<NaiveDate>,
    pub sender: Option<String>,
    pub reject_code: Option<String>,
    pub reject_message: Option<String>,
    /// The stored classification (with its reasons) as JSON, when classified.
    pub classification: Option<serde_json::Value>,
    pub allocated_at: Option<DateTime<Utc>>,
    pub registered_at: Option<DateTime<Utc>>,
    pub leader_review: bool,
    pub leader_review_done_at: Option<DateTime<Utc>>,
}

/// The item and its metadata; `None` when there is no such item.
pub fn item(store: &Store, id: ItemId) -> Result<Option<ItemDetail>> {
    let mut rows = collect_rows(
        store,
        &format!("SELECT {ROW_COLUMNS} FROM items i WHERE i.id = ?1"),
        params![id.0],
    )?;
    let Some(row) = rows.pop() else {
        return Ok(None);
    };
    let detail = store.conn().query_row(
        "SELECT file_name, content_path, media_type, page_count, text_source, ocr_confidence,
                document_date, stamped_date, sender, reject_code, reject_message,
                classification_json, allocated_at, registered_at, COALESCE(leader_review, 0),
                leader_review_done_at
         FROM items WHERE id = ?1",
        params![id.0],
        |r| {
            let classification: Option<String> = r.get(11)?;
            Ok(ItemDetail {
                row: row.clone(),
                file_name: r.get(0)?,
                content_path: r.get(1)?,
                media_type: r.get(2)?,
                page_count: r.get(3)?,
                text_source: r.get(4)?,
                ocr_confidence: r.get(5)?,
                document_date: r.get(6)?,
                stamped_date: r.get(7)?,
                sender: r.get(8)?,
                reject_code: r.get(9)?,
                reject_message: r.get(10)?,
                classification: classification.and_then(|c| serde_json::from_str(&c).ok()),
                allocated_at: r.get(12)?,
                registered_at: r.get(13)?,
                leader_review: r.get(14)?,
                leader_review_done_at: r.get(15)?,
            })
        },
    )?;
    Ok(Some(detail))
}

/// The access facts of an item: its unit and who it is allocated to.
pub fn item_access(store: &Store, id: ItemId) -> Result<Option<(Option<UnitId>, Option<i64>)>> {
    let row: Option<(Option<String>, Option<i64>)> = store
        .conn()
        .query_row(
            "SELECT COALESCE(i.unit, i.folder_unit, (SELECT o.unit FROM items o WHERE o.id = i.duplicate_of)),
                    i.allocated_to
             FROM items i WHERE i.id = ?1",
            params![id.0],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?;
    let Some((unit, allocated_to)) = row else {
        return Ok(None);
    };
    let unit = unit
        .map(|u| UnitId::new(&u))
        .transpose()
        .map_err(|_| StoreError::BadRow(id))?;
    Ok(Some((unit, allocated_to)))
}

/// One page's stored text.
#[derive(Debug, Clone)]
pub struct PageText {
    pub number: u32,
    pub text: String,
    pub source: String,
    pub ocr_confidence: Option<f64>,
    pub blank: bool,
}

pub fn pages(store: &Store, id: ItemId) -> Result<Vec<PageText>> {
    let mut stmt = store.conn().prepare_cached(
        "SELECT number, text, source, ocr_confidence, blank FROM pages WHERE item_id = ?1 ORDER BY number",
    )?;
    let rows = stmt.query_map(params![id.0], |r| {
        Ok(PageText {
            number: r.get(0)?,
            text: r.get(1)?,
            source: r.get(2)?,
            ocr_confidence: r.get(3)?,
            blank: r.get(4)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// One row of the event log, with the acting user's name.
#[derive(Debug, Clone)]
pub struct EventRow {
    pub id: i64,
    pub item_id: Option<ItemId>,
    pub at: DateTime<Utc>,
    pub actor: Option<(i64, String)>,
    pub kind: String,
    pub from_state: Option<String>,
    pub to_state: Option<String>,
    pub detail: String,
}

const EVENT_SQL: &str = "SELECT e.id, e.item_id, e.at, e.actor, u.display_name, e.kind,
    e.from_state, e.to_state, e.detail
    FROM events e LEFT JOIN users u ON u.id = e.actor";

fn event_row(r: &Row<'_>) -> rusqlite::Result<EventRow> {
    let actor: Option<i64> = r.get(3)?;
    let name: Option<String> = r.get(4)?;
    Ok(EventRow {
        id: r.get(0)?,
        item_id: r.get::<_, Option<i64>>(1)?.map(ItemId),
        at: r.get(2)?,
        actor: actor.map(|a| (a, name.unwrap_or_default())),
        kind: r.get(5)?,
        from_state: r.get(6)?,
        to_state: r.get(7)?,
        detail: r.get(8)?,
    })
}

/// An item's history, oldest first.
pub fn item_events(store: &Store, id: ItemId) -> Result<Vec<EventRow>> {
    let mut stmt = store
        .conn()
        .prepare_cached(&format!("{EVENT_SQL} WHERE e.item_id = ?1 ORDER BY e.id"))?;
    let rows = stmt.query_map(params![id.0], event_row)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// What a user did, newest first (at most `limit` rows).
pub fn user_events(store: &Store, user_id: i64, limit: u32) -> Result<Vec<EventRow>> {
    let mut stmt = store.conn().prepare_cached(&format!(
        "{EVENT_SQL} WHERE e.actor = ?1 ORDER BY e.id DESC LIMIT ?2"
    ))?;
    let rows = stmt.query_map(params![user_id, limit], event_row)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Writes an audit event (a view of content, a refused attempt, …).
pub fn audit(
    store: &mut Store,
    item: Option<ItemId>,
    actor: Actor,
    kind: &str,
    detail: &serde_json::Value,
) -> Result<()> {
    let tx = store.write()?;
    events::record(&tx, item, actor, kind, detail)?;
    tx.commit()?;
    Ok(())
}
