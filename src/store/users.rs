//! Users of the board: accounts, roles, units, sign-in failure counters.
//!
//! Passwords arrive here already hashed (argon2id PHC strings) and TOTP
//! secrets as base32; this module never sees a plain password.
//! **Invariant:** a user's units are replaced as a whole (`set_units`), so a
//! role change and its units are one transaction.

use chrono::{DateTime, Utc};
use rusqlite::{params, OptionalExtension, Row};

use crate::access;
use crate::item::{Role, UnitId};
use crate::store::events::{self, Actor};
use crate::store::{Store, StoreError};

/// A user as the board and CLI need it (no secrets except where asked for).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct User {
    pub id: i64,
    pub username: String,
    pub display_name: String,
    pub email: Option<String>,
    pub role: Role,
    pub disabled: bool,
    pub units: Vec<UnitId>,
}

impl access::HasRole for User {
    fn role(&self) -> Role {
        self.role
    }
}

impl access::Member for User {
    fn id(&self) -> i64 {
        self.id
    }
    fn units(&self) -> &[UnitId] {
        &self.units
    }
    fn is_active(&self) -> bool {
        !self.disabled
    }
}

/// What sign-in needs to check a user's credentials.
#[derive(Debug, Clone)]
pub struct Credentials {
    pub user_id: i64,
    pub password_hash: Option<String>,
    pub totp_secret: Option<String>,
    pub totp_last_step: i64,
    pub disabled: bool,
    pub failed_logins: i64,
    pub locked_until: Option<DateTime<Utc>>,
}

/// A new account.
#[derive(Debug, Clone)]
pub struct NewUser<'a> {
    pub username: &'a str,
    pub display_name: &'a str,
    pub email: Option<&'a str>,
    pub role: Role,
    pub units: &'a [UnitId],
    pub password_hash: &'a str,
    pub totp_secret: &'a str,
}

fn now() -> String {
    Utc::now().to_rfc3339()
}

fn role_of(id: i64, text: &str) -> Result<Role, StoreError> {
    text.parse().map_err(|_| StoreError::BadUserRow(id))
}

/// Creates a user with their units; records an audit event by `actor`.
pub fn create(store: &Store, new: &NewUser<'_>, actor: Actor) -> Result<i64, StoreError> {
    let tx = store.write()?;
    let exists: Option<i64> = tx
        .query_row(
            "SELECT id FROM users WHERE username = ?1",
            params![new.username],
            |r| r.get(0),
        )
        .optional()?;
    if exists.is_some() {
        return Err(StoreError::UserExists(new.username.to_owned()));
    }
    tx.execute(
        "INSERT INTO users (username, display_name, email, role, password_hash, totp_secret, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        params![
            new.username,
            new.display_name,
            new.email,
            new.role.as_str(),
            new.password_hash,
            new.totp_secret,
            now()
        ],
    )?;
    let id = tx.last_insert_rowid();
    for unit in new.units {
        tx.execute(
            "INSERT INTO user_units (user_id, unit) VALUES (?1, ?2)",
            params![id, unit.as_str()],
        )?;
    }
    events::record(
        &tx,
        None,
        actor,
        "user_add",
        &serde_json::json!({"user": id, "role": new.role.as_str()}),
    )?;
    tx.commit()?;
    Ok(id)
}

fn user_from_row(
    row: &Row<'_>,
) -> rusqlite::Result<(i64, String, String, Option<String>, String, bool)> {
    Ok((
        row.get(0)?,
        row.get(1)?,
        row.get(2)?,
        row.get(3)?,
        row.get(4)?,
        row.get(5)?,
    ))
}

fn units_of(store: &Store, id: i64) -> Result<Vec<UnitId>, StoreError> {
    let mut stmt = store
        .conn()
        .prepare_cached("SELECT unit FROM user_units WHERE user_id = ?1 ORDER BY unit")?;
    let rows = stmt.query_map(params![id], |r| r.get::<_, String>(0))?;
    let mut units = Vec::new();
    for unit in rows {
        units.push(UnitId::new(&unit?).map_err(|_| StoreError::BadUserRow(id))?);
    }
    Ok(units)
}

const USER_COLUMNS: &str = "id, username, display_name, email, role, disabled";

fn finish(
    store: &Store,
    raw: (i64, String, String, Option<String>, String, bool),
) -> Result<User, StoreError> {
    let (id, username, display_name, email, role, disabled) = raw;
    Ok(User {
        id,
        role: role_of(id, &role)?,
        units: units_of(store, id)?,
        username,
        display_name,
        email,
        disabled,
    })
}

/// A user by id, if any.
pub fn get(store: &Store, id: i64) -> Result<Option<User>, StoreError> {
    let raw = store
        .conn()
        .query_row(
            &format!("SELECT {USER_COLUMNS} FROM users WHERE id = ?1"),
            params![id],
            user_from_row,
        )
        .optional()?;
    raw.map(|raw| finish(store, raw)).transpose()
}

/// A user by user name, if any.
pub fn find(store: &Store, username: &str) -> Result<Option<User>, StoreError> {
    let raw = store
        .conn()
        .query_row(
            &format!("SELECT {USER_COLUMNS} FROM users WHERE username = ?1"),
            params![username],
            user_from_row,
        )
        .optional()?;
    raw.map(|raw| finish(store, raw)).transpose()
}

/// Like [`find`], but a missing user is an error.
pub fn require(store: &Store, username: &str) -> Result<User, StoreError> {
    find(store, username)?.ok_or_else(|| StoreError::NoSuchUser(username.to_owned()))
}

/// Every user, by user name.
pub fn list(store: &Store) -> Result<Vec<User>, StoreError> {
    let raws: Vec<_> = {
        let mut stmt = store.conn().prepare(&format!(
            "SELECT {USER_COLUMNS} FROM users ORDER BY username"
        ))?;
        let rows = stmt.query_map([], user_from_row)?;
        rows.collect::<rusqlite::Result<_>>()?
    };
    raws.into_iter().map(|raw| finish(store, raw)).collect()
}

/// Active users with `role`, by user name (mail recipients, backlog reports).
pub fn with_role(store: &Store, role: Role) -> Result<Vec<User>, StoreError> {
    let raws: Vec<_> = {
        let mut stmt = store.conn().prepare(&format!(
            "SELECT {USER_COLUMNS} FROM users WHERE role = ?1 AND disabled = 0 ORDER BY username"
        ))?;
        let rows = stmt.query_map(params![role.as_str()], user_from_row)?;
        rows.collect::<rusqlite::Result<_>>()?
    };
    raws.into_iter().map(|raw| finish(store, raw)).collect()
}

/// Active users who can be given items of `unit` (`access::can_be_given`:
/// the [`access::RECEIVERS`] of that unit), by display name.
pub fn assignable_in_unit(store: &Store, unit: &UnitId) -> Result<Vec<(i64, String)>, StoreError> {
    let mut stmt = store.conn().prepare_cached(
        "SELECT u.id, u.display_name FROM users u JOIN user_units uu ON uu.user_id = u.id
         WHERE uu.unit = ?1 AND u.disabled = 0 AND u.role IN (SELECT value FROM json_each(?2))
         ORDER BY u.display_name",
    )?;
    let rows = stmt.query_map(params![unit.as_str(), receivers()], |r| {
        Ok((r.get(0)?, r.get(1)?))
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// [`access::RECEIVERS`] as one bound parameter: a JSON array the SQL reads
/// with `json_each`, so no role name is written into a statement.
pub(crate) fn receivers() -> String {
    let codes: Vec<&str> = access::RECEIVERS.iter().map(|r| r.as_str()).collect();
    serde_json::Value::from(codes).to_string()
}

/// The secrets and counters sign-in checks, by user name.
pub fn credentials(store: &Store, username: &str) -> Result<Option<Credentials>, StoreError> {
    let row = store
        .conn()
        .query_row(
            "SELECT id, password_hash, totp_secret, totp_last_step, disabled, failed_logins, locked_until
             FROM users WHERE username = ?1",
            params![username],
            |r| {
                Ok((
                    r.get::<_, i64>(0)?,
                    r.get::<_, Option<String>>(1)?,
                    r.get::<_, Option<String>>(2)?,
                    r.get::<_, i64>(3)?,
                    r.get::<_, bool>(4)?,
                    r.get::<_, i64>(5)?,
                    r.get::<_, Option<String>>(6)?,
                ))
            },
        )
        .optional()?;
    let Some((user_id, password_hash, totp_secret, totp_last_step, disabled, failed, locked)) = row
    else {
        return Ok(None);
    };
    let locked_until = match locked {
        Some(text) => Some(
            DateTime::parse_from_rfc3339(&text)
                .map_err(|_| StoreError::BadUserRow(user_id))?
                .with_timezone(&Utc),
        ),
        None => None,
    };
    Ok(Some(Credentials {
        user_id,
        password_hash,
        totp_secret,
        totp_last_step,
        disabled,
        failed_logins: failed,
        locked_until,
    }))
}

/// Sets a new password and TOTP secret, clears lockout, ends sessions.
pub fn reset(
    store: &mut Store,
    username: &str,
    password_hash: &str,
    totp_secret: &str,
    actor: Actor,
) -> Result<User, StoreError> {
    let user = require(store, username)?;
    let tx = store.write()?;
    tx.execute(
        "UPDATE users SET password_hash = ?1, totp_secret = ?2, totp_last_step = 0,
                failed_logins = 0, locked_until = NULL WHERE id = ?3",
        params![password_hash, totp_secret, user.id],
    )?;
    tx.execute("DELETE FROM sessions WHERE user_id = ?1", params![user.id])?;
    events::record(
        &tx,
        None,
        actor,
        "user_reset",
        &serde_json::json!({"user": user.id}),
    )?;
    tx.commit()?;
    Ok(user)
}

/// Disables (or re-enables) an account; disabling ends its sessions.
pub fn set_disabled(
    store: &mut Store,
    username: &str,
    disabled: bool,
    actor: Actor,
) -> Result<User, StoreError> {
    let user = require(store, username)?;
    let tx = store.write()?;
    tx.execute(
        "UPDATE users SET disabled = ?1 WHERE id = ?2",
        params![disabled, user.id],
    )?;
    if disabled {
        tx.execute("DELETE FROM sessions WHERE user_id = ?1", params![user.id])?;
    }
    events::record(
        &tx,
        None,
        actor,
        if disabled {
            "user_disable"
        } else {
            "user_enable"
        },
        &serde_json::json!({"user": user.id}),
    )?;
    tx.commit()?;
    Ok(user)
}

/// Changes a user's role and (when given) units; ends their sessions so the
/// new rights apply at once.
pub fn set_role(
    store: &mut Store,
    username: &str,
    role: Role,
    units: Option<&[UnitId]>,
    actor: Actor,
) -> Result<User, StoreError> {
    let user = require(store, username)?;
    let tx = store.write()?;
    tx.execute(
        "UPDATE users SET role = ?1 WHERE id = ?2",
        params![role.as_str(), user.id],
    )?;
    if let Some(units) = units {
        tx.execute(
            "DELETE FROM user_units WHERE user_id = ?1",
            params![user.id],
        )?;
        for unit in units {
            tx.execute(
                "INSERT INTO user_units (user_id, unit) VALUES (?1, ?2)",
                params![user.id, unit.as_str()],
            )?;
        }
    }
    tx.execute("DELETE FROM sessions WHERE user_id = ?1", params![user.id])?;
    events::record(
        &tx,
        None,
        actor,
        "user_role",
        &serde_json::json!({"user": user.id, "role": role.as_str()}),
    )?;
    tx.commit()?;
    require(store, username)
}

/// Lifts a lockout (and clears the failure count) without touching the
/// credentials.
pub fn unlock(store: &mut Store, username: &str, actor: Actor) -> Result<User, StoreError> {
    let user = require(store, username)?;
    let tx = store.write()?;
    tx.execute(
        "UPDATE users SET failed_logins = 0, locked_until = NULL WHERE id = ?1",
        params![user.id],
    )?;
    events::record(
        &tx,
        None,
        actor,
        "user_unlock",
        &serde_json::json!({"user": user.id}),
    )?;
    tx.commit()?;
    Ok(user)
}
