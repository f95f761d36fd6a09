//! Digital deliveries: e-mail files (`.eml`) and SvarInn forsendelser (a zip
//! of documents with SvarInn's JSON metadata). One delivery is one item with
//! several documents (the e-mail body, each attachment).
//!
//! A delivery is read in two steps. First it is taken apart in memory under
//! limits ([`email`], [`svarinn`]) into a [`Parsed`] delivery: header facts,
//! the body as plain text, and each attachment's bytes. Then [`printout`]
//! lays it out as one PDF that reads like the printed e-mail used to (header
//! block, body, then the attachments' pages) and that PDF, stored beside the
//! original in the content store, is what the existing PDF reader extracts:
//! the body pages have a text layer (never OCR'd), scanned attachments are
//! OCR'd, the board renders its pages, and the case system later fetches it.
//!
//! **Invariant:** nothing declared by the sender is trusted: attachment types
//! are sniffed from their bytes, every size and count is limited before the
//! bytes are decoded, and a part that cannot be read becomes a listed,
//! flagged document instead of a refusal of the whole delivery.
//! **Invariant:** the original delivery is never changed; the printout is a
//! separate file `<content>.utskrift.pdf`.

pub mod email;
pub mod msg;
pub mod printout;
pub mod read;
pub mod sidecar;
pub mod svarinn;

use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use serde::Serialize;

use super::Rejection;
use crate::item::RejectCode;
use crate::string_enum::string_enum;

/// How deep forwarded e-mails inside e-mails are read.
pub const MAX_NESTING: u8 = 3;
/// Attachments read (and printed) per delivery; the rest are listed and flagged.
pub const MAX_READ_ATTACHMENTS: usize = 50;
/// Attachments listed per delivery; beyond this only a count is kept.
pub const MAX_LISTED_ATTACHMENTS: usize = 1000;
/// Body pages printed; a longer body is cut with a note.
pub const MAX_BODY_CHARS: usize = 200_000;

string_enum! {
    /// What kind of delivery an item is; shown as the queue's *Kilde*.
    /// Stored as `svarut`, while JSON says `svar_ut` (serde's snake_case):
    /// both are contracts now.
    #[derive(Serialize)]
    #[serde(rename_all = "snake_case")]
    pub enum DeliveryKind("delivery kind") {
        Email => "email",
        SvarUt => "svarut",
    }
}

impl DeliveryKind {
    /// The *Kilde* label on the board.
    pub fn label_nb(self) -> &'static str {
        match self {
            DeliveryKind::Email => "e-post",
            DeliveryKind::SvarUt => "SvarUt",
        }
    }
}

/// The facts of a delivery as stored with its item (no letter text beyond
/// what the board shows of the e-mail itself).
#[derive(Debug, Clone, Serialize)]
pub struct Delivery {
    pub kind: DeliveryKind,
    pub from_name: Option<String>,
    pub from_address: Option<String>,
    pub to: Vec<String>,
    pub cc: Vec<String>,
    /// The e-mail's own `Date:` or SvarInn's `dokumentetsDato`/`date`.
    pub date: Option<DateTime<Utc>>,
    pub subject: Option<String>,
    pub message_id: Option<String>,
    /// The sender's reference (SvarInn `eksternRef`, their case number).
    pub sender_reference: Option<String>,
    /// SvarInn's forsendelse id.
    pub forsendelse_id: Option<String>,
    /// The body as plain text (HTML converted), as shown on the board.
    pub body: String,
    pub documents: Vec<DocumentEntry>,
    /// Norwegian notes for staff about parts that could not be read.
    pub notes: Vec<String>,
}

impl Delivery {
    /// The sender as the journal card wants it: "Name <address>" or either.
    pub fn sender(&self) -> Option<String> {
        match (&self.from_name, &self.from_address) {
            (Some(n), Some(a)) => Some(format!("{n} <{a}>")),
            (Some(n), None) => Some(n.clone()),
            (None, Some(a)) => Some(a.clone()),
            (None, None) => None,
        }
    }
}

/// One document of a delivery: the body or an attachment.
#[derive(Debug, Clone, Serialize)]
pub struct DocumentEntry {
    /// `body`, `attachment`, or `email` for a forwarded e-mail inside it.
    pub role: &'static str,
    pub name: String,
    /// Sniffed from the bytes, or the declared type when not readable.
    pub media_type: String,
    pub size: u64,
    /// 1 for attachments of the delivery, 2 inside a forwarded e-mail, …
    pub depth: u8,
    /// First page in the printout (1-based) and number of pages; 0 when not printed.
    pub first_page: u32,
    pub page_count: u32,
    /// Why this document was not read, in Norwegian; `None` when read.
    pub flag: Option<String>,
}

/// A delivery taken apart in memory, ready to be printed.
pub struct Parsed {
    pub delivery: Delivery,
    /// Attachments in order, each with its bytes when they are to be printed.
    pub parts: Vec<Part>,
}

/// One readable or listed attachment.
pub struct Part {
    pub entry: DocumentEntry,
    pub content: PartContent,
}

pub enum PartContent {
    /// Sniffed as a PDF or image: printed page by page.
    Printable(Vec<u8>),
    /// A forwarded e-mail: printed as its own header block and body, then
    /// its attachments (already flattened into the following parts).
    Email(Box<Delivery>),
    /// Listed only (unsupported type, over a limit, unreadable).
    Listed,
}

/// What a file in the digital share is, from its first bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Eml,
    /// Outlook `.msg` (an OLE compound file).
    Msg,
    /// `winmail.dat` (TNEF).
    Tnef,
    Zip,
    /// DER CMS `EnvelopedData`: still encrypted for the receiving system.
    CmsEnveloped,
}

/// The first bytes of an OLE compound file (Outlook `.msg`, old Office).
pub const OLE_MAGIC: [u8; 8] = [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];

/// DER encoding of the OID 1.2.840.113549.1.7.3 (pkcs7-envelopedData).
const ENVELOPED_DATA_OID: &[u8] = &[
    0x06, 0x09, 0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 0x01, 0x07, 0x03,
];

/// Header names an e-mail file starts with (RFC 5322 and what servers add).
const MAIL_HEADERS: &[&str] = &[
    "from",
    "to",
    "cc",
    "subject",
    "date",
    "message-id",
    "mime-version",
    "received",
    "return-path",
    "delivered-to",
    "reply-to",
    "sender",
    "content-type",
    "x-",
    "dkim-signature",
    "arc-",
    "authentication-results",
    "thread-topic",
    "thread-index",
    "in-reply-to",
    "references",
    "importance",
    "user-agent",
];

/// Recognises a delivery format from the first bytes of a file; `None` for
/// everything else (PDFs and images go through the ordinary readers).
pub fn detect(head: &[u8]) -> Option<Format> {
    if head.starts_with(&OLE_MAGIC) {
        return Some(Format::Msg);
    }
    if head.starts_with(&[0x78, 0x9F, 0x3E, 0x22]) {
        return Some(Format::Tnef);
    }
    if head.starts_with(b"PK\x03\x04") {
        return Some(Format::Zip);
    }
    if is_cms_enveloped(head) {
        return Some(Format::CmsEnveloped);
    }
    if looks_like_email(head) {
        return Some(Format::Eml);
    }
    None
}

/// A DER SEQUENCE whose content type (the first element of `ContentInfo`)
/// is `envelopedData`.
pub fn is_cms_enveloped(head: &[u8]) -> bool {
    if head.first() != Some(&0x30) {
        return false;
    }
    // Skip the SEQUENCE's length (short or long form); the OID follows.
    let Some(&len) = head.get(1) else {
        return false;
    };
    let start = if len < 0x80 {
        2
    } else {
        2 + usize::from(len & 0x7F)
    };
    head.get(start..start + ENVELOPED_DATA_OID.len()) == Some(ENVELOPED_DATA_OID)
}

/// The first lines are RFC 5322 header fields and at least one of them is a
/// header every e-mail has (From, Date, Subject, Message-ID, Received).
fn looks_like_email(head: &[u8]) -> bool {
    if head.windows(5).take(1024).any(|w| w == b"%PDF-") {
        return false;
    }
    let text = String::from_utf8_lossy(&head[..head.len().min(8192)]);
    let mut fields = 0;
    let mut essential = false;
    for line in text.lines().take(60) {
        if line.is_empty() {
            break;
        }
        if line.starts_with([' ', '\t']) {
            continue; // folded continuation of the previous field
        }
        let Some((name, _)) = line.split_once(':') else {
            return false;
        };
        let name = name.to_ascii_lowercase();
        if name.is_empty() || !name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-') {
            return false;
        }
        // Unknown fields are fine as long as known ones are present too.
        if MAIL_HEADERS
            .iter()
            .any(|h| name == *h || (h.ends_with('-') && name.starts_with(h)))
        {
            fields += 1;
        }
        essential |= matches!(
            name.as_str(),
            "from" | "date" | "subject" | "message-id" | "received"
        );
    }
    fields >= 2 && essential
}

/// Reads the first bytes of `path` for [`detect`].
pub fn detect_path(path: &Path) -> Result<Option<Format>, Rejection> {
    use std::io::Read;
    let mut head = Vec::with_capacity(8192);
    std::fs::File::open(path)
        .and_then(|f| f.take(8192).read_to_end(&mut head))
        .map_err(|e| super::io_rejection(&e))?;
    Ok(detect(&head))
}

/// The printout beside a delivery's content copy.
pub fn printout_path(content: &Path) -> PathBuf {
    let mut name = content.as_os_str().to_owned();
    name.push(".utskrift.pdf");
    PathBuf::from(name)
}

/// The files the intake keeps beside a content copy: its printout and its
/// SvarInn sidecar. They hold content too, and go when the copy goes.
pub fn companions(content: &Path) -> [PathBuf; 2] {
    [
        printout_path(content),
        sidecar::candidates(content).remove(0),
    ]
}

/// Refusals for formats that are recognised but not read.
pub fn refusal(format: Format) -> Option<Rejection> {
    match format {
        Format::CmsEnveloped => Some(Rejection::new(
            RejectCode::Encrypted,
            "Filen er fortsatt kryptert for fagsystemets sertifikat (SvarInn, CMS). \
             Den må lastes ned dekryptert før postmottak kan lese den.",
        )),
        Format::Tnef => Some(Rejection::new(
            RejectCode::Unsupported,
            "Dette er en winmail.dat-fil (Outlook TNEF) som ikke kan leses. \
             Be avsender sende på nytt som vanlig e-post med PDF-vedlegg.",
        )),
        Format::Eml | Format::Msg | Format::Zip => None,
    }
}

/// A short Norwegian description of a media type for the attachment list.
pub fn type_label(media_type: &str) -> &str {
    match media_type {
        "application/pdf" => "PDF",
        "image/png" => "PNG-bilde",
        "image/jpeg" => "JPEG-bilde",
        "image/tiff" => "TIFF-bilde",
        "message/rfc822" => "e-post",
        _ => media_type,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn detects_formats_by_content() {
        assert_eq!(
            detect(b"From: A <a@b.no>\r\nTo: c@d.no\r\nSubject: x\r\n\r\nbody"),
            Some(Format::Eml)
        );
        assert_eq!(
            detect(b"Received: from x\r\n\tby y\r\nDate: Mon, 2 Nov 2026 10:00:00 +0100\r\n\r\n"),
            Some(Format::Eml)
        );
        assert_eq!(detect(b"%PDF-1.7\nFrom: x\n"), None);
        assert_eq!(detect(b"Hei, dette er et brev: les det\n"), None);
        assert_eq!(detect(b"PK\x03\x04...."), Some(Format::Zip));
        let mut cms = vec![0x30, 0x82, 0x01, 0x00];
        cms.extend_from_slice(ENVELOPED_DATA_OID);
        assert_eq!(detect(&cms), Some(Format::CmsEnveloped));
        assert_eq!(
            detect(&[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1, 0, 0]),
            Some(Format::Msg)
        );
        assert_eq!(detect(&[0x78, 0x9F, 0x3E, 0x22, 1, 0]), Some(Format::Tnef));
    }
}
