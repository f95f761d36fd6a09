//! SvarInn deliveries (KS Fiks SvarUt → the municipality): a zip of one or
//! more documents plus SvarInn's forsendelse metadata as JSON. The metadata
//! is taken as given facts (title, sender, the document's date, the sender's
//! reference) over what OCR would guess, and every file's `sha256hash` is
//! checked against its bytes.
//!
//! The zip is read in memory only (nothing is unpacked to disk, so no entry
//! name can reach outside the content store) under limits on the number of
//! entries, the total unpacked size and the packing ratio (zip bombs). An
//! entry's real size is counted while it is read, never taken from its
//! header. A file still CMS-encrypted for the receiving system refuses the
//! whole delivery: it must be downloaded decrypted.

use std::io::{Cursor, Read};

use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use serde::Deserialize;

use super::{
    is_cms_enveloped, refusal, Delivery, DeliveryKind, DocumentEntry, Format, Parsed, Part,
    PartContent,
};
use crate::extract::sniff;
use crate::extract::Rejection;
use crate::item::{RejectCode, Sha256};

/// Entries a zip may hold.
pub const MAX_ENTRIES: usize = 200;
/// Largest unpacked-to-packed ratio of an entry (text compresses ~10×).
pub const MAX_RATIO: u64 = 200;

/// SvarInn's forsendelse as far as postmottak uses it. Unknown fields are
/// ignored: SvarInn adds fields over time.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Forsendelse {
    pub id: Option<String>,
    pub tittel: Option<String>,
    /// Epoch milliseconds.
    pub date: Option<i64>,
    pub avsender: Option<Party>,
    pub mottaker: Option<Party>,
    pub svar_pa_forsendelse: Option<String>,
    pub forsendelse_type: Option<String>,
    pub ekstern_ref: Option<String>,
    pub filmetadata: Vec<FileMeta>,
    pub metadata_fra_avleverende_system: Option<SystemMeta>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct Party {
    pub navn: Option<String>,
    pub adresselinje1: Option<String>,
    pub adresselinje2: Option<String>,
    pub adresselinje3: Option<String>,
    pub postnr: Option<String>,
    pub poststed: Option<String>,
    pub orgnr: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct FileMeta {
    pub filnavn: String,
    pub mimetype: Option<String>,
    pub sha256hash: Option<String>,
    pub dokument_type: Option<String>,
    pub size: Option<u64>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct SystemMeta {
    pub saksaar: Option<serde_json::Value>,
    pub sakssekvensnummer: Option<serde_json::Value>,
    pub journalpostnummer: Option<serde_json::Value>,
    pub dokumentets_dato: Option<serde_json::Value>,
    pub tittel: Option<String>,
    pub saks_behandler: Option<String>,
}

/// Does this JSON look like a SvarInn forsendelse?
pub fn is_forsendelse(bytes: &[u8]) -> bool {
    serde_json::from_slice::<serde_json::Value>(bytes)
        .ok()
        .and_then(|v| v.as_object().map(|o| o.contains_key("filmetadata")))
        .unwrap_or(false)
}

/// Reads a zip delivery: its JSON metadata (if any) and its documents.
pub fn parse_zip(bytes: &[u8], max_total: u64) -> Result<Parsed, Rejection> {
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).map_err(|_| {
        // A broken zip that names no JSON file was never a SvarInn delivery
        // (a damaged Office document, say): unsupported, not corrupt.
        if bytes.windows(5).any(|w| w.eq_ignore_ascii_case(b".json")) {
            Rejection::new(RejectCode::Corrupt, "Zip-filen er skadet.")
        } else {
            not_svarinn()
        }
    })?;
    // Office documents (.docx, .odt) are zips too: without SvarInn's
    // metadata a zip is not a delivery we know how to read, and nothing in
    // it is unpacked.
    if !zip
        .file_names()
        .any(|n| n.to_ascii_lowercase().ends_with(".json"))
    {
        return Err(not_svarinn());
    }
    if zip.len() > MAX_ENTRIES {
        return Err(Rejection::new(
            RejectCode::TooLarge,
            format!(
                "Zip-filen har {} filer (grensen er {MAX_ENTRIES}).",
                zip.len()
            ),
        ));
    }
    let mut files: Vec<(String, Vec<u8>)> = Vec::new();
    let mut total = 0u64;
    for i in 0..zip.len() {
        let mut entry = zip
            .by_index(i)
            .map_err(|_| Rejection::new(RejectCode::Corrupt, "Zip-filen er skadet."))?;
        if entry.is_dir() {
            continue;
        }
        let name = entry.name().replace('\\', "/");
        // Only the last part of a name is kept: nothing is unpacked to disk,
        // and a "../" in a name must not reach a file name we write later.
        let name = name
            .rsplit('/')
            .next()
            .unwrap_or_default()
            .chars()
            .filter(|c| !c.is_control())
            .collect::<String>();
        if name.is_empty() || name == "." || name == ".." {
            return Err(Rejection::new(
                RejectCode::Corrupt,
                "Zip-filen har en fil med ugyldig navn.",
            ));
        }
        let budget = max_total.saturating_sub(total);
        let packed = entry.compressed_size().max(1);
        let mut data = Vec::new();
        (&mut entry)
            .take(budget + 1)
            .read_to_end(&mut data)
            .map_err(|_| Rejection::new(RejectCode::Corrupt, "Zip-filen er skadet."))?;
        let unpacked = data.len() as u64;
        if unpacked > budget {
            return Err(Rejection::new(
                RejectCode::TooLarge,
                format!(
                    "Innholdet i zip-filen er for stort utpakket (grensen er {} MB).",
                    max_total / (1024 * 1024)
                ),
            ));
        }
        if unpacked > 1024 * 1024 && unpacked / packed > MAX_RATIO {
            return Err(Rejection::new(
                RejectCode::TooLarge,
                "Zip-filen pakker ut til mange ganger sin egen størrelse (mulig zip-bombe).",
            ));
        }
        total += unpacked;
        files.push((name, data));
    }
    if files.iter().any(|(_, data)| is_cms_enveloped(data)) {
        return Err(refusal(Format::CmsEnveloped).unwrap_or_else(crate::extract::corrupt));
    }
    let meta_index = files.iter().position(|(name, data)| {
        name.to_ascii_lowercase().ends_with(".json") && is_forsendelse(data)
    });
    let Some(i) = meta_index else {
        return Err(not_svarinn());
    };
    let meta: Forsendelse = serde_json::from_slice(&files.remove(i).1).map_err(|_| {
        Rejection::new(
            RejectCode::Corrupt,
            "Metadata fra SvarInn (JSON) kan ikke leses.",
        )
    })?;
    Ok(build(Some(meta), files))
}

fn not_svarinn() -> Rejection {
    Rejection::new(
        RejectCode::Unsupported,
        "Zip-filen er ikke en SvarInn-forsendelse (mangler metadata i JSON), eller den er \
         et Office-dokument. Godtatt: PDF, PNG, JPEG, TIFF, e-post (.eml, .msg) og \
         SvarInn-forsendelser.",
    )
}

/// A single document with its SvarInn JSON beside it (sidecar).
pub fn parse_with_sidecar(name: &str, bytes: Vec<u8>, json: &[u8]) -> Result<Parsed, Rejection> {
    let meta: Forsendelse = serde_json::from_slice(json).map_err(|_| {
        Rejection::new(
            RejectCode::Corrupt,
            "Metadata fra SvarInn (JSON) kan ikke leses.",
        )
    })?;
    // The metadata names the file; the copy we read may be named otherwise
    // (the content store names files by hash).
    let name = match meta.filmetadata.as_slice() {
        [only] => only.filnavn.clone(),
        _ => name.to_owned(),
    };
    Ok(build(Some(meta), vec![(name, bytes)]))
}

fn text(v: &Option<serde_json::Value>) -> Option<String> {
    match v.as_ref()? {
        serde_json::Value::String(s) if !s.is_empty() => Some(s.clone()),
        serde_json::Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// `dokumentetsDato` comes as epoch milliseconds or as an ISO date.
fn date_value(v: &Option<serde_json::Value>) -> Option<DateTime<Utc>> {
    match v.as_ref()? {
        serde_json::Value::Number(n) => n.as_i64().and_then(from_ms),
        serde_json::Value::String(s) => s
            .get(..10)
            .and_then(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok())
            .and_then(|d| d.and_hms_opt(12, 0, 0))
            .map(|t| Utc.from_utc_datetime(&t)),
        _ => None,
    }
}

fn from_ms(ms: i64) -> Option<DateTime<Utc>> {
    Utc.timestamp_millis_opt(ms).single()
}

fn address(p: &Party) -> Option<String> {
    let mut lines: Vec<String> = [&p.adresselinje1, &p.adresselinje2, &p.adresselinje3]
        .into_iter()
        .flatten()
        .filter(|l| !l.trim().is_empty())
        .cloned()
        .collect();
    let place = [p.postnr.as_deref(), p.poststed.as_deref()]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join(" ");
    if !place.trim().is_empty() {
        lines.push(place);
    }
    (!lines.is_empty()).then(|| lines.join(", "))
}

fn build(meta: Option<Forsendelse>, files: Vec<(String, Vec<u8>)>) -> Parsed {
    let meta = meta.unwrap_or_default();
    let system = meta.metadata_fra_avleverende_system.unwrap_or_default();
    let mut notes = Vec::new();
    if meta.filmetadata.is_empty() {
        notes.push(
            "Forsendelsen mangler metadata fra SvarInn; opplysningene er lest fra dokumentene."
                .into(),
        );
    }
    let reference = meta.ekstern_ref.clone().or_else(|| {
        match (text(&system.saksaar), text(&system.sakssekvensnummer)) {
            (Some(y), Some(n)) => Some(format!("{y}/{n}")),
            _ => None,
        }
    });
    let mut body = Vec::new();
    if let Some(t) = &meta.forsendelse_type {
        body.push(format!("Forsendelsestype: {t}"));
    }
    if let Some(t) = &meta.svar_pa_forsendelse {
        body.push(format!("Svar på forsendelse: {t}"));
    }
    if let (Some(y), Some(n)) = (text(&system.saksaar), text(&system.sakssekvensnummer)) {
        body.push(format!("Avsenders saksnummer: {y}/{n}"));
    }
    if let Some(j) = text(&system.journalpostnummer) {
        body.push(format!("Avsenders journalpostnummer: {j}"));
    }
    if let Some(s) = &system.saks_behandler {
        body.push(format!("Saksbehandler hos avsender: {s}"));
    }
    let avsender = meta.avsender.unwrap_or_default();
    let mottaker = meta.mottaker.unwrap_or_default();
    let mut parts = Vec::new();
    let mut listed: Vec<String> = Vec::new();
    // Files in the order SvarInn lists them, then any the metadata misses.
    let mut order: Vec<(String, Option<&FileMeta>)> = meta
        .filmetadata
        .iter()
        .map(|f| (f.filnavn.clone(), Some(f)))
        .collect();
    for (name, _) in &files {
        if !order.iter().any(|(n, _)| n == name) {
            order.push((name.clone(), None));
        }
    }
    for (name, fm) in order {
        let data = files.iter().find(|(n, _)| *n == name).map(|(_, d)| d);
        let mut entry = DocumentEntry {
            role: "attachment",
            name: name.clone(),
            media_type: fm
                .and_then(|f| f.mimetype.clone())
                .unwrap_or_else(|| "application/octet-stream".into()),
            size: data
                .map(|d| d.len() as u64)
                .or(fm.and_then(|f| f.size))
                .unwrap_or(0),
            depth: 1,
            first_page: 0,
            page_count: 0,
            flag: None,
        };
        let Some(data) = data else {
            entry.flag =
                Some("Filen er oppført i metadata fra SvarInn, men mangler i forsendelsen.".into());
            parts.push(Part {
                entry,
                content: PartContent::Listed,
            });
            continue;
        };
        if let Some(expected) = fm.and_then(|f| f.sha256hash.as_deref()) {
            if !Sha256::of_bytes(data)
                .to_hex()
                .eq_ignore_ascii_case(expected.trim())
            {
                entry.flag = Some("Sjekksummen (sha256) stemmer ikke med metadata fra SvarInn: filen kan være endret eller skadet.".into());
                notes.push(format!("Sjekksummen stemmer ikke for {name}."));
                parts.push(Part {
                    entry,
                    content: PartContent::Listed,
                });
                continue;
            }
        }
        let content = match sniff::sniff_bytes(&data[..data.len().min(1024)]) {
            Ok(kind) => {
                entry.media_type = kind.media_type().into();
                PartContent::Printable(data.clone())
            }
            Err(_) => {
                entry.flag = Some(
                    "Filtypen leses ikke (bare PDF, PNG, JPEG og TIFF); åpne originalen.".into(),
                );
                PartContent::Listed
            }
        };
        listed.push(name);
        parts.push(Part { entry, content });
    }
    let document_date =
        date_value(&system.dokumentets_dato).or_else(|| meta.date.and_then(from_ms));
    let delivery = Delivery {
        kind: DeliveryKind::SvarUt,
        from_name: avsender.navn.clone(),
        from_address: address(&avsender),
        // A person's fødselsnummer in `mottaker.fnr` is never copied.
        to: mottaker
            .navn
            .iter()
            .map(|n| match &mottaker.orgnr {
                Some(org) => format!("{n} (org.nr. {org})"),
                None => n.clone(),
            })
            .collect(),
        cc: Vec::new(),
        date: document_date,
        subject: meta.tittel.clone().or(system.tittel.clone()),
        message_id: None,
        sender_reference: reference,
        forsendelse_id: meta.id.clone(),
        body: body.join("\n"),
        documents: Vec::new(),
        notes,
    };
    Parsed { delivery, parts }
}
