//! Items: admission, the pipeline's reads and writes, registration and the
//! queue listing. All SQL for the daemon's side of the `items` table lives
//! here.
//!
//! **Invariant:** an arrival is identified by `(source_path, sha256)` among
//! rows not yet registered (unique index `items_arrival`); admission is
//! `INSERT … ON CONFLICT DO NOTHING`, so re-admitting after a crash or a rescan
//! adds nothing.
//! **Invariant:** the lifecycle moves only through [`events::transition`],
//! one transaction per stage, together with the stage's data.

use chrono::{DateTime, NaiveDate, Utc};
use rusqlite::{params, OptionalExtension};

use super::events::{self, Actor, TransitionError};
use super::{Store, StoreError};
use crate::extract::{Extraction, PageSource, TextSource};
use crate::item::{ItemId, ItemState, QualityFlag, RejectCode, Sha256, Source, UnitId};

pub type Result<T, E = StoreError> = std::result::Result<T, E>;

/// A settled file about to be admitted; its bytes are already in the content
/// store at `content_path` (relative to `data_dir`).
#[derive(Debug, Clone)]
pub struct NewArrival {
    pub sha256: Sha256,
    pub source: Source,
    pub folder_unit: Option<UnitId>,
    pub source_path: String,
    pub file_name: String,
    pub size: u64,
    pub mtime_ns: i64,
    pub content_path: String,
    pub received_at: DateTime<Utc>,
}

/// What admission did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Admission {
    /// A new item, state `admitted`.
    New(ItemId),
    /// A new item with the same bytes as an earlier one: state `duplicate`.
    Duplicate { id: ItemId, of: ItemId },
    /// This arrival was already admitted (rescan, restart).
    Known { id: ItemId, state: ItemState },
}

/// An open (not registered) row at a path: what a rescan compares against.
#[derive(Debug, Clone)]
pub struct OpenArrival {
    pub id: ItemId,
    pub sha256: String,
    pub size: u64,
    pub mtime_ns: Option<i64>,
    pub state: ItemState,
}

/// A row the pipeline or the registration check works on.
#[derive(Debug, Clone)]
pub struct WorkItem {
    pub id: ItemId,
    pub state: ItemState,
    pub source: Source,
    pub folder_unit: Option<UnitId>,
    pub source_path: String,
    pub file_name: String,
    pub content_path: String,
    pub sha256: String,
    /// When the file arrived: the stamp's plausibility window counts from it.
    pub received_at: DateTime<Utc>,
}

fn state_of(id: ItemId, s: String) -> Result<ItemState> {
    s.parse().map_err(|_| StoreError::BadField(id, "state"))
}

/// Admits one arrival in one transaction: the row, its `admitted` event and,
/// when the bytes were seen before, the move to `duplicate` linked to the
/// first copy (rejected copies do not count: those bytes are refused again).
pub fn admit(store: &mut Store, a: &NewArrival) -> Result<Admission> {
    let tx = store.write()?;
    let now = Utc::now().to_rfc3339();
    let sha = a.sha256.to_hex();
    let inserted = tx.execute(
        "INSERT INTO items (sha256, source, folder_unit, unit, source_path, file_name, size_bytes,
                            source_mtime_ns, content_path, received_at, state, updated_at)
         VALUES (?1, ?2, ?3, ?3, ?4, ?5, ?6, ?7, ?8, ?9, 'admitted', ?10)
         ON CONFLICT DO NOTHING",
        params![
            sha,
            a.source.as_str(),
            a.folder_unit.as_ref().map(UnitId::as_str),
            a.source_path,
            a.file_name,
            a.size as i64,
            a.mtime_ns,
            a.content_path,
            a.received_at.to_rfc3339(),
            now
        ],
    )?;
    if inserted == 0 {
        let (id, state): (i64, String) = tx.query_row(
            "SELECT id, state FROM items
             WHERE source_path = ?1 AND sha256 = ?2 AND registered_at IS NULL",
            params![a.source_path, sha],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )?;
        let id = ItemId(id);
        return Ok(Admission::Known {
            id,
            state: state_of(id, state)?,
        });
    }
    let id = ItemId(tx.last_insert_rowid());
    events::record(
        &tx,
        Some(id),
        Actor::System,
        "admitted",
        &serde_json::json!({ "file_name": a.file_name, "source": a.source.as_str(),
                             "folder_unit": a.folder_unit, "size_bytes": a.size }),
    )?;
    let first: Option<i64> = tx
        .query_row(
            "SELECT id FROM items WHERE sha256 = ?1 AND id <> ?2 AND state <> 'rejected'
             ORDER BY id LIMIT 1",
            params![sha, id.0],
            |r| r.get(0),
        )
        .optional()?;
    let outcome = match first {
        Some(first) => {
            tx.execute(
                "UPDATE items SET duplicate_of = ?1 WHERE id = ?2",
                params![first, id.0],
            )?;
            events::transition(
                &tx,
                id,
                ItemState::Duplicate,
                Actor::System,
                &serde_json::json!({ "duplicate_of": first }),
            )?;
            Admission::Duplicate {
                id,
                of: ItemId(first),
            }
        }
        None => Admission::New(id),
    };
    tx.commit()?;
    Ok(outcome)
}

/// Open rows whose file is at `source_path`.
pub fn open_arrivals_at(store: &Store, source_path: &str) -> Result<Vec<OpenArrival>> {
    let mut stmt = store.conn().prepare_cached(
        // A printout postmottak wrote into a watched folder is known by the
        // size and mtime it was planned with: never a new arrival.
        "SELECT id, sha256, size_bytes, source_mtime_ns, state FROM items
         WHERE source_path = ?1 AND registered_at IS NULL
         UNION ALL
         SELECT i.id, i.sha256, p.size_bytes, p.mtime_ns, i.state
         FROM printouts p JOIN items i ON i.id = p.item_id
         WHERE p.path = ?1 AND i.registered_at IS NULL
         ORDER BY 1",
    )?;
    let rows = stmt.query_map(params![source_path], |r| {
        Ok((
            r.get::<_, i64>(0)?,
            r.get::<_, String>(1)?,
            r.get::<_, i64>(2)?,
            r.get::<_, Option<i64>>(3)?,
            r.get::<_, String>(4)?,
        ))
    })?;
    let mut out = Vec::new();
    for row in rows {
        let (id, sha256, size, mtime_ns, state) = row?;
        let id = ItemId(id);
        out.push(OpenArrival {
            id,
            sha256,
            size: size as u64,
            mtime_ns,
            state: state_of(id, state)?,
        });
    }
    Ok(out)
}

const WORK_COLUMNS: &str =
    "id, state, source, folder_unit, source_path, file_name, content_path, sha256, received_at";

fn work_item(r: &rusqlite::Row<'_>) -> rusqlite::Result<WorkRow> {
    Ok((
        r.get(0)?,
        r.get(1)?,
        r.get(2)?,
        r.get(3)?,
        r.get(4)?,
        r.get(5)?,
        r.get(6)?,
        r.get(7)?,
        r.get(8)?,
    ))
}

type WorkRow = (
    i64,
    String,
    String,
    Option<String>,
    String,
    String,
    String,
    String,
    DateTime<Utc>,
);

fn to_work_item(row: WorkRow) -> Result<WorkItem> {
    let (id, state, source, unit, source_path, file_name, content_path, sha256, received_at) = row;
    let id = ItemId(id);
    Ok(WorkItem {
        id,
        state: state_of(id, state)?,
        source: source
            .parse()
            .map_err(|_| StoreError::BadField(id, "source"))?,
        folder_unit: unit
            .map(|u| u.parse())
            .transpose()
            .map_err(|_| StoreError::BadField(id, "folder_unit"))?,
        source_path,
        file_name,
        content_path,
        sha256,
        received_at,
    })
}

fn work_items(store: &Store, sql_where: &str, p: &[&dyn rusqlite::ToSql]) -> Result<Vec<WorkItem>> {
    let sql = format!("SELECT {WORK_COLUMNS} FROM items WHERE {sql_where}");
    let mut stmt = store.conn().prepare_cached(&sql)?;
    let rows = stmt.query_map(p, work_item)?;
    let mut out = Vec::new();
    for row in rows {
        out.push(to_work_item(row?)?);
    }
    Ok(out)
}

pub fn get(store: &Store, id: ItemId) -> Result<Option<WorkItem>> {
    Ok(work_items(store, "id = ?1", &[&id.0])?.into_iter().next())
}

/// Items whose file should still be in its inbox folder: not registered, not
/// refused (refused files were moved to `_avvist/`).
pub fn live_items(store: &Store) -> Result<Vec<WorkItem>> {
    work_items(
        store,
        "registered_at IS NULL AND state NOT IN ('rejected','registered') ORDER BY id",
        &[],
    )
}

/// Refused items (their files should be in `_avvist/`; a file still at its
/// inbox path is moved again by the intake).
pub fn rejected_items(store: &Store) -> Result<Vec<WorkItem>> {
    work_items(
        store,
        "state = 'rejected' AND registered_at IS NULL ORDER BY id",
        &[],
    )
}

/// Items the pipeline still has to work on, oldest first.
pub fn pipeline_backlog(store: &Store, limit: usize) -> Result<Vec<WorkItem>> {
    work_items(
        store,
        "state IN ('admitted','extracted','classified') ORDER BY id LIMIT ?1",
        &[&(limit as i64)],
    )
}

/// The file left its folder: the case system took it. Returns false when the
/// item was already registered or refused (nothing to do).
pub fn mark_registered(store: &Store, id: ItemId, at: DateTime<Utc>) -> Result<bool> {
    let tx = store.write()?;
    let state = match events::state_of(&tx, id) {
        Ok(state) => state,
        Err(TransitionError::NoSuchItem(_)) => return Ok(false),
        Err(e) => return Err(e.into()),
    };
    if !state.can_become(ItemState::Registered) {
        return Ok(false);
    }
    tx.execute(
        "UPDATE items SET registered_at = ?1 WHERE id = ?2",
        params![at.to_rfc3339(), id.0],
    )?;
    events::transition(
        &tx,
        id,
        ItemState::Registered,
        Actor::System,
        &serde_json::json!({ "reason": "file_left_folder" }),
    )?;
    tx.commit()?;
    Ok(true)
}

/// Extraction refused the file: record the code and move to `rejected`.
/// Committed before the file is moved to `_avvist/` (no file leaves an inbox
/// before its row says where it went).
pub fn reject(store: &mut Store, id: ItemId, code: RejectCode, message: &str) -> Result<bool> {
    let tx = store.write()?;
    if !events::state_of(&tx, id)?.can_become(ItemState::Rejected) {
        return Ok(false);
    }
    tx.execute(
        "UPDATE items SET reject_code = ?1, reject_message = ?2 WHERE id = ?3",
        params![code.as_str(), message, id.0],
    )?;
    events::transition(
        &tx,
        id,
        ItemState::Rejected,
        Actor::System,
        &serde_json::json!({ "code": code.as_str() }),
    )?;
    tx.commit()?;
    Ok(true)
}

fn text_source_str(s: TextSource) -> &'static str {
    match s {
        TextSource::TextLayer => "text_layer",
        TextSource::Ocr => "ocr",
        TextSource::Mixed => "mixed",
        TextSource::None => "none",
    }
}

fn page_source_str(s: PageSource) -> &'static str {
    match s {
        PageSource::TextLayer => "text_layer",
        PageSource::Ocr => "ocr",
        PageSource::None => "none",
    }
}

/// Stores pages and the extraction summary and moves `admitted → extracted`.
/// An item registered meanwhile (file taken early) keeps its state but still
/// gets its text. Returns the state afterwards.
pub fn save_extraction(store: &mut Store, id: ItemId, ex: &Extraction) -> Result<ItemState> {
    let tx = store.write()?;
    let state = events::state_of(&tx, id)?;
    if !matches!(state, ItemState::Admitted | ItemState::Registered) {
        return Ok(state);
    }
    tx.execute("DELETE FROM pages WHERE item_id = ?1", params![id.0])?;
    for page in &ex.pages {
        tx.execute(
            "INSERT INTO pages (item_id, number, text, source, ocr_confidence, blank)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            params![
                id.0,
                page.number,
                page.text,
                page_source_str(page.source),
                page.ocr_confidence.map(f64::from),
                page.blank
            ],
        )?;
    }
    tx.execute(
        "UPDATE items SET media_type = ?1, page_count = ?2, text_source = ?3, ocr_confidence = ?4
         WHERE id = ?5",
        params![
            ex.media_type,
            ex.pages.len() as i64,
            text_source_str(ex.text_source()),
            ex.ocr_confidence().map(f64::from),
            id.0
        ],
    )?;
    let after = if state == ItemState::Admitted {
        events::transition(
            &tx,
            id,
            ItemState::Extracted,
            Actor::System,
            &serde_json::json!({ "pages": ex.pages.len(), "text_source": text_source_str(ex.text_source()) }),
        )?;
        ItemState::Extracted
    } else {
        state
    };
    tx.commit()?;
    Ok(after)
}

/// A person ID as stored: keyed hash and masked form only.
#[derive(Debug, Clone)]
pub struct PersonIdRow {
    pub kind: String,
    pub keyed_hash: String,
    pub masked: String,
    pub synthetic: bool,
}

/// The classification as stored (built by the pipeline from
/// `classify::Classification`).
#[derive(Debug, Clone)]
pub struct ClassificationRecord {
    pub unit: UnitId,
    pub document_type: String,
    pub title: String,
    pub urgent: bool,
    pub leader_review: bool,
    pub document_date: Option<NaiveDate>,
    pub stamped_date: Option<NaiveDate>,
    pub sender: Option<String>,
    pub quality_flags: Vec<QualityFlag>,
    /// The full decision with reasons; never holds a person number.
    pub json: String,
    pub person_ids: Vec<PersonIdRow>,
}

/// Stores the classification and moves `extracted → classified` (registered
/// items keep their state). Returns the state afterwards.
pub fn save_classification(
    store: &mut Store,
    id: ItemId,
    c: &ClassificationRecord,
) -> Result<ItemState> {
    let tx = store.write()?;
    let state = events::state_of(&tx, id)?;
    if !matches!(state, ItemState::Extracted | ItemState::Registered) {
        return Ok(state);
    }
    let flags: Vec<&str> = c.quality_flags.iter().map(|f| f.as_str()).collect();
    tx.execute(
        "UPDATE items SET unit = ?1, document_type = ?2, title = ?3, urgent = ?4,
                leader_review = ?5, document_date = ?6, stamped_date = ?7, sender = ?8,
                quality_flags = ?9, classification_json = ?10
         WHERE id = ?11",
        params![
            c.unit.as_str(),
            c.document_type,
            c.title,
            c.urgent,
            c.leader_review,
            c.document_date.map(|d| d.to_string()),
            c.stamped_date.map(|d| d.to_string()),
            c.sender,
            serde_json::to_string(&flags).unwrap_or_else(|_| "[]".into()),
            c.json,
            id.0
        ],
    )?;
    tx.execute(
        "DELETE FROM item_person_ids WHERE item_id = ?1",
        params![id.0],
    )?;
    for p in &c.person_ids {
        tx.execute(
            "INSERT OR IGNORE INTO item_person_ids (item_id, kind, keyed_hash, masked, synthetic)
             VALUES (?1, ?2, ?3, ?4, ?5)",
            params![id.0, p.kind, p.keyed_hash, p.masked, p.synthetic],
        )?;
    }
    let after = if state == ItemState::Extracted {
        events::transition(
            &tx,
            id,
            ItemState::Classified,
            Actor::System,
            &serde_json::json!({ "document_type": c.document_type, "unit": c.unit }),
        )?;
        ItemState::Classified
    } else {
        state
    };
    tx.commit()?;
    Ok(after)
}

/// `classified → queued`: the item is on the morning-meeting board.
pub fn mark_queued(store: &mut Store, id: ItemId) -> Result<ItemState> {
    let tx = store.write()?;
    let state = events::state_of(&tx, id)?;
    if state != ItemState::Classified {
        return Ok(state);
    }
    events::transition(
        &tx,
        id,
        ItemState::Queued,
        Actor::System,
        &serde_json::json!({}),
    )?;
    tx.commit()?;
    Ok(ItemState::Queued)
}

/// The recorded refusal of a rejected item.
pub fn rejection(store: &Store, id: ItemId) -> Result<Option<(RejectCode, String)>> {
    let row: Option<(Option<String>, Option<String>)> = store
        .conn()
        .query_row(
            "SELECT reject_code, reject_message FROM items WHERE id = ?1 AND state = 'rejected'",
            params![id.0],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?;
    Ok(match row {
        Some((Some(code), message)) => Some((
            code.parse()
                .map_err(|_| StoreError::BadField(id, "reject_code"))?,
            message.unwrap_or_default(),
        )),
        _ => None,
    })
}

/// How many items the pipeline still has to work on.
pub fn pipeline_count(store: &Store) -> Result<usize> {
    let n: i64 = store.conn().query_row(
        "SELECT COUNT(*) FROM items WHERE state IN ('admitted','extracted','classified')",
        [],
        |r| r.get(0),
    )?;
    Ok(n as usize)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn arrival(path: &str, bytes: &[u8]) -> NewArrival {
        NewArrival {
            sha256: Sha256::of_bytes(bytes),
            source: Source::Scan,
            folder_unit: Some(UnitId::new("mta").unwrap()),
            source_path: path.into(),
            file_name: path.rsplit('/').next().unwrap().into(),
            size: bytes.len() as u64,
            mtime_ns: 1,
            content_path: "content/x".into(),
            received_at: Utc::now(),
        }
    }

    #[test]
    fn admission_is_idempotent_and_links_duplicates() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = Store::open(&dir.path().join("db")).unwrap();
        let a = admit(&mut store, &arrival("/in/a.pdf", b"one")).unwrap();
        let Admission::New(first) = a else {
            panic!("{a:?}")
        };
        assert_eq!(
            admit(&mut store, &arrival("/in/a.pdf", b"one")).unwrap(),
            Admission::Known {
                id: first,
                state: ItemState::Admitted
            }
        );
        let d = admit(&mut store, &arrival("/in/b.pdf", b"one")).unwrap();
        assert!(
            matches!(d, Admission::Duplicate { of, .. } if of == first),
            "{d:?}"
        );
        assert!(matches!(
            admit(&mut store, &arrival("/in/a.pdf", b"two")).unwrap(),
            Admission::New(_)
        ));
        // Registered: the same path and bytes may arrive again as a new arrival.
        assert!(mark_registered(&store, first, Utc::now()).unwrap());
        assert!(!mark_registered(&store, first, Utc::now()).unwrap());
        let again = admit(&mut store, &arrival("/in/a.pdf", b"one")).unwrap();
        assert!(
            matches!(again, Admission::Duplicate { of, .. } if of == first),
            "{again:?}"
        );
        let rows = crate::store::queue_list::queue_rows(&store, true).unwrap();
        assert_eq!(rows.len(), 4);
        assert!(crate::store::queue_list::queue_rows(&store, false)
            .unwrap()
            .is_empty());
    }

    #[test]
    fn rejection_records_the_code() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = Store::open(&dir.path().join("db")).unwrap();
        let Admission::New(id) = admit(&mut store, &arrival("/in/a.pdf", b"x")).unwrap() else {
            panic!()
        };
        assert!(reject(&mut store, id, RejectCode::Corrupt, "skadet").unwrap());
        let rows = crate::store::queue_list::queue_rows(&store, true).unwrap();
        assert_eq!(rows[0].reject_code.as_deref(), Some("corrupt"));
        assert_eq!(rows[0].state, "rejected");
        assert!(live_items(&store).unwrap().is_empty());
        // Identical bytes after a refusal are not a duplicate of the refused copy.
        assert!(matches!(
            admit(&mut store, &arrival("/in/b.pdf", b"x")).unwrap(),
            Admission::New(_)
        ));
    }
}
