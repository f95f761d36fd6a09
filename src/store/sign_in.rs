//! Sign-in bookkeeping, race-free: the failure is counted *before* the
//! password is checked, in one `IMMEDIATE` transaction with the lock check,
//! so twenty concurrent attempts cannot all be checked when the limit is
//! five; and a TOTP step is consumed by a conditional update, so one code
//! gives one session however many requests carry it at once.

use chrono::{DateTime, Utc};
use rusqlite::{params, OptionalExtension};

use super::events::{self, Actor};
use super::{Store, StoreError};

/// What [`reserve`] found.
#[derive(Debug)]
pub enum Reservation {
    /// No such user name.
    Unknown,
    /// Locked now: nothing is checked.
    Locked { user_id: i64 },
    /// One attempt counted; check the secrets, then [`succeed`] or [`fail`].
    Go(Attempt),
}

#[derive(Debug)]
pub struct Attempt {
    pub user_id: i64,
    pub password_hash: Option<String>,
    pub totp_secret: Option<String>,
    pub totp_last_step: i64,
    pub disabled: bool,
    /// This attempt reached the limit: the account is locked unless it succeeds.
    pub locks: bool,
}

/// Checks the lock and counts one attempt, atomically.
pub fn reserve(
    store: &mut Store,
    username: &str,
    max_failures: u32,
    lock_until: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Result<Reservation, StoreError> {
    let tx = store.write()?;
    type Row = (
        i64,
        Option<String>,
        Option<String>,
        i64,
        bool,
        i64,
        Option<String>,
    );
    let row: Option<Row> = tx
        .query_row(
            "SELECT id, password_hash, totp_secret, totp_last_step, disabled, failed_logins, locked_until
             FROM users WHERE username = ?1",
            params![username],
            |r| {
                Ok((
                    r.get(0)?,
                    r.get(1)?,
                    r.get(2)?,
                    r.get(3)?,
                    r.get(4)?,
                    r.get(5)?,
                    r.get(6)?,
                ))
            },
        )
        .optional()?;
    let Some((user_id, password_hash, totp_secret, totp_last_step, disabled, failed, locked)) = row
    else {
        return Ok(Reservation::Unknown);
    };
    let locked_until = match locked {
        Some(text) => Some(
            DateTime::parse_from_rfc3339(&text)
                .map_err(|_| StoreError::BadUserRow(user_id))?
                .with_timezone(&Utc),
        ),
        None => None,
    };
    if locked_until.is_some_and(|t| t > now) {
        events::record(
            &tx,
            None,
            Actor::User(user_id),
            "login_refused_locked",
            &serde_json::json!({}),
        )?;
        tx.commit()?;
        return Ok(Reservation::Locked { user_id });
    }
    let failed = failed + 1;
    let locks = failed >= i64::from(max_failures.max(1));
    if locks {
        tx.execute(
            "UPDATE users SET failed_logins = 0, locked_until = ?1 WHERE id = ?2",
            params![lock_until.to_rfc3339(), user_id],
        )?;
    } else {
        tx.execute(
            "UPDATE users SET failed_logins = ?1 WHERE id = ?2",
            params![failed, user_id],
        )?;
    }
    tx.commit()?;
    Ok(Reservation::Go(Attempt {
        user_id,
        password_hash,
        totp_secret,
        totp_last_step,
        disabled,
        locks,
    }))
}

/// The secrets matched: consumes TOTP `step` and clears the counters, unless
/// another request consumed that step (or a later one) first. Returns whether
/// this sign-in won.
pub fn succeed(store: &mut Store, user_id: i64, step: i64) -> Result<bool, StoreError> {
    let tx = store.write()?;
    let won = tx.execute(
        "UPDATE users SET failed_logins = 0, locked_until = NULL, totp_last_step = ?1
         WHERE id = ?2 AND totp_last_step < ?1 AND disabled = 0",
        params![step, user_id],
    )? == 1;
    if won {
        events::record(
            &tx,
            None,
            Actor::User(user_id),
            "login",
            &serde_json::json!({}),
        )?;
    }
    tx.commit()?;
    Ok(won)
}

/// The attempt failed (already counted by [`reserve`]): its event.
pub fn fail(store: &mut Store, attempt: &Attempt) -> Result<(), StoreError> {
    let tx = store.write()?;
    events::record(
        &tx,
        None,
        Actor::User(attempt.user_id),
        if attempt.locks {
            "login_locked"
        } else {
            "login_failed"
        },
        &serde_json::json!({}),
    )?;
    tx.commit()?;
    Ok(())
}
