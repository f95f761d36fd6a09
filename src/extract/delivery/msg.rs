//! Outlook `.msg` files (OLE compound files) through `msg_parser`. That
//! crate is not fuzzed, so it runs under limits: the file size is checked
//! before it is read, and a panic inside it becomes a refusal with a reason
//! instead of taking the worker down.

use chrono::{DateTime, Utc};

use super::email::{add_count_notes, clean, file_part, Counter, PartLimits};
use super::{
    Delivery, DeliveryKind, DocumentEntry, Parsed, Part, PartContent, MAX_BODY_CHARS,
    MAX_LISTED_ATTACHMENTS,
};
use crate::extract::Rejection;
use crate::item::RejectCode;

/// MAPI `PR_ATTACH_METHOD` for an attached (embedded) message.
const ATTACH_EMBEDDED_MESSAGE: u32 = 5;

fn broken() -> Rejection {
    Rejection::new(
        RejectCode::Corrupt,
        "Outlook-meldingen (.msg) er skadet og kan ikke leses. Åpne den i Outlook og lagre \
         den som .eml (Fil → Lagre som), og legg den i mappen på nytt.",
    )
}

fn person(name: &str, email: &str) -> Option<String> {
    match (clean(name), clean(email)) {
        (n, e) if !n.is_empty() && !e.is_empty() && n != e => Some(format!("{n} <{e}>")),
        (n, e) if !e.is_empty() => Some(if n.is_empty() { e } else { n }),
        (n, _) if !n.is_empty() => Some(n),
        _ => None,
    }
}

fn date(outlook: &msg_parser::Outlook) -> Option<DateTime<Utc>> {
    DateTime::parse_from_rfc2822(outlook.headers.date.trim())
        .ok()
        .map(|t| t.with_timezone(&Utc))
        .or_else(|| {
            DateTime::parse_from_rfc3339(outlook.client_submit_time.trim())
                .ok()
                .map(|t| t.with_timezone(&Utc))
        })
}

/// Parses an Outlook message's bytes into a delivery with its parts.
pub fn parse(bytes: &[u8], limits: PartLimits) -> Result<Parsed, Rejection> {
    parse_at(bytes, limits, 1)
}

/// As [`parse`], for a message attached at `depth` (its attachments one deeper).
pub fn parse_at(bytes: &[u8], limits: PartLimits, depth: u8) -> Result<Parsed, Rejection> {
    let outlook = std::panic::catch_unwind(|| msg_parser::Outlook::from_slice(bytes))
        .map_err(|_| broken())?
        .map_err(|_| broken())?;
    let mut notes = Vec::new();
    let mut body = if outlook.body.trim().is_empty() {
        mail_parser::decoders::html::html_to_text(&outlook.html)
    } else {
        outlook.body.clone()
    };
    body = body
        .replace("\r\n", "\n")
        .replace('\r', "\n")
        .trim()
        .to_owned();
    if body.chars().count() > MAX_BODY_CHARS {
        body = body.chars().take(MAX_BODY_CHARS).collect();
        notes.push(
            "Teksten i e-posten er for lang og er kuttet; originalen er tatt vare på.".into(),
        );
    }
    let name = clean(&outlook.sender.name);
    let address = clean(&outlook.sender.email);
    let mut delivery = Delivery {
        kind: DeliveryKind::Email,
        from_name: (!name.is_empty() && name != address).then_some(name),
        from_address: (!address.is_empty()).then_some(address),
        to: outlook
            .to
            .iter()
            .filter_map(|p| person(&p.name, &p.email))
            .collect(),
        cc: outlook
            .cc
            .iter()
            .filter_map(|p| person(&p.name, &p.email))
            .collect(),
        date: date(&outlook),
        subject: Some(clean(&outlook.subject)).filter(|s| !s.is_empty()),
        message_id: Some(clean(&outlook.headers.message_id)).filter(|s| !s.is_empty()),
        sender_reference: None,
        forsendelse_id: None,
        body,
        documents: Vec::new(),
        notes,
    };
    let mut counter = Counter::default();
    let mut parts = Vec::new();
    for a in &outlook.attachments {
        counter.attachments += 1;
        if counter.attachments > MAX_LISTED_ATTACHMENTS {
            counter.listed_only += 1;
            continue;
        }
        let name = [&a.long_file_name, &a.display_name, &a.file_name]
            .into_iter()
            .map(|n| clean(n))
            .find(|n| !n.is_empty())
            .unwrap_or_else(|| format!("vedlegg {}", counter.attachments));
        let mut entry = DocumentEntry {
            role: "attachment",
            name,
            media_type: Some(clean(&a.mime_tag))
                .filter(|m| !m.is_empty())
                .unwrap_or_else(|| "application/octet-stream".into()),
            size: a.payload_bytes.len() as u64,
            depth,
            first_page: 0,
            page_count: 0,
            flag: None,
        };
        if a.attach_method == ATTACH_EMBEDDED_MESSAGE {
            entry.role = "email";
            entry.media_type = "application/vnd.ms-outlook".into();
            entry.flag = Some("Innebygd Outlook-melding leses ikke; åpne originalen.".into());
            parts.push(Part {
                entry,
                content: PartContent::Listed,
            });
            continue;
        }
        parts.push(file_part(entry, &a.payload_bytes, limits, &mut counter));
    }
    add_count_notes(&mut delivery, &counter);
    Ok(Parsed { delivery, parts })
}
