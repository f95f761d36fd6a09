//! The event log: every state transition and every action or view by a person.
//! It is the item's history and the audit trail (Normen) in one table.
//!
//! **Invariant:** a state change is only made through [`transition`], in the
//! same transaction as its event row, and only along `ItemState::can_become`.

use chrono::Utc;
use rusqlite::{params, OptionalExtension, Transaction};

use crate::item::{ItemId, ItemState};

/// Who did something: a signed-in user, or the service itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Actor {
    System,
    User(i64),
}

impl Actor {
    fn as_sql(self) -> Option<i64> {
        match self {
            Actor::System => None,
            Actor::User(id) => Some(id),
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum TransitionError {
    #[error("sak {0} finnes ikke")]
    NoSuchItem(ItemId),
    #[error("sak {item} kan ikke gå fra {from} til {to}")]
    Illegal {
        item: ItemId,
        from: ItemState,
        to: ItemState,
    },
    #[error("sak {item} har ukjent tilstand i databasen")]
    BadState { item: ItemId },
    #[error(transparent)]
    Sql(#[from] rusqlite::Error),
}

/// Writes one event row. `detail` is JSON and must never hold person IDs or
/// letter text.
pub fn record(
    tx: &Transaction<'_>,
    item: Option<ItemId>,
    actor: Actor,
    kind: &str,
    detail: &serde_json::Value,
) -> rusqlite::Result<()> {
    tx.execute(
        "INSERT INTO events (item_id, at, actor, kind, detail) VALUES (?1, ?2, ?3, ?4, ?5)",
        params![
            item.map(|i| i.0),
            Utc::now().to_rfc3339(),
            actor.as_sql(),
            kind,
            detail.to_string()
        ],
    )?;
    Ok(())
}

/// An item's current state, read inside the caller's transaction (so the
/// decision taken on it and the write that follows see the same row).
pub fn state_of(tx: &Transaction<'_>, item: ItemId) -> Result<ItemState, TransitionError> {
    let current: Option<String> = tx
        .query_row(
            "SELECT state FROM items WHERE id = ?1",
            params![item.0],
            |r| r.get(0),
        )
        .optional()?;
    current
        .ok_or(TransitionError::NoSuchItem(item))?
        .parse()
        .map_err(|_| TransitionError::BadState { item })
}

/// Moves an item from its current state to `to`, checking the lifecycle, and
/// records the transition. Returns the state it came from.
pub fn transition(
    tx: &Transaction<'_>,
    item: ItemId,
    to: ItemState,
    actor: Actor,
    detail: &serde_json::Value,
) -> Result<ItemState, TransitionError> {
    let from = state_of(tx, item)?;
    if !from.can_become(to) {
        return Err(TransitionError::Illegal { item, from, to });
    }
    let now = Utc::now().to_rfc3339();
    tx.execute(
        "UPDATE items SET state = ?1, updated_at = ?2 WHERE id = ?3",
        params![to.as_str(), now, item.0],
    )?;
    tx.execute(
        "INSERT INTO events (item_id, at, actor, kind, from_state, to_state, detail)
         VALUES (?1, ?2, ?3, 'transition', ?4, ?5, ?6)",
        params![
            item.0,
            now,
            actor.as_sql(),
            from.as_str(),
            to.as_str(),
            detail.to_string()
        ],
    )?;
    Ok(from)
}

/// Undoes a registration: the file came back to its folder within the grace
/// period (a mistaken "yes, delete the file" in the case system), so the item
/// returns to the state it had before `registered`, with a transition event
/// saying so. The one move out of `registered`; `can_become` keeps
/// `registered` terminal for everything else. Returns the restored state.
pub fn undo_registration(
    tx: &Transaction<'_>,
    item: ItemId,
    actor: Actor,
    detail: &serde_json::Value,
) -> Result<ItemState, TransitionError> {
    let from = state_of(tx, item)?;
    if from != ItemState::Registered {
        return Err(TransitionError::Illegal {
            item,
            from,
            to: ItemState::Queued,
        });
    }
    let before: Option<String> = tx
        .query_row(
            "SELECT from_state FROM events
             WHERE item_id = ?1 AND kind = 'transition' AND to_state = 'registered'
             ORDER BY id DESC LIMIT 1",
            params![item.0],
            |r| r.get(0),
        )
        .optional()?
        .flatten();
    let to: ItemState = before
        .ok_or(TransitionError::BadState { item })?
        .parse()
        .map_err(|_| TransitionError::BadState { item })?;
    if !to.can_become(ItemState::Registered) {
        return Err(TransitionError::BadState { item });
    }
    let now = Utc::now().to_rfc3339();
    tx.execute(
        "UPDATE items SET state = ?1, registered_at = NULL, updated_at = ?2 WHERE id = ?3",
        params![to.as_str(), now, item.0],
    )?;
    tx.execute(
        "INSERT INTO events (item_id, at, actor, kind, from_state, to_state, detail)
         VALUES (?1, ?2, ?3, 'transition', 'registered', ?4, ?5)",
        params![item.0, now, actor.as_sql(), to.as_str(), detail.to_string()],
    )?;
    Ok(to)
}
