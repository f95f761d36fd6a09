//! Turns a composed notice (subject, text, HTML, optional attachment) into a
//! fully formatted message and queues it in the outbox.
//!
//! **Invariant:** the `Message-ID` is derived from the notice key alone, and
//! the `Date` is the queueing time, so the bytes stored are the bytes every
//! attempt sends: a repeat after a crash is recognisable as the same mail.

use std::time::SystemTime;

use chrono::{DateTime, Utc};
use lettre::message::header::ContentType;
use lettre::message::{Attachment as LettreAttachment, Mailbox, MultiPart};
use lettre::Message;
use sha2::{Digest, Sha256};

use super::MailError;
use crate::store::outbox::NewMail;
use crate::store::Store;

/// A file attached to a notice.
#[derive(Debug, Clone)]
pub struct Attachment {
    pub filename: String,
    pub content_type: String,
    pub bytes: Vec<u8>,
}

/// A notice ready to be addressed and queued.
#[derive(Debug, Clone)]
pub struct Composed {
    /// Unique for the notice, forever: `shelf:2026-09:ready`.
    pub notice_key: String,
    /// Short kind for the outbox: `shelf_ready`, `report_deviation`, …
    pub kind: &'static str,
    pub subject: String,
    pub text: String,
    pub html: String,
    pub attachment: Option<Attachment>,
}

/// The stable Message-ID of a notice: `<hash.postmottak@domain-of-from>`.
pub fn message_id(notice_key: &str, from: &str) -> String {
    let digest = Sha256::digest(notice_key.as_bytes());
    let domain = from
        .rsplit_once('@')
        .map(|(_, d)| d.trim_end_matches('>'))
        .filter(|d| !d.is_empty())
        .unwrap_or("localhost");
    format!("<{}.postmottak@{}>", hex::encode(&digest[..16]), domain)
}

/// `Auto-Submitted: auto-generated` (RFC 3834): out-of-office replies and
/// other automatic responders must not answer it, so no mail loops.
#[derive(Debug, Clone, Copy)]
struct AutoSubmitted;

impl lettre::message::header::Header for AutoSubmitted {
    fn name() -> lettre::message::header::HeaderName {
        lettre::message::header::HeaderName::new_from_ascii_str("Auto-Submitted")
    }

    fn parse(_: &str) -> Result<Self, Box<dyn std::error::Error + Send + Sync>> {
        Ok(AutoSubmitted)
    }

    fn display(&self) -> lettre::message::header::HeaderValue {
        lettre::message::header::HeaderValue::new(Self::name(), "auto-generated".into())
    }
}

fn mailbox(address: &str) -> Result<Mailbox, MailError> {
    address
        .parse()
        .map_err(|_| MailError::BadAddress(address.chars().take(80).collect()))
}

/// The formatted message (RFC 5322 bytes).
pub fn format_message(
    from: &str,
    recipients: &[String],
    notice: &Composed,
    created_at: DateTime<Utc>,
) -> Result<Vec<u8>, MailError> {
    let mut builder = Message::builder()
        .header(AutoSubmitted)
        .from(mailbox(from)?)
        .subject(notice.subject.clone())
        .message_id(Some(message_id(&notice.notice_key, from)))
        .date(SystemTime::from(created_at));
    for to in recipients {
        builder = builder.to(mailbox(to)?);
    }
    let body = MultiPart::alternative_plain_html(notice.text.clone(), notice.html.clone());
    let message = match &notice.attachment {
        None => builder.multipart(body),
        Some(a) => {
            let content_type =
                ContentType::parse(&a.content_type).map_err(|e| MailError::Build(e.to_string()))?;
            let part =
                LettreAttachment::new(a.filename.clone()).body(a.bytes.clone(), content_type);
            builder.multipart(MultiPart::mixed().multipart(body).singlepart(part))
        }
    }
    .map_err(|e| MailError::Build(e.to_string()))?;
    Ok(message.formatted())
}

/// Queues a notice for `recipients` unless it was queued before. Returns
/// whether a new row was written. No recipients: nothing is queued, and the
/// caller is told so it can log it (a notice nobody receives is a config gap).
pub fn enqueue(
    store: &Store,
    from: &str,
    recipients: &[String],
    notice: &Composed,
    now: DateTime<Utc>,
) -> Result<bool, MailError> {
    if recipients.is_empty() || crate::store::outbox::outbox_has_notice(store, &notice.notice_key)?
    {
        return Ok(false);
    }
    let raw = format_message(from, recipients, notice, now)?;
    let id = message_id(&notice.notice_key, from);
    let row = crate::store::outbox::enqueue_mail(
        store,
        &NewMail {
            notice_key: &notice.notice_key,
            kind: notice.kind,
            message_id: &id,
            envelope_from: from,
            recipients,
            subject: &notice.subject,
            raw: &raw,
            created_at: now,
        },
    )?;
    Ok(row.is_some())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn message_ids_are_stable_per_notice_and_distinct_between_notices() {
        let a = message_id("shelf:2026-09:ready", "postmottak@kommune.no");
        assert_eq!(
            a,
            message_id("shelf:2026-09:ready", "postmottak@kommune.no")
        );
        assert_ne!(
            a,
            message_id("shelf:2026-10:ready", "postmottak@kommune.no")
        );
        assert!(a.starts_with('<') && a.ends_with("@kommune.no>"), "{a}");
    }

    #[test]
    fn automated_mail_says_it_is_auto_generated() {
        let notice = Composed {
            notice_key: "k".into(),
            kind: "test",
            subject: "s".into(),
            text: "t".into(),
            html: "<p>t</p>".into(),
            attachment: None,
        };
        let raw = format_message(
            "postmottak@kommune.no",
            &["a@kommune.no".into()],
            &notice,
            Utc::now(),
        )
        .unwrap();
        let raw = String::from_utf8_lossy(&raw);
        assert!(raw.contains("Auto-Submitted: auto-generated\r\n"), "{raw}");
    }
}
