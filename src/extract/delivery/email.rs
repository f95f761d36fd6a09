//! `.eml` files (RFC 5322 + MIME) through `mail-parser`: header facts, the
//! body as plain text (HTML converted to text, never kept as HTML), and the
//! attachments, forwarded e-mails read recursively up to [`MAX_NESTING`].
//!
//! mail-parser decodes quoted-printable and base64, RFC 2047 encoded words
//! and the charsets Norwegian mail uses (UTF-8, ISO-8859-1/-15,
//! Windows-1252) and never fails on malformed MIME: what it could not make
//! sense of becomes text or an unnamed part, which we list and flag.

use chrono::{TimeZone, Utc};
use mail_parser::{Address, Message, MessageParser, MimeHeaders, PartType};

use super::{
    Delivery, DeliveryKind, DocumentEntry, Parsed, Part, PartContent, MAX_BODY_CHARS,
    MAX_LISTED_ATTACHMENTS, MAX_NESTING, MAX_READ_ATTACHMENTS,
};
use crate::extract::sniff;
use crate::extract::{corrupt, Rejection};

/// Limits for the parts of one delivery.
#[derive(Debug, Clone, Copy)]
pub struct PartLimits {
    /// Largest attachment that is read (bigger ones are listed and flagged).
    pub max_part_bytes: u64,
}

/// Parses an e-mail file's bytes into a delivery with its parts.
pub fn parse(bytes: &[u8], limits: PartLimits) -> Result<Parsed, Rejection> {
    let message = MessageParser::default().parse(bytes).ok_or_else(corrupt)?;
    let mut parts = Vec::new();
    let mut counter = Counter::default();
    let delivery = read_message(&message, 1, limits, &mut parts, &mut counter);
    let mut delivery = delivery;
    add_count_notes(&mut delivery, &counter);
    Ok(Parsed { delivery, parts })
}

/// Notes for attachments beyond the listing and reading limits.
pub(super) fn add_count_notes(delivery: &mut Delivery, counter: &Counter) {
    if counter.listed_only > 0 {
        delivery.notes.push(format!(
            "E-posten har {} vedlegg til som ikke er listet (grensen er {MAX_LISTED_ATTACHMENTS}).",
            counter.listed_only
        ));
    }
    if counter.not_read > 0 {
        delivery.notes.push(format!(
            "{} vedlegg er ikke lest fordi e-posten har mer enn {MAX_READ_ATTACHMENTS} vedlegg. \
             Originalen er tatt vare på.",
            counter.not_read
        ));
    }
}

#[derive(Default)]
pub(super) struct Counter {
    pub attachments: usize,
    pub read: usize,
    pub not_read: usize,
    pub listed_only: usize,
}

fn addresses(a: Option<&Address<'_>>) -> Vec<String> {
    a.map(|a| {
        a.iter()
            .map(|addr| match (addr.name(), addr.address()) {
                (Some(n), Some(a)) => format!("{n} <{a}>"),
                (Some(n), None) => n.to_owned(),
                (None, Some(a)) => a.to_owned(),
                (None, None) => String::new(),
            })
            .filter(|s| !s.is_empty())
            .collect()
    })
    .unwrap_or_default()
}

/// Reads one message (the delivery, or a forwarded e-mail at `depth` > 1)
/// and appends its attachments to `parts`.
fn read_message(
    message: &Message<'_>,
    depth: u8,
    limits: PartLimits,
    parts: &mut Vec<Part>,
    counter: &mut Counter,
) -> Delivery {
    let from = message.from().and_then(|a| a.first());
    let mut notes = Vec::new();
    let mut body = body_text(message);
    if body.chars().count() > MAX_BODY_CHARS {
        body = body.chars().take(MAX_BODY_CHARS).collect();
        notes.push(
            "Teksten i e-posten er for lang og er kuttet; originalen er tatt vare på.".into(),
        );
    }
    let date = message
        .date()
        .and_then(|d| Utc.timestamp_opt(d.to_timestamp(), 0).single());
    let delivery = Delivery {
        kind: DeliveryKind::Email,
        from_name: from
            .and_then(|f| f.name())
            .map(clean)
            .filter(|s| !s.is_empty()),
        from_address: from
            .and_then(|f| f.address())
            .map(clean)
            .filter(|s| !s.is_empty()),
        to: addresses(message.to()),
        cc: addresses(message.cc()),
        date,
        subject: message.subject().map(clean).filter(|s| !s.is_empty()),
        message_id: message.message_id().map(clean),
        sender_reference: None,
        forsendelse_id: None,
        body,
        documents: Vec::new(),
        notes,
    };
    for part in message.attachments() {
        counter.attachments += 1;
        if counter.attachments > MAX_LISTED_ATTACHMENTS {
            counter.listed_only += 1;
            continue;
        }
        let name = part
            .attachment_name()
            .map(clean)
            .filter(|n| !n.is_empty())
            .unwrap_or_else(|| format!("vedlegg {}", counter.attachments));
        let declared = part
            .content_type()
            .map(|ct| match ct.subtype() {
                Some(sub) => format!("{}/{}", ct.ctype(), sub),
                None => ct.ctype().to_owned(),
            })
            .unwrap_or_else(|| "application/octet-stream".into())
            .to_ascii_lowercase();
        let contents = part.contents();
        let size = contents.len() as u64;
        let mut entry = DocumentEntry {
            role: "attachment",
            name,
            media_type: declared.clone(),
            size,
            depth,
            first_page: 0,
            page_count: 0,
            flag: None,
        };
        if let PartType::Message(inner) = &part.body {
            entry.role = "email";
            entry.media_type = "message/rfc822".into();
            if depth >= MAX_NESTING {
                entry.flag = Some(format!(
                    "Videresendt e-post i mer enn {MAX_NESTING} ledd er ikke lest."
                ));
                parts.push(Part {
                    entry,
                    content: PartContent::Listed,
                });
                continue;
            }
            let index = parts.len();
            parts.push(Part {
                entry,
                content: PartContent::Listed,
            });
            let forwarded = read_message(inner, depth + 1, limits, parts, counter);
            parts[index].content = PartContent::Email(Box::new(forwarded));
            continue;
        }
        // An Outlook message attached to the e-mail is read like a
        // forwarded one (an Office file that is no message stays listed).
        if contents.starts_with(&super::OLE_MAGIC)
            && depth < MAX_NESTING
            && size <= limits.max_part_bytes
        {
            if let Some(inner) = super::msg::parse_at(contents, limits, depth + 1)
                .ok()
                .filter(|m| m.delivery.subject.is_some() || m.delivery.from_address.is_some())
            {
                entry.role = "email";
                entry.media_type = "application/vnd.ms-outlook".into();
                parts.push(Part {
                    entry,
                    content: PartContent::Email(Box::new(inner.delivery)),
                });
                parts.extend(inner.parts);
                continue;
            }
        }
        parts.push(file_part(entry, contents, limits, counter));
    }
    delivery
}

/// An attached file: printed when its bytes are a PDF or an image within
/// the limits, else listed with the reason.
pub(super) fn file_part(
    mut entry: DocumentEntry,
    contents: &[u8],
    limits: PartLimits,
    counter: &mut Counter,
) -> Part {
    if entry.size > limits.max_part_bytes {
        entry.flag = Some(format!(
            "Vedlegget er for stort til å leses ({} MB; grensen er {} MB).",
            entry.size / (1024 * 1024),
            limits.max_part_bytes / (1024 * 1024)
        ));
        return Part {
            entry,
            content: PartContent::Listed,
        };
    }
    let content = match sniff::sniff_bytes(&contents[..contents.len().min(1024)]) {
        Ok(kind) => {
            // The bytes decide, whatever the Content-Type claims.
            entry.media_type = kind.media_type().into();
            if counter.read >= MAX_READ_ATTACHMENTS {
                counter.not_read += 1;
                entry.flag = Some("Ikke lest: for mange vedlegg i e-posten.".into());
                PartContent::Listed
            } else {
                counter.read += 1;
                PartContent::Printable(contents.to_vec())
            }
        }
        Err(_) => {
            entry.flag = Some(unreadable_reason(&entry.name, contents));
            PartContent::Listed
        }
    };
    Part { entry, content }
}

/// Why an attachment is only listed, in words a clerk can act on.
fn unreadable_reason(name: &str, contents: &[u8]) -> String {
    let lower = name.to_ascii_lowercase();
    if contents.starts_with(&[0x78, 0x9F, 0x3E, 0x22]) || lower == "winmail.dat" {
        "winmail.dat (Outlook TNEF) kan ikke leses; be avsender sende vedleggene som PDF.".into()
    } else if contents.starts_with(&[0xD0, 0xCF, 0x11, 0xE0]) {
        "Outlook- eller Office-fil som ikke leses; åpne originalen.".into()
    } else if contents.starts_with(b"PK\x03\x04") {
        "Zip- eller Office-fil som ikke leses; åpne originalen.".into()
    } else if contents.is_empty() {
        "Vedlegget er tomt.".into()
    } else {
        "Filtypen leses ikke (bare PDF, PNG, JPEG og TIFF); åpne originalen.".into()
    }
}

/// The body as plain text: the text/plain part when there is one, else the
/// HTML part converted to text by mail-parser (tags dropped, entities
/// decoded). Several body parts are joined.
fn body_text(message: &Message<'_>) -> String {
    let mut texts = Vec::new();
    let count = message.text_body_count().max(message.html_body_count());
    for i in 0..count {
        if let Some(text) = message.body_text(i) {
            let text = text.trim().to_owned();
            if !text.is_empty() {
                texts.push(text);
            }
        }
    }
    let joined = texts.join("\n\n");
    joined.replace("\r\n", "\n").replace('\r', "\n")
}

/// Header text without control characters (a header may carry anything).
pub(super) fn clean(s: &str) -> String {
    s.chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect::<String>()
        .trim()
        .to_owned()
}
