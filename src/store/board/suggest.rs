//! Caseworker suggestions: whoever already handles the same person (via the
//! keyed person-ID hash), else the most frequent caseworker for the unit and
//! document type over recent allocations. Only active caseworkers and leaders
//! of the item's unit are ever suggested.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use rusqlite::{params, OptionalExtension};

use crate::item::{ItemId, UnitId};
use crate::store::{users, Store};

use super::Result;

/// Why a caseworker is suggested.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SuggestionReason {
    /// They have (or had) items about the same person.
    SamePerson { items: u64 },
    /// They most often got this unit's items of this type recently.
    Frequent { count: u64, total: u64 },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Suggestion {
    pub user_id: i64,
    pub display_name: String,
    pub reason: SuggestionReason,
}

/// Suggests a caseworker for an item: whoever already handles the same
/// person (via the keyed person-ID hash), else the most frequent caseworker
/// for that unit and type over allocations since `since`. Only active
/// caseworkers and leaders of `unit` are suggested.
pub fn suggest(
    store: &Store,
    item: ItemId,
    unit: &UnitId,
    document_type: Option<&str>,
    since: DateTime<Utc>,
) -> Result<Option<Suggestion>> {
    Suggester::new(store, since).suggest(item, unit, document_type)
}

/// [`suggest`] for many items at once (the queue page): the "most frequent"
/// answer is computed once per unit and type.
pub struct Suggester<'a> {
    store: &'a Store,
    since: DateTime<Utc>,
    frequent: HashMap<(UnitId, String), Option<Suggestion>>,
}

impl<'a> Suggester<'a> {
    pub fn new(store: &'a Store, since: DateTime<Utc>) -> Self {
        Suggester {
            store,
            since,
            frequent: HashMap::new(),
        }
    }

    pub fn suggest(
        &mut self,
        item: ItemId,
        unit: &UnitId,
        document_type: Option<&str>,
    ) -> Result<Option<Suggestion>> {
        if let Some(s) = same_person(self.store, item, unit)? {
            return Ok(Some(s));
        }
        let Some(t) = document_type else {
            return Ok(None);
        };
        let key = (unit.clone(), t.to_owned());
        if let Some(known) = self.frequent.get(&key) {
            return Ok(known.clone());
        }
        let found = frequent(self.store, unit, t, self.since)?;
        self.frequent.insert(key, found.clone());
        Ok(found)
    }
}

/// Someone with an open item about the person beats someone who had one
/// before; among equals the most recent allocation wins.
fn same_person(store: &Store, item: ItemId, unit: &UnitId) -> Result<Option<Suggestion>> {
    let mut stmt = store.conn().prepare_cached(
        "SELECT o.allocated_to, u.display_name, COUNT(DISTINCT o.id), MAX(o.allocated_at) AS last,
                MAX(o.state = 'allocated') AS active
         FROM item_person_ids q
         JOIN item_person_ids p ON p.keyed_hash = q.keyed_hash AND p.item_id <> q.item_id
         JOIN items o ON o.id = p.item_id
         JOIN users u ON u.id = o.allocated_to
         JOIN user_units uu ON uu.user_id = u.id AND uu.unit = ?2
         WHERE q.item_id = ?1 AND o.allocated_to IS NOT NULL
           AND u.disabled = 0 AND u.role IN (SELECT value FROM json_each(?3))
         GROUP BY o.allocated_to ORDER BY active DESC, last DESC LIMIT 1",
    )?;
    let found = stmt
        .query_row(params![item.0, unit.as_str(), users::receivers()], |r| {
            Ok(Suggestion {
                user_id: r.get(0)?,
                display_name: r.get(1)?,
                reason: SuggestionReason::SamePerson { items: r.get(2)? },
            })
        })
        .optional()?;
    Ok(found)
}

fn frequent(
    store: &Store,
    unit: &UnitId,
    document_type: &str,
    since: DateTime<Utc>,
) -> Result<Option<Suggestion>> {
    let mut stmt = store.conn().prepare_cached(
        "SELECT i.allocated_to, COUNT(*) AS n, MAX(i.allocated_at) AS last
         FROM items i
         WHERE i.unit = ?1 AND i.document_type = ?2 AND i.allocated_to IS NOT NULL
           AND i.allocated_at >= ?3
         GROUP BY i.allocated_to ORDER BY n DESC, last DESC",
    )?;
    let counts: Vec<(i64, u64)> = stmt
        .query_map(
            params![unit.as_str(), document_type, since.to_rfc3339()],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )?
        .collect::<rusqlite::Result<_>>()?;
    let total: u64 = counts.iter().map(|(_, n)| n).sum();
    let mut stmt = store.conn().prepare_cached(
        "SELECT u.id, u.display_name FROM users u JOIN user_units uu ON uu.user_id = u.id
         WHERE uu.unit = ?1 AND u.disabled = 0 AND u.role IN (SELECT value FROM json_each(?2))",
    )?;
    let eligible: HashMap<i64, String> = stmt
        .query_map(params![unit.as_str(), users::receivers()], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })?
        .collect::<rusqlite::Result<_>>()?;
    Ok(counts.into_iter().find_map(|(user, count)| {
        eligible.get(&user).map(|name| Suggestion {
            user_id: user,
            display_name: name.clone(),
            reason: SuggestionReason::Frequent { count, total },
        })
    }))
}
