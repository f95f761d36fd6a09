//! Digital deliveries (e-mail, SvarInn): their header facts and documents,
//! and the printouts handed to the case system. See
//! `extract::delivery` for what a delivery is.

use chrono::{DateTime, Utc};
use rusqlite::{params, OptionalExtension};

use super::events::{self, Actor};
use super::items::Result;
use super::Store;
use super::StoreError;
use crate::extract::delivery::{Delivery, DeliveryKind};
use crate::item::{ItemId, UnitId};

/// Stores a delivery's facts and documents (replacing an earlier reading).
pub fn save(store: &mut Store, id: ItemId, d: &Delivery) -> Result<()> {
    let tx = store.write()?;
    tx.execute(
        "DELETE FROM item_documents WHERE item_id = ?1",
        params![id.0],
    )?;
    tx.execute(
        "INSERT OR REPLACE INTO item_deliveries (item_id, kind, from_name, from_address, to_json,
             cc_json, sent_at, subject, message_id, sender_reference, forsendelse_id, body, notes_json)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)",
        params![
            id.0,
            d.kind.as_str(),
            d.from_name,
            d.from_address,
            serde_json::to_string(&d.to).unwrap_or_else(|_| "[]".into()),
            serde_json::to_string(&d.cc).unwrap_or_else(|_| "[]".into()),
            d.date.map(|t| t.to_rfc3339()),
            d.subject,
            d.message_id,
            d.sender_reference,
            d.forsendelse_id,
            d.body,
            serde_json::to_string(&d.notes).unwrap_or_else(|_| "[]".into()),
        ],
    )?;
    for (position, doc) in d.documents.iter().enumerate() {
        tx.execute(
            "INSERT INTO item_documents (item_id, position, role, name, media_type, size_bytes,
                 depth, first_page, page_count, flag)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
            params![
                id.0,
                position as i64,
                doc.role,
                doc.name,
                doc.media_type,
                doc.size as i64,
                doc.depth,
                doc.first_page,
                doc.page_count,
                doc.flag
            ],
        )?;
    }
    tx.commit()?;
    Ok(())
}

/// A delivery as the board shows it.
#[derive(Debug, Clone)]
pub struct DeliveryView {
    pub kind: DeliveryKind,
    pub from_name: Option<String>,
    pub from_address: Option<String>,
    pub to: Vec<String>,
    pub cc: Vec<String>,
    pub sent_at: Option<DateTime<Utc>>,
    pub subject: Option<String>,
    pub message_id: Option<String>,
    pub sender_reference: Option<String>,
    pub forsendelse_id: Option<String>,
    pub body: String,
    pub notes: Vec<String>,
    pub documents: Vec<DocumentView>,
    /// Where the printout was handed over, when it was.
    pub printout: Option<String>,
}

#[derive(Debug, Clone)]
pub struct DocumentView {
    pub role: String,
    pub name: String,
    pub media_type: String,
    pub size: u64,
    pub depth: u8,
    pub first_page: u32,
    pub page_count: u32,
    pub flag: Option<String>,
}

fn kind_of(id: ItemId, s: &str) -> Result<DeliveryKind> {
    match s {
        "email" => Ok(DeliveryKind::Email),
        "svarut" => Ok(DeliveryKind::SvarUt),
        _ => Err(StoreError::BadField(id, "delivery kind")),
    }
}

fn list(json: String) -> Vec<String> {
    serde_json::from_str(&json).unwrap_or_default()
}

/// The delivery of an item, if it is one.
pub fn get(store: &Store, id: ItemId) -> Result<Option<DeliveryView>> {
    let row = store
        .conn()
        .query_row(
            "SELECT d.kind, d.from_name, d.from_address, d.to_json, d.cc_json, d.sent_at, d.subject,
                    d.message_id, d.sender_reference, d.forsendelse_id, d.body, d.notes_json,
                    p.path
             FROM item_deliveries d
             LEFT JOIN printouts p ON p.item_id = d.item_id AND p.handed_over_at IS NOT NULL
             WHERE d.item_id = ?1",
            params![id.0],
            |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get(1)?,
                    r.get(2)?,
                    r.get::<_, String>(3)?,
                    r.get::<_, String>(4)?,
                    r.get(5)?,
                    r.get(6)?,
                    r.get(7)?,
                    r.get(8)?,
                    r.get(9)?,
                    r.get(10)?,
                    r.get::<_, String>(11)?,
                    r.get(12)?,
                ))
            },
        )
        .optional()?;
    let Some(r) = row else { return Ok(None) };
    let mut stmt = store.conn().prepare_cached(
        "SELECT role, name, media_type, size_bytes, depth, first_page, page_count, flag
         FROM item_documents WHERE item_id = ?1 ORDER BY position",
    )?;
    let documents = stmt
        .query_map(params![id.0], |r| {
            Ok(DocumentView {
                role: r.get(0)?,
                name: r.get(1)?,
                media_type: r.get(2)?,
                size: r.get::<_, i64>(3)? as u64,
                depth: r.get(4)?,
                first_page: r.get(5)?,
                page_count: r.get(6)?,
                flag: r.get(7)?,
            })
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(Some(DeliveryView {
        kind: kind_of(id, &r.0)?,
        from_name: r.1,
        from_address: r.2,
        to: list(r.3),
        cc: list(r.4),
        sent_at: r.5,
        subject: r.6,
        message_id: r.7,
        sender_reference: r.8,
        forsendelse_id: r.9,
        body: r.10,
        notes: list(r.11),
        documents,
        printout: r.12,
    }))
}

/// The stored kind (`email`, `svarut`) of an item's delivery, if any.
pub fn kind_name(store: &Store, id: ItemId) -> rusqlite::Result<Option<String>> {
    store
        .conn()
        .query_row(
            "SELECT kind FROM item_deliveries WHERE item_id = ?1",
            params![id.0],
            |r| r.get(0),
        )
        .optional()
}

/// The kind of delivery an item is (for the queue's *Kilde*), if any.
pub fn kind(store: &Store, id: ItemId) -> Result<Option<DeliveryKind>> {
    let kind: Option<String> = store
        .conn()
        .query_row(
            "SELECT kind FROM item_deliveries WHERE item_id = ?1",
            params![id.0],
            |r| r.get(0),
        )
        .optional()?;
    kind.map(|k| kind_of(id, &k)).transpose()
}

/// An allocated delivery whose printout has not been handed over yet.
#[derive(Debug, Clone)]
pub struct PendingPrintout {
    pub id: ItemId,
    pub kind: DeliveryKind,
    pub unit: Option<UnitId>,
    pub content_path: String,
    pub source_path: String,
    /// A printout already planned (a crash came between plan and hand-over):
    /// path, size, mtime in ns.
    pub planned: Option<(String, u64, i64)>,
}

/// At most this many pending printouts are listed at once.
pub const PENDING_PRINTOUTS_LIMIT: usize = 100;

/// Allocated deliveries still waiting for their printout, oldest first.
pub fn pending_printouts(store: &Store) -> Result<Vec<PendingPrintout>> {
    let mut stmt = store.conn().prepare_cached(
        "SELECT i.id, d.kind, i.unit, i.content_path, i.source_path, p.path, p.size_bytes, p.mtime_ns
         FROM items i
         JOIN item_deliveries d ON d.item_id = i.id
         LEFT JOIN printouts p ON p.item_id = i.id
         WHERE i.state = 'allocated' AND p.handed_over_at IS NULL
         ORDER BY i.id LIMIT ?1",
    )?;
    let rows = stmt.query_map([PENDING_PRINTOUTS_LIMIT as i64], |r| {
        Ok((
            r.get::<_, i64>(0)?,
            r.get::<_, String>(1)?,
            r.get::<_, Option<String>>(2)?,
            r.get::<_, String>(3)?,
            r.get::<_, String>(4)?,
            r.get::<_, Option<String>>(5)?,
            r.get::<_, Option<i64>>(6)?,
            r.get::<_, Option<i64>>(7)?,
        ))
    })?;
    let mut out = Vec::new();
    for row in rows {
        let (id, kind, unit, content_path, source_path, path, size, mtime) = row?;
        let id = ItemId(id);
        out.push(PendingPrintout {
            id,
            kind: kind_of(id, &kind)?,
            unit: unit.and_then(|u| u.parse().ok()),
            content_path,
            source_path,
            planned: match (path, size, mtime) {
                (Some(p), Some(s), Some(m)) => Some((p, s as u64, m)),
                _ => None,
            },
        });
    }
    Ok(out)
}

/// Records the printout about to be written (before the file exists).
pub fn plan_printout(
    store: &mut Store,
    id: ItemId,
    path: &str,
    size: u64,
    mtime_ns: i64,
) -> Result<()> {
    store.write_one(
        "INSERT OR REPLACE INTO printouts (item_id, path, size_bytes, mtime_ns, planned_at)
         VALUES (?1, ?2, ?3, ?4, ?5)",
        params![id.0, path, size as i64, mtime_ns, Utc::now().to_rfc3339()],
    )?;
    Ok(())
}

/// The printout is in its folder: from now on the item is followed there
/// (the printout leaving the folder registers it, as a scan's would).
pub fn hand_over(store: &mut Store, id: ItemId, path: &str) -> Result<bool> {
    let tx = store.write()?;
    let updated = tx.execute(
        "UPDATE items SET source_path = ?1
         WHERE id = ?2 AND state = 'allocated' AND registered_at IS NULL",
        params![path, id.0],
    )?;
    if updated == 0 {
        return Ok(false);
    }
    tx.execute(
        "UPDATE printouts SET handed_over_at = ?1 WHERE item_id = ?2",
        params![Utc::now().to_rfc3339(), id.0],
    )?;
    let folder = std::path::Path::new(path)
        .parent()
        .map(|p| p.display().to_string())
        .unwrap_or_default();
    events::record(
        &tx,
        Some(id),
        Actor::System,
        "printout_written",
        &serde_json::json!({ "folder": folder }),
    )?;
    tx.commit()?;
    Ok(true)
}
