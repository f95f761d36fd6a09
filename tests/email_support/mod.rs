//! Test e-mails and SvarInn deliveries made on the spot: MIME by hand (so
//! every encoding under test is exactly what the bytes say), base64 and
//! quoted-printable included. All names and numbers are made up.
#![allow(dead_code)]

use base64::Engine;

pub fn b64(bytes: &[u8]) -> String {
    let text = base64::engine::general_purpose::STANDARD.encode(bytes);
    text.as_bytes()
        .chunks(76)
        .map(|c| String::from_utf8_lossy(c).into_owned())
        .collect::<Vec<_>>()
        .join("\r\n")
}

/// An attachment part of a multipart/mixed e-mail.
pub struct Attachment<'a> {
    pub name: &'a str,
    pub content_type: &'a str,
    pub bytes: &'a [u8],
}

/// A multipart/mixed e-mail: headers as given (already encoded), a text
/// body part (`body_headers` says charset and encoding, `body` is already
/// encoded), then the attachments in base64.
pub fn mixed(
    headers: &str,
    body_headers: &str,
    body: &[u8],
    attachments: &[Attachment<'_>],
) -> Vec<u8> {
    let boundary = "==grense-42==";
    let mut out = Vec::new();
    out.extend_from_slice(headers.replace('\n', "\r\n").as_bytes());
    out.extend_from_slice(
        format!(
            "MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"{boundary}\"\r\n\r\n"
        )
        .as_bytes(),
    );
    out.extend_from_slice(format!("--{boundary}\r\n{body_headers}\r\n\r\n").as_bytes());
    out.extend_from_slice(body);
    out.extend_from_slice(b"\r\n");
    for a in attachments {
        out.extend_from_slice(
            format!(
                "--{boundary}\r\nContent-Type: {}; name=\"{}\"\r\nContent-Disposition: attachment; filename=\"{}\"\r\nContent-Transfer-Encoding: base64\r\n\r\n{}\r\n",
                a.content_type,
                a.name,
                a.name,
                b64(a.bytes)
            )
            .as_bytes(),
        );
    }
    out.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
    out
}

/// The standard headers of a test e-mail (subject already encoded).
pub fn headers(from: &str, subject: &str, date: &str) -> String {
    format!(
        "From: {from}\nTo: Postmottak Helse og omsorg <postmottak.helse@example.kommune.no>\nDate: {date}\nSubject: {subject}\nMessage-ID: <test-{}@example.no>\n",
        subject.len()
    )
}

/// Bokmål application with a PDF attachment; the body is ISO-8859-1,
/// quoted-printable, the subject an RFC 2047 encoded word.
pub fn bokmal_with_pdf(pdf: &[u8]) -> Vec<u8> {
    mixed(
        &headers(
            "=?ISO-8859-1?Q?Kari_Nordmann_=F8st?= <kari.nordmann@example.no>",
            "=?ISO-8859-1?Q?S=F8knad_om_praktisk_bistand?=",
            "Thu, 5 Nov 2026 09:15:00 +0100",
        ),
        "Content-Type: text/plain; charset=ISO-8859-1\r\nContent-Transfer-Encoding: quoted-printable",
        b"Hei,\r\n\r\nJeg s=F8ker om praktisk bistand i hjemmet, se vedlagt s=F8knad.=\r\n Hilsen Kari\r\n",
        &[Attachment {
            name: "soknad.pdf",
            content_type: "application/pdf",
            bytes: pdf,
        }],
    )
}

/// A SvarInn forsendelse JSON for the given files (name, bytes).
pub fn forsendelse_json(files: &[(&str, &[u8])], hash_ok: bool) -> String {
    let meta: Vec<serde_json::Value> = files
        .iter()
        .map(|(name, bytes)| {
            let mut hash = postmottak::item::Sha256::of_bytes(bytes).to_hex();
            if !hash_ok {
                hash = hash.replace(&hash[..4], "0000");
            }
            serde_json::json!({
                "filnavn": name, "mimetype": "application/pdf", "sha256hash": hash,
                "dokumentType": "HOVEDDOKUMENT", "size": bytes.len()
            })
        })
        .collect();
    serde_json::json!({
        "id": "0b5c8f2e-1d7a-4c55-9c1e-7f00aa000001",
        "tittel": "Vedtak om helsetjenester i hjemmet",
        "date": 1_793_000_000_000i64,
        "avsender": { "navn": "Eksempel sykehus HF", "adresselinje1": "Postboks 1",
                      "postnr": "0001", "poststed": "OSLO" },
        "mottaker": { "navn": "Eksempel kommune", "orgnr": "999999999" },
        "svarPaForsendelse": null,
        "forsendelseType": "helse",
        "eksternRef": "2026/4711",
        "filmetadata": meta,
        "metadataFraAvleverendeSystem": {
            "saksaar": 2026, "sakssekvensnummer": 4711, "journalpostnummer": 3,
            "dokumentetsDato": "2026-10-30", "tittel": "Vedtak", "saksBehandler": "Ola Eksempel"
        }
    })
    .to_string()
}

/// A zip (deflated) with the given entries.
pub fn zip(entries: &[(&str, &[u8])]) -> Vec<u8> {
    use std::io::Write;
    let mut out = std::io::Cursor::new(Vec::new());
    {
        let mut w = zip::ZipWriter::new(&mut out);
        let opts = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated);
        for (name, bytes) in entries {
            w.start_file(*name, opts).unwrap();
            w.write_all(bytes).unwrap();
        }
        w.finish().unwrap();
    }
    out.into_inner()
}
