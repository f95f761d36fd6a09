//! Changes people make on the board: allocation, reallocation, leader
//! review, and corrections of the classification.
//!
//! **Invariant:** state changes go through [`events::transition`]; every other
//! change is written with its event row in the same transaction.

use chrono::Utc;
use rusqlite::{params, OptionalExtension, ToSql, Transaction};
use serde_json::json;

use crate::item::{ItemId, ItemState, UnitId};
use crate::store::events::{self, Actor};
use crate::store::Store;

use super::Result;
use crate::store::StoreError;

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
    let tx = store.write()?;
    let state = state_of(&tx, item)?;
    if state != ItemState::Queued {
        return Err(StoreError::NotQueued(item));
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
    events::state_of(tx, item).map_err(|e| match e {
        events::TransitionError::NoSuchItem(i) => StoreError::NoSuchItem(i),
        events::TransitionError::BadState { item } => StoreError::BadRow(item),
        other => other.into(),
    })
}

/// Gives an allocated item to someone else (`Some`) or back to the meeting
/// (`None`, allocated → queued).
pub fn reallocate(store: &mut Store, item: ItemId, to: Option<i64>, actor: Actor) -> Result<()> {
    let tx = store.write()?;
    if state_of(&tx, item)? != ItemState::Allocated {
        return Err(StoreError::NotAllocated(item));
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
    let tx = store.write()?;
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
    let tx = store.write()?;
    let current: Option<CurrentClassification> = tx
        .query_row(
            "SELECT document_type, unit, title, urgent FROM items WHERE id = ?1",
            params![item.0],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
        )
        .optional()?;
    let (doc_type, unit, title, urgent) = current.ok_or(StoreError::NoSuchItem(item))?;
    let mut changed = Vec::new();
    let at = now();
    if let Some(new) = &correction.document_type {
        if doc_type.as_deref() != Some(new.as_str()) {
            let from_to = Some((json!(doc_type), json!(new)));
            record_correction(&tx, item, actor, &at, Field::DocumentType, new, from_to)?;
            changed.push(Field::DocumentType.name());
        }
    }
    if let Some(new) = &correction.unit {
        if unit.as_deref() != Some(new.as_str()) {
            let from_to = Some((json!(unit), json!(new.as_str())));
            record_correction(&tx, item, actor, &at, Field::Unit, &new.as_str(), from_to)?;
            changed.push(Field::Unit.name());
        }
    }
    if let Some(new) = &correction.title {
        if title.as_deref() != Some(new.as_str()) {
            // The title may quote the letter: record that it changed, not to what.
            record_correction(&tx, item, actor, &at, Field::Title, new, None)?;
            changed.push(Field::Title.name());
        }
    }
    if let Some(new) = correction.urgent {
        if urgent != Some(new) {
            let from_to = Some((json!(urgent), json!(new)));
            record_correction(&tx, item, actor, &at, Field::Urgent, &new, from_to)?;
            changed.push(Field::Urgent.name());
        }
    }
    tx.commit()?;
    Ok(changed)
}

/// A column a person may correct.
#[derive(Debug, Clone, Copy)]
enum Field {
    DocumentType,
    Unit,
    Title,
    Urgent,
}

impl Field {
    /// The column's name, also the `field` of the correction event.
    fn name(self) -> &'static str {
        match self {
            Field::DocumentType => "document_type",
            Field::Unit => "unit",
            Field::Title => "title",
            Field::Urgent => "urgent",
        }
    }

    /// A fixed statement per column: SQL is never built from input.
    fn update_sql(self) -> &'static str {
        match self {
            Field::DocumentType => {
                "UPDATE items SET document_type = ?1, updated_at = ?2 WHERE id = ?3"
            }
            Field::Unit => "UPDATE items SET unit = ?1, updated_at = ?2 WHERE id = ?3",
            Field::Title => "UPDATE items SET title = ?1, updated_at = ?2 WHERE id = ?3",
            Field::Urgent => "UPDATE items SET urgent = ?1, updated_at = ?2 WHERE id = ?3",
        }
    }
}

/// Writes one corrected field and its `correction` event (with the old and
/// new value when `from_to` is given).
fn record_correction(
    tx: &Transaction<'_>,
    item: ItemId,
    actor: Actor,
    at: &str,
    field: Field,
    value: &dyn ToSql,
    from_to: Option<(serde_json::Value, serde_json::Value)>,
) -> Result<()> {
    tx.execute(field.update_sql(), params![value, at, item.0])?;
    let detail = match from_to {
        Some((from, to)) => json!({"field": field.name(), "from": from, "to": to}),
        None => json!({"field": field.name()}),
    };
    events::record(tx, Some(item), actor, "correction", &detail)?;
    Ok(())
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::board::fixture::{self, FixtureItem};

    #[test]
    fn a_correction_writes_each_changed_field_with_its_event() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = Store::open(&dir.path().join("p.db")).unwrap();
        let mta = UnitId::new("mta").unwrap();
        let item = FixtureItem::queued(&mta, "annet", "Brev fra Ola", "tekst");
        let id = fixture::insert(&store, &[item]).unwrap()[0];
        let correction = Correction {
            document_type: Some("annet".into()),
            unit: Some(UnitId::new("omsorg").unwrap()),
            title: Some("Klage fra Ola Nordmann".into()),
            urgent: Some(true),
        };
        let changed = correct(&mut store, id, &correction, Actor::System).unwrap();
        assert_eq!(
            changed,
            ["unit", "title", "urgent"],
            "the type was the same"
        );
        let row: (String, String, bool) = store
            .conn()
            .query_row(
                "SELECT unit, title, urgent FROM items WHERE id = ?1",
                [id.0],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .unwrap();
        assert_eq!(
            row,
            ("omsorg".into(), "Klage fra Ola Nordmann".into(), true)
        );
        let details: Vec<String> = store
            .conn()
            .prepare("SELECT detail FROM events WHERE kind = 'correction' ORDER BY id")
            .unwrap()
            .query_map([], |r| r.get(0))
            .unwrap()
            .map(Result::unwrap)
            .collect();
        let details: Vec<serde_json::Value> = details
            .iter()
            .map(|d| serde_json::from_str(d).unwrap())
            .collect();
        assert_eq!(
            details,
            [
                json!({"field": "unit", "from": "mta", "to": "omsorg"}),
                json!({"field": "title"}),
                json!({"field": "urgent", "from": false, "to": true}),
            ],
            "the new title may quote the letter, so its event does not"
        );
    }
}
