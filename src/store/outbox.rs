//! The durable e-mail outbox.
//!
//! **Invariants:** a mail is a committed row before any attempt to send it;
//! `notice_key` is unique, so a notice is queued at most once however often
//! the scheduler runs; a row is never deleted before it was sent (a trigger
//! enforces it); a sender claims a row with a lease before sending, so two
//! senders never hold the same row at once.
//!
//! Instants here are written by this module only, always as
//! `YYYY-MM-DDTHH:MM:SS.mmmZ`, so text comparison orders them.

use chrono::{DateTime, SecondsFormat, Utc};
use rusqlite::{params, OptionalExtension, Row};

use super::{Result, Store};

/// The outbox's own time format (sortable as text).
pub fn outbox_time(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::Millis, true)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OutboxState {
    Pending,
    Sent,
    /// The server refused the mail for good (5xx): undeliverable.
    Failed,
}

impl OutboxState {
    fn parse(s: &str) -> OutboxState {
        match s {
            "sent" => OutboxState::Sent,
            "failed" => OutboxState::Failed,
            _ => OutboxState::Pending,
        }
    }
}

/// A mail to queue, fully formatted.
#[derive(Debug, Clone)]
pub struct NewMail<'a> {
    pub notice_key: &'a str,
    pub kind: &'a str,
    pub message_id: &'a str,
    pub envelope_from: &'a str,
    pub recipients: &'a [String],
    pub subject: &'a str,
    pub raw: &'a [u8],
    pub created_at: DateTime<Utc>,
}

#[derive(Clone)]
pub struct OutboxRow {
    pub id: i64,
    pub notice_key: String,
    pub kind: String,
    pub message_id: String,
    pub envelope_from: String,
    pub recipients: Vec<String>,
    pub subject: String,
    pub raw: Vec<u8>,
    pub state: OutboxState,
    pub attempts: i64,
    pub next_attempt_at: DateTime<Utc>,
    pub last_error: Option<String>,
    pub created_at: DateTime<Utc>,
    pub sent_at: Option<DateTime<Utc>>,
}

impl std::fmt::Debug for OutboxRow {
    // The formatted message is long and not useful in a log or assertion.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OutboxRow")
            .field("id", &self.id)
            .field("notice_key", &self.notice_key)
            .field("message_id", &self.message_id)
            .field("recipients", &self.recipients)
            .field("subject", &self.subject)
            .field("raw_bytes", &self.raw.len())
            .field("state", &self.state)
            .field("attempts", &self.attempts)
            .field("next_attempt_at", &self.next_attempt_at)
            .field("last_error", &self.last_error)
            .field("sent_at", &self.sent_at)
            .finish()
    }
}

const COLUMNS: &str = "id, notice_key, kind, message_id, envelope_from, recipients, subject, raw,
    state, attempts, next_attempt_at, last_error, created_at, sent_at";

fn outbox_row(r: &Row<'_>) -> rusqlite::Result<OutboxRow> {
    let recipients: String = r.get(5)?;
    let state: String = r.get(8)?;
    Ok(OutboxRow {
        id: r.get(0)?,
        notice_key: r.get(1)?,
        kind: r.get(2)?,
        message_id: r.get(3)?,
        envelope_from: r.get(4)?,
        recipients: serde_json::from_str(&recipients).unwrap_or_default(),
        subject: r.get(6)?,
        raw: r.get(7)?,
        state: OutboxState::parse(&state),
        attempts: r.get(9)?,
        next_attempt_at: r.get(10)?,
        last_error: r.get(11)?,
        created_at: r.get(12)?,
        sent_at: r.get(13)?,
    })
}

/// Whether a notice was ever queued (sent or not).
pub fn outbox_has_notice(store: &Store, notice_key: &str) -> Result<bool> {
    Ok(store
        .conn()
        .query_row(
            "SELECT 1 FROM outbox WHERE notice_key = ?1",
            params![notice_key],
            |_| Ok(()),
        )
        .optional()?
        .is_some())
}

/// When a notice was queued, if it was.
pub fn outbox_notice_created_at(store: &Store, notice_key: &str) -> Result<Option<DateTime<Utc>>> {
    Ok(store
        .conn()
        .query_row(
            "SELECT created_at FROM outbox WHERE notice_key = ?1",
            params![notice_key],
            |r| r.get(0),
        )
        .optional()?)
}

/// Queues a mail unless its notice is already queued. Returns the new row
/// id, or `None` when the notice was there before.
pub fn enqueue_mail(store: &Store, mail: &NewMail<'_>) -> Result<Option<i64>> {
    let now = outbox_time(mail.created_at);
    let recipients = serde_json::Value::from(mail.recipients.to_vec()).to_string();
    let inserted = store.write_one(
        "INSERT INTO outbox (notice_key, kind, message_id, envelope_from, recipients,
                             subject, raw, next_attempt_at, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?8)
         ON CONFLICT(notice_key) DO NOTHING",
        params![
            mail.notice_key,
            mail.kind,
            mail.message_id,
            mail.envelope_from,
            recipients,
            mail.subject,
            mail.raw,
            now
        ],
    )?;
    Ok((inserted == 1).then(|| store.conn().last_insert_rowid()))
}

/// Claims up to `limit` due pending mails until `lease_until`, in one
/// immediate transaction so concurrent senders cannot claim the same row.
pub fn claim_due_mail(
    store: &Store,
    now: DateTime<Utc>,
    lease_until: DateTime<Utc>,
    limit: usize,
) -> Result<Vec<OutboxRow>> {
    let now = outbox_time(now);
    let lease = outbox_time(lease_until);
    let tx = store.write()?;
    let rows = {
        let mut stmt = tx.prepare(&format!(
            "SELECT {COLUMNS} FROM outbox
             WHERE state = 'pending' AND next_attempt_at <= ?1
               AND (claimed_until IS NULL OR claimed_until < ?1)
             ORDER BY next_attempt_at, id LIMIT ?2"
        ))?;
        let rows = stmt
            .query_map(params![now, limit as i64], outbox_row)?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        rows
    };
    for row in &rows {
        tx.execute(
            "UPDATE outbox SET claimed_until = ?1 WHERE id = ?2",
            params![lease, row.id],
        )?;
    }
    tx.commit()?;
    Ok(rows)
}

pub fn mark_mail_sent(store: &Store, id: i64, at: DateTime<Utc>) -> Result<()> {
    store.write_one(
        "UPDATE outbox SET state = 'sent', sent_at = ?1, attempts = attempts + 1,
                claimed_until = NULL, last_error = NULL
         WHERE id = ?2 AND state = 'pending'",
        params![outbox_time(at), id],
    )?;
    Ok(())
}

/// A failed attempt that may succeed later.
pub fn mark_mail_retry(store: &Store, id: i64, error: &str, next_at: DateTime<Utc>) -> Result<()> {
    store.write_one(
        "UPDATE outbox SET attempts = attempts + 1, last_error = ?1,
                next_attempt_at = ?2, claimed_until = NULL
         WHERE id = ?3 AND state = 'pending'",
        params![error, outbox_time(next_at), id],
    )?;
    Ok(())
}

/// The server refused the mail for good; kept, shown as undeliverable.
pub fn mark_mail_failed(store: &Store, id: i64, error: &str) -> Result<()> {
    store.write_one(
        "UPDATE outbox SET state = 'failed', attempts = attempts + 1, last_error = ?1,
                claimed_until = NULL
         WHERE id = ?2 AND state = 'pending'",
        params![error, id],
    )?;
    Ok(())
}

/// Every outbox row, oldest first.
pub fn outbox_rows(store: &Store) -> Result<Vec<OutboxRow>> {
    let mut stmt = store
        .conn()
        .prepare(&format!("SELECT {COLUMNS} FROM outbox ORDER BY id"))?;
    let rows = stmt.query_map([], outbox_row)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Mail refused for good, or still unsent after `min_attempts` tries.
pub fn undeliverable_mail(store: &Store, min_attempts: i64) -> Result<Vec<OutboxRow>> {
    let mut stmt = store.conn().prepare(&format!(
        "SELECT {COLUMNS} FROM outbox
         WHERE state = 'failed' OR (state = 'pending' AND attempts >= ?1)
         ORDER BY id"
    ))?;
    let rows = stmt.query_map(params![min_attempts], outbox_row)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// When the next pending mail is due, if any (the sender sleeps until then).
pub fn next_mail_due(store: &Store) -> Result<Option<String>> {
    Ok(store.conn().query_row(
        "SELECT MIN(next_attempt_at) FROM outbox WHERE state = 'pending'",
        [],
        |r| r.get(0),
    )?)
}
