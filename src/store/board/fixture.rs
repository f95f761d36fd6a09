//! Fixture items for tests, benchmarks and demos: rows as the pipeline would
//! have left them, without running the pipeline.
//!
//! Real arrivals are admitted by `ingest`; this exists so the board can be
//! exercised (and measured with 100 000 items) on its own. Items are walked
//! through the lifecycle with [`events::transition`] like real ones, so their
//! history looks like a real item's.

use chrono::Utc;
use rusqlite::params;
use serde_json::json;

use crate::item::{ItemId, ItemState, QualityFlag, RejectCode, Source, UnitId};
use crate::store::events::{self, Actor};
use crate::store::Store;

use super::Result;

/// Where a fixture item should end up.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FixtureState {
    Queued,
    Allocated {
        to: i64,
    },
    Registered {
        allocated_to: Option<i64>,
    },
    Duplicate {
        of: ItemId,
    },
    /// Refused at extraction with `code`.
    Rejected {
        code: RejectCode,
    },
}

/// A person ID as the store keeps it: keyed hash and masked form.
#[derive(Debug, Clone)]
pub struct FixturePerson {
    pub keyed_hash: String,
    pub masked: String,
}

#[derive(Debug, Clone)]
pub struct FixtureItem {
    pub source: Source,
    pub unit: UnitId,
    pub file_name: String,
    /// Relative to data_dir; may name a real file for page images.
    pub content_path: String,
    pub media_type: String,
    pub received_at: chrono::DateTime<Utc>,
    pub document_type: String,
    pub title: String,
    pub urgent: bool,
    pub leader_review: bool,
    pub quality_flags: Vec<QualityFlag>,
    pub persons: Vec<FixturePerson>,
    pub pages: Vec<String>,
    pub state: FixtureState,
    /// When the case system took it (a `Registered` state); the arrival
    /// time when `None`.
    pub registered_at: Option<chrono::DateTime<Utc>>,
    /// A person already checked the scan's quality flags, at this time.
    pub quality_cleared_at: Option<chrono::DateTime<Utc>>,
}

impl FixtureItem {
    /// A one-page digital letter of `unit`, waiting for allocation.
    pub fn queued(unit: &UnitId, document_type: &str, title: &str, text: &str) -> FixtureItem {
        FixtureItem {
            source: Source::Digital,
            unit: unit.clone(),
            file_name: "brev.pdf".into(),
            content_path: "content/none.pdf".into(),
            media_type: "application/pdf".into(),
            received_at: Utc::now(),
            document_type: document_type.into(),
            title: title.into(),
            urgent: false,
            leader_review: false,
            quality_flags: Vec::new(),
            persons: Vec::new(),
            pages: vec![text.into()],
            state: FixtureState::Queued,
            registered_at: None,
            quality_cleared_at: None,
        }
    }
}

/// Inserts items in one transaction; returns their ids in order.
pub fn insert(store: &Store, items: &[FixtureItem]) -> Result<Vec<ItemId>> {
    let tx = store.write()?;
    let mut ids = Vec::with_capacity(items.len());
    for (n, item) in items.iter().enumerate() {
        let at = item.received_at.to_rfc3339();
        let sha = crate::item::Sha256::of_bytes(format!("{at}/{n}/{}", item.file_name).as_bytes());
        let flags = serde_json::to_string(
            &item
                .quality_flags
                .iter()
                .map(|f| f.as_str())
                .collect::<Vec<_>>(),
        )
        .unwrap_or_else(|_| "[]".into());
        let classification = json!({
            "document_type": item.document_type,
            "unit": item.unit.as_str(),
            "urgent": item.urgent,
            "leader_review": item.leader_review,
            "title": item.title,
            "confidence": 0.9,
            "reasons": [{
                "kind": "document_type",
                "target": item.document_type,
                "label": "testdata",
                "weight": 1.0
            }],
        });
        tx.execute(
            "INSERT INTO items (sha256, source, folder_unit, source_path, file_name, size_bytes,
                 content_path, received_at, state, media_type, page_count, text_source, unit,
                 document_type, title, urgent, leader_review, quality_flags, classification_json,
                 updated_at)
             VALUES (?1, ?2, ?3, ?4, ?5, 1000, ?6, ?7, 'admitted', ?8, ?9, 'text_layer', ?10,
                 ?11, ?12, ?13, ?14, ?15, ?16, ?7)",
            params![
                sha.to_hex(),
                item.source.as_str(),
                (item.source == Source::Scan).then(|| item.unit.as_str()),
                format!("fixture/{n}/{}", item.file_name),
                item.file_name,
                item.content_path,
                at,
                item.media_type,
                item.pages.len() as i64,
                item.unit.as_str(),
                item.document_type,
                item.title,
                item.urgent,
                item.leader_review,
                flags,
                classification.to_string(),
            ],
        )?;
        let id = ItemId(tx.last_insert_rowid());
        for (i, text) in item.pages.iter().enumerate() {
            tx.execute(
                "INSERT INTO pages (item_id, number, text, source) VALUES (?1, ?2, ?3, 'text_layer')",
                params![id.0, i as i64 + 1, text],
            )?;
        }
        for p in &item.persons {
            tx.execute(
                "INSERT INTO item_person_ids (item_id, kind, keyed_hash, masked, synthetic)
                 VALUES (?1, 'fodselsnummer', ?2, ?3, 1)",
                params![id.0, p.keyed_hash, p.masked],
            )?;
        }
        let step = |to| events::transition(&tx, id, to, Actor::System, &json!({"fixture": true}));
        if let Some(at) = item.quality_cleared_at {
            tx.execute(
                "UPDATE items SET quality_cleared_at = ?1 WHERE id = ?2",
                params![at.to_rfc3339(), id.0],
            )?;
        }
        if let FixtureState::Duplicate { of } = &item.state {
            tx.execute(
                "UPDATE items SET duplicate_of = ?1 WHERE id = ?2",
                params![of.0, id.0],
            )?;
            step(ItemState::Duplicate)?;
        } else if let FixtureState::Rejected { code } = &item.state {
            tx.execute(
                "UPDATE items SET reject_code = ?1, reject_message = ?2 WHERE id = ?3",
                params![code.as_str(), code.message_nb(), id.0],
            )?;
            step(ItemState::Rejected)?;
        } else {
            step(ItemState::Extracted)?;
            step(ItemState::Classified)?;
            step(ItemState::Queued)?;
        }
        let allocated = match item.state {
            FixtureState::Allocated { to } => Some(to),
            FixtureState::Registered { allocated_to } => allocated_to,
            _ => None,
        };
        if let Some(to) = allocated {
            step(ItemState::Allocated)?;
            tx.execute(
                "UPDATE items SET allocated_to = ?1, allocated_at = ?2 WHERE id = ?3",
                params![to, at, id.0],
            )?;
        }
        if let FixtureState::Registered { .. } = item.state {
            step(ItemState::Registered)?;
            let registered = item
                .registered_at
                .map_or_else(|| at.clone(), |r| r.to_rfc3339());
            tx.execute(
                "UPDATE items SET registered_at = ?1 WHERE id = ?2",
                params![registered, id.0],
            )?;
        }
        ids.push(id);
    }
    tx.commit()?;
    Ok(ids)
}

/// Links a person ID (in its stored form) to an item after the fact, as the
/// classifier would have.
pub fn add_person(store: &Store, id: ItemId, person: &FixturePerson) -> Result<()> {
    let tx = store.write()?;
    tx.execute(
        "INSERT INTO item_person_ids (item_id, kind, keyed_hash, masked, synthetic)
         VALUES (?1, 'fodselsnummer', ?2, ?3, 1)",
        params![id.0, person.keyed_hash, person.masked],
    )?;
    tx.commit()?;
    Ok(())
}

/// Gives a user an e-mail address, as an administrator would in the
/// municipality's directory (postmottak has no page for it).
pub fn set_email(store: &Store, user: i64, email: Option<&str>) -> Result<()> {
    let tx = store.write()?;
    tx.execute(
        "UPDATE users SET email = ?1 WHERE id = ?2",
        params![email, user],
    )?;
    tx.commit()?;
    Ok(())
}

/// Refreshes the query planner's statistics after a bulk insert, as a
/// long-running installation's would be (benchmarks).
pub fn analyze(store: &Store) -> Result<()> {
    store.conn().execute_batch("ANALYZE")?;
    Ok(())
}
