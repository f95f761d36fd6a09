//! Queries behind the reports (backlog, deviation, post list, access
//! requests). Users come from [`super::users`].
//!
//! Each report asks for one fixed [`ItemFilter`]; the SQL for each is a static
//! string with bound parameters, so nothing a user types reaches the SQL text.

use chrono::{DateTime, Utc};
use rusqlite::{params, Row};

use super::{Result, Store};
use crate::item::ItemId;

/// An item as reports show it. Never the letter text; person IDs only masked
/// (ask [`masked_person_ids`]).
#[derive(Debug, Clone)]
pub struct ReportItemRow {
    pub id: ItemId,
    pub source: String,
    pub file_name: String,
    pub received_at: DateTime<Utc>,
    pub state: String,
    pub unit: Option<String>,
    pub document_type: Option<String>,
    pub title: Option<String>,
    pub urgent: bool,
    pub duplicate_of: Option<ItemId>,
    pub reject_code: Option<String>,
    pub quality_flags: String,
    pub allocated_to: Option<i64>,
    pub allocated_to_name: Option<String>,
    pub allocated_at: Option<DateTime<Utc>>,
    pub registered_at: Option<DateTime<Utc>>,
}

/// Which items a report section asks for. Instants are RFC 3339 UTC text.
#[derive(Debug, Clone, Copy)]
pub enum ItemFilter<'a> {
    /// Allocated to a caseworker and not yet registered.
    AllocatedUnregistered,
    /// Not yet allocated: still in the pipeline or waiting for the meeting.
    Unallocated,
    /// Refused files received in `[from, to)`.
    Rejected { from: &'a str, to: &'a str },
    /// Duplicates received in `[from, to)`.
    Duplicates { from: &'a str, to: &'a str },
    /// Quality flags nobody has cleared yet.
    OpenQualityFlags,
    /// Everything received in `[from, to)` except refused files (post list).
    Received { from: &'a str, to: &'a str },
    /// Access requests not yet registered: items of these document types
    /// (the taxonomy's access-request routine).
    OpenAccessRequests { types: &'a [String] },
}

const ITEM_COLUMNS: &str = "i.id, i.source, i.file_name, i.received_at, i.state, i.unit,
    i.document_type, i.title, COALESCE(i.urgent, 0), i.duplicate_of, i.reject_code,
    i.quality_flags, i.allocated_to, u.display_name, i.allocated_at, i.registered_at
    FROM items i LEFT JOIN users u ON u.id = i.allocated_to";

fn item_row(r: &Row<'_>) -> rusqlite::Result<ReportItemRow> {
    Ok(ReportItemRow {
        id: ItemId(r.get(0)?),
        source: r.get(1)?,
        file_name: r.get(2)?,
        received_at: r.get(3)?,
        state: r.get(4)?,
        unit: r.get(5)?,
        document_type: r.get(6)?,
        title: r.get(7)?,
        urgent: r.get::<_, i64>(8)? != 0,
        duplicate_of: r.get::<_, Option<i64>>(9)?.map(ItemId),
        reject_code: r.get(10)?,
        quality_flags: r.get(11)?,
        allocated_to: r.get(12)?,
        allocated_to_name: r.get(13)?,
        allocated_at: r.get(14)?,
        registered_at: r.get(15)?,
    })
}

/// Items for one report section, oldest first.
pub fn report_items(store: &Store, filter: ItemFilter<'_>) -> Result<Vec<ReportItemRow>> {
    // A list of types is one JSON parameter, read with `json_each`.
    let types_json;
    let (condition, from, to) = match filter {
        ItemFilter::AllocatedUnregistered => {
            ("i.state = 'allocated' AND i.registered_at IS NULL", "", "")
        }
        ItemFilter::Unallocated => (
            "i.state IN ('admitted','extracted','classified','queued')",
            "",
            "",
        ),
        ItemFilter::Rejected { from, to } => (
            "i.state = 'rejected' AND i.received_at >= ?1 AND i.received_at < ?2",
            from,
            to,
        ),
        ItemFilter::Duplicates { from, to } => (
            "i.state = 'duplicate' AND i.received_at >= ?1 AND i.received_at < ?2",
            from,
            to,
        ),
        ItemFilter::OpenQualityFlags => (
            "i.state NOT IN ('rejected','superseded') AND i.quality_flags <> '[]'
             AND i.quality_cleared_at IS NULL",
            "",
            "",
        ),
        // A superseded scan is the same letter as its replacement.
        ItemFilter::Received { from, to } => (
            "i.state NOT IN ('rejected','superseded')
             AND i.received_at >= ?1 AND i.received_at < ?2",
            from,
            to,
        ),
        ItemFilter::OpenAccessRequests { types } => {
            types_json = serde_json::Value::from(types).to_string();
            (
                "i.document_type IN (SELECT value FROM json_each(?1))
                 AND i.registered_at IS NULL
                 AND i.state NOT IN ('rejected','duplicate','registered')",
                types_json.as_str(),
                "",
            )
        }
    };
    let sql = format!("SELECT {ITEM_COLUMNS} WHERE {condition} ORDER BY i.received_at, i.id");
    let mut stmt = store.conn().prepare(&sql)?;
    let rows = if condition.contains("?2") {
        stmt.query_map(params![from, to], item_row)?
            .collect::<rusqlite::Result<Vec<_>>>()?
    } else if condition.contains("?1") {
        stmt.query_map(params![from], item_row)?
            .collect::<rusqlite::Result<Vec<_>>>()?
    } else {
        stmt.query_map([], item_row)?
            .collect::<rusqlite::Result<Vec<_>>>()?
    };
    Ok(rows)
}

/// The masked forms (DDMMYY*****) of the person IDs found in an item.
pub fn masked_person_ids(store: &Store, item: ItemId) -> Result<Vec<String>> {
    let mut stmt = store
        .conn()
        .prepare("SELECT masked FROM item_person_ids WHERE item_id = ?1 ORDER BY masked")?;
    let rows = stmt.query_map(params![item.0], |r| r.get(0))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}
