//! Board sessions, kept server-side.
//!
//! **Invariant:** only the SHA-256 of a session token is stored; the token
//! itself exists only in the browser's cookie.
//! **Invariant:** a session unused for longer than the idle timeout, or older
//! than the absolute lifetime, is deleted when next looked up and never
//! authenticates again.

use chrono::{DateTime, Duration, Utc};
use rusqlite::{params, OptionalExtension};

use crate::store::{Result, Store};

/// A live session.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Session {
    pub user_id: i64,
    pub csrf_token: String,
}

/// Hex SHA-256 of a token: the key under which a session is stored.
pub fn token_hash(token: &str) -> String {
    crate::item::Sha256::of_bytes(token.as_bytes()).to_hex()
}

/// Stores a new session for `user_id` under the hash of `token`.
pub fn create(store: &Store, token: &str, user_id: i64, csrf_token: &str) -> Result<()> {
    let now = Utc::now().to_rfc3339();
    store.write_one(
        "INSERT INTO sessions (token_hash, user_id, csrf_token, created_at, last_seen_at)
         VALUES (?1, ?2, ?3, ?4, ?4)",
        params![token_hash(token), user_id, csrf_token, now],
    )?;
    Ok(())
}

fn parse(text: &str) -> Option<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(text)
        .ok()
        .map(|t| t.with_timezone(&Utc))
}

/// Looks a token up. A live session is touched (its idle clock restarts); an
/// expired one, or one whose user is disabled, is deleted and yields `None`.
pub fn lookup(
    store: &Store,
    token: &str,
    idle: Duration,
    max_age: Duration,
) -> Result<Option<Session>> {
    let hash = token_hash(token);
    let row = store
        .conn()
        .query_row(
            "SELECT s.user_id, s.csrf_token, s.created_at, s.last_seen_at, u.disabled
             FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.token_hash = ?1",
            params![hash],
            |r| {
                Ok((
                    r.get::<_, i64>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, String>(2)?,
                    r.get::<_, String>(3)?,
                    r.get::<_, bool>(4)?,
                ))
            },
        )
        .optional()?;
    let Some((user_id, csrf_token, created, last_seen, disabled)) = row else {
        return Ok(None);
    };
    let now = Utc::now();
    let live = match (parse(&created), parse(&last_seen)) {
        (Some(created), Some(last_seen)) => {
            !disabled && now - last_seen <= idle && now - created <= max_age
        }
        _ => false,
    };
    if !live {
        delete(store, token)?;
        return Ok(None);
    }
    store.write_one(
        "UPDATE sessions SET last_seen_at = ?1 WHERE token_hash = ?2",
        params![now.to_rfc3339(), hash],
    )?;
    Ok(Some(Session {
        user_id,
        csrf_token,
    }))
}

/// Ends one session (sign-out).
pub fn delete(store: &Store, token: &str) -> Result<()> {
    store.write_one(
        "DELETE FROM sessions WHERE token_hash = ?1",
        params![token_hash(token)],
    )?;
    Ok(())
}

/// Deletes every session idle since before `cutoff`; returns how many.
pub fn purge_idle(store: &Store, cutoff: DateTime<Utc>) -> Result<usize> {
    Ok(store.write_one(
        "DELETE FROM sessions WHERE last_seen_at < ?1",
        params![cutoff.to_rfc3339()],
    )?)
}
