//! Reading digital deliveries with the real extractor (pdfium, tesseract):
//! a small corpus of e-mails made here (bokmål and nynorsk, ISO-8859-1 and
//! UTF-8, quoted-printable and base64, HTML-only, forwarded chains) and
//! SvarInn deliveries (zip + JSON, CMS-encrypted made with `openssl cms`),
//! each with its expected reading; and every bad input from issue 12 with
//! its flag or its Norwegian refusal.

mod common;
mod email_support;
mod extract_support;
mod support;

use std::path::{Path, PathBuf};

use email_support::*;
use postmottak::extract::delivery::DeliveryKind;
use postmottak::extract::{ExtractConfig, Extraction};
use postmottak::item::RejectCode;

fn write(dir: &Path, name: &str, bytes: &[u8]) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, bytes).unwrap();
    path
}

fn read(bytes: &[u8]) -> Extraction {
    let dir = tempfile::tempdir().unwrap();
    let path = write(dir.path(), "levering", bytes);
    extract_support::extractor().extract_path(&path).unwrap()
}

fn refused(bytes: &[u8]) -> postmottak::extract::Rejection {
    let dir = tempfile::tempdir().unwrap();
    let path = write(dir.path(), "levering", bytes);
    extract_support::extractor()
        .extract_path(&path)
        .expect_err("must be refused")
}

fn docs(e: &Extraction) -> Vec<(String, String, u8, u32, u32, bool)> {
    e.delivery
        .as_ref()
        .unwrap()
        .documents
        .iter()
        .map(|d| {
            (
                d.role.to_string(),
                d.name.clone(),
                d.depth,
                d.first_page,
                d.page_count,
                d.flag.is_some(),
            )
        })
        .collect()
}

#[test]
fn bokmal_iso_8859_1_quoted_printable_with_a_pdf() {
    let e = read(&bokmal_with_pdf(&support::text_pdf(1)));
    assert_eq!(e.media_type, "message/rfc822");
    let d = e.delivery.as_ref().unwrap();
    assert_eq!(d.kind, DeliveryKind::Email);
    assert_eq!(d.subject.as_deref(), Some("Søknad om praktisk bistand"));
    assert_eq!(d.from_name.as_deref(), Some("Kari Nordmann øst"));
    assert_eq!(
        d.to,
        vec!["Postmottak Helse og omsorg <postmottak.helse@example.kommune.no>"]
    );
    assert_eq!(d.date.unwrap().to_rfc3339(), "2026-11-05T08:15:00+00:00");
    assert!(
        d.body
            .contains("Jeg søker om praktisk bistand i hjemmet, se vedlagt søknad. Hilsen Kari"),
        "{}",
        d.body
    );
    assert_eq!(
        docs(&e),
        vec![
            ("body".into(), "E-post".into(), 0, 1, 1, false),
            ("attachment".into(), "soknad.pdf".into(), 1, 2, 1, false)
        ]
    );
    // The header page is text, never OCR'd; the attachment keeps its layer.
    assert_eq!(e.pages.len(), 2);
    assert!(e.pages.iter().all(|p| p.ocr_confidence.is_none()));
    assert!(e.pages[0].text.contains("Emne:"), "{:?}", e.pages[0]);
    assert!(e.pages[1].text.contains("Brev nummer 1"));
}

#[test]
fn nynorsk_utf8_html_only_becomes_plain_text() {
    let html = "<html><body><p>Hei!</p><p>Eg s&oslash;kjer om <b>omsorgsst&oslash;nad</b> for \
                mor mi.</p><script>alert(1)</script><p>Helsing Per</p></body></html>";
    let mut eml = headers(
        "Per Nynorsk <per@example.no>",
        "=?UTF-8?B?U8O4a25hZCBvbSBvbXNvcmdzc3TDuG5hZA==?=",
        "Mon, 2 Nov 2026 14:00:00 +0100",
    )
    .replace('\n', "\r\n");
    eml.push_str("MIME-Version: 1.0\r\nContent-Type: text/html; charset=UTF-8\r\nContent-Transfer-Encoding: base64\r\n\r\n");
    eml.push_str(&b64(html.as_bytes()));
    let e = read(eml.as_bytes());
    let d = e.delivery.as_ref().unwrap();
    assert_eq!(d.subject.as_deref(), Some("Søknad om omsorgsstønad"));
    assert!(
        d.body.contains("Eg søkjer om omsorgsstønad for mor mi."),
        "{}",
        d.body
    );
    assert!(
        !d.body.contains('<') && !d.body.contains("&oslash;"),
        "{}",
        d.body
    );
    assert_eq!(e.pages.len(), 1);
}

#[test]
fn a_forwarded_chain_is_read_recursively() {
    let inner = bokmal_with_pdf(&support::text_pdf(2));
    let boundary = "ytre";
    let mut eml = headers(
        "Saksbehandler <sb@example.kommune.no>",
        "VS: =?ISO-8859-1?Q?S=F8knad?=",
        "Tue, 10 Nov 2026 08:00:00 +0100",
    )
    .replace('\n', "\r\n")
    .into_bytes();
    eml.extend_from_slice(format!("MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"{boundary}\"\r\n\r\n--{boundary}\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nVideresender til rett enhet.\r\n--{boundary}\r\nContent-Type: message/rfc822\r\nContent-Disposition: attachment; filename=\"opprinnelig.eml\"\r\n\r\n").as_bytes());
    eml.extend_from_slice(&inner);
    eml.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    let e = read(&eml);
    let listed = docs(&e);
    assert_eq!(listed.len(), 3, "{listed:?}");
    assert_eq!(listed[1].0, "email");
    assert_eq!((listed[2].1.as_str(), listed[2].2), ("soknad.pdf", 2));
    assert!(listed.iter().all(|d| !d.5), "{listed:?}");
    let all = e.text();
    assert!(all.contains("Videresender til rett enhet."), "{all:?}");
    assert!(all.contains("Videresendt e-post"));
    assert!(all.contains("Jeg søker om praktisk bistand"));
    assert!(all.contains("Brev nummer 2"));
}

#[test]
fn bad_attachments_are_listed_and_flagged_and_the_rest_is_read() {
    let pdf = support::text_pdf(3);
    let eml = mixed(
        &headers("a@example.no", "Vedlegg", "Wed, 4 Nov 2026 10:00:00 +0100"),
        "Content-Type: text/plain; charset=utf-8",
        b"Se vedlegg.",
        &[
            // A PDF that claims to be a JPEG: the bytes decide.
            Attachment {
                name: "bilde.jpg",
                content_type: "image/jpeg",
                bytes: &pdf,
            },
            Attachment {
                name: "winmail.dat",
                content_type: "application/ms-tnef",
                bytes: &[0x78, 0x9F, 0x3E, 0x22, 1, 2, 3],
            },
            Attachment {
                name: "notat.docx",
                content_type: "application/octet-stream",
                bytes: b"PK\x03\x04rest",
            },
            Attachment {
                name: "skadet.pdf",
                content_type: "application/pdf",
                bytes: b"%PDF-1.4\nnot really",
            },
        ],
    );
    let e = read(&eml);
    let d = e.delivery.as_ref().unwrap();
    let by = |name: &str| d.documents.iter().find(|x| x.name == name).unwrap();
    assert_eq!(by("bilde.jpg").media_type, "application/pdf");
    assert_eq!(by("bilde.jpg").page_count, 1);
    assert!(by("winmail.dat")
        .flag
        .as_deref()
        .unwrap()
        .contains("winmail.dat"));
    assert!(by("notat.docx").flag.is_some());
    assert!(by("skadet.pdf").flag.as_deref().unwrap().contains("skadet"));
    assert_eq!(e.pages.len(), 2, "body page + the one readable attachment");
}

#[test]
fn five_hundred_attachments_and_an_oversized_one_still_make_one_item() {
    let small: Vec<String> = (0..500).map(|i| format!("fil-{i}.txt")).collect();
    let mut attachments: Vec<Attachment<'_>> = small
        .iter()
        .map(|n| Attachment {
            name: n,
            content_type: "text/plain",
            bytes: b"x",
        })
        .collect();
    let big = vec![b'%'; 1100 * 1024];
    attachments.push(Attachment {
        name: "stor.pdf",
        content_type: "application/pdf",
        bytes: &big,
    });
    let eml = mixed(
        &headers(
            "a@example.no",
            "Mange vedlegg",
            "Wed, 4 Nov 2026 10:00:00 +0100",
        ),
        "Content-Type: text/plain; charset=utf-8",
        b"Her er alt.",
        &attachments,
    );
    let dir = tempfile::tempdir().unwrap();
    let path = write(dir.path(), "mange.eml", &eml);
    let config = ExtractConfig {
        max_file_mb: 2,
        ..ExtractConfig::default()
    };
    let e = extract_support::extractor_with(config)
        .extract_path(&path)
        .unwrap();
    let d = e.delivery.as_ref().unwrap();
    assert_eq!(d.documents.len(), 502);
    let stor = d.documents.iter().find(|x| x.name == "stor.pdf").unwrap();
    assert!(
        stor.flag.as_deref().unwrap().contains("for stort"),
        "{stor:?}"
    );
    assert!(d.documents.iter().skip(1).all(|x| x.flag.is_some()));
}

#[test]
fn malformed_mime_is_read_as_far_as_it_goes() {
    // No closing boundary, a part without headers, a bogus charset.
    let eml = b"From: x@example.no\r\nSubject: =?x-unknown?Q?Hei?=\r\nDate: not a date\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\n\r\nTekst uten hode.\r\n--b\r\nContent-Type: application/pdf\r\nContent-Transfer-Encoding: base64\r\n\r\n!!!!not base64\r\n";
    let e = read(eml);
    let d = e.delivery.as_ref().unwrap();
    assert!(d.date.is_none());
    assert_eq!(d.from_address.as_deref(), Some("x@example.no"));
    assert!(!e.pages.is_empty());
}

#[test]
fn outlook_msg_is_read_and_a_broken_one_refused_with_a_reason() {
    let msg =
        std::fs::read(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/msg/ascii.msg"))
            .unwrap();
    let e = read(&msg);
    assert_eq!(e.media_type, "application/vnd.ms-outlook");
    let d = e.delivery.as_ref().unwrap();
    assert_eq!(d.kind, DeliveryKind::Email);
    assert_eq!(
        d.subject.as_deref(),
        Some("creating an outlook message file")
    );
    assert_eq!(d.from_address.as_deref(), Some("from@domain.com"));
    assert_eq!(d.to, vec!["to@domain.com"]);
    assert!(
        d.body.contains("This message is created by Aspose.Email"),
        "{}",
        d.body
    );
    assert!(e.pages[0].text.contains("creating an outlook message file"));

    // Broken streams: the OLE header intact, the rest cut off or zeroed.
    for broken in [msg[..msg.len() / 3].to_vec(), {
        let mut b = msg[..512].to_vec();
        b.extend_from_slice(&[0u8; 4096]);
        b
    }] {
        let dir = tempfile::tempdir().unwrap();
        let path = write(dir.path(), "skadet.msg", &broken);
        match extract_support::extractor().extract_path(&path) {
            // What could be read, as an item…
            Ok(e) => assert!(e.delivery.is_some()),
            // …or a refusal that says what to do.
            Err(r) => {
                assert_eq!(r.code, RejectCode::Corrupt);
                assert!(
                    r.message.contains(".msg") && r.message.contains(".eml"),
                    "{}",
                    r.message
                );
            }
        }
    }
}

#[test]
fn a_lone_winmail_dat_is_refused_with_a_reason() {
    let r = refused(&[0x78, 0x9F, 0x3E, 0x22, 1, 0, 0, 0]);
    assert_eq!(r.code, RejectCode::Unsupported);
    assert!(r.message.contains("winmail.dat"), "{}", r.message);
}

#[test]
fn svarinn_zip_with_metadata_takes_the_metadata_as_facts() {
    let (a, b) = (support::text_pdf(4), support::text_pdf(5));
    let json = forsendelse_json(&[("vedtak.pdf", &a), ("vedlegg.pdf", &b)], true);
    let z = zip(&[
        ("forsendelse.json", json.as_bytes()),
        ("vedtak.pdf", &a),
        ("vedlegg.pdf", &b),
    ]);
    let e = read(&z);
    let d = e.delivery.as_ref().unwrap();
    assert_eq!(d.kind, DeliveryKind::SvarUt);
    assert_eq!(
        d.subject.as_deref(),
        Some("Vedtak om helsetjenester i hjemmet")
    );
    assert_eq!(d.from_name.as_deref(), Some("Eksempel sykehus HF"));
    assert_eq!(d.sender_reference.as_deref(), Some("2026/4711"));
    assert_eq!(d.date.unwrap().date_naive().to_string(), "2026-10-30");
    let listed = docs(&e);
    assert_eq!(listed[1].1, "vedtak.pdf");
    assert_eq!(listed[2].1, "vedlegg.pdf");
    assert!(listed.iter().all(|x| !x.5), "{listed:?}");
    assert_eq!(e.pages.len(), 3);
    assert!(e.pages[2].text.contains("Brev nummer 5"));
}

#[test]
fn svarinn_checksums_are_verified() {
    let a = support::text_pdf(6);
    let json = forsendelse_json(&[("vedtak.pdf", &a)], false);
    let e = read(&zip(&[("m.json", json.as_bytes()), ("vedtak.pdf", &a)]));
    let d = e.delivery.as_ref().unwrap();
    assert!(d.documents[1]
        .flag
        .as_deref()
        .unwrap()
        .contains("Sjekksummen"));
    assert_eq!(
        e.pages.len(),
        1,
        "a file that fails its checksum is not printed"
    );
}

#[test]
fn zip_bombs_and_traversal_names_are_handled() {
    let zeros = vec![0u8; 50 * 1024 * 1024];
    let json = forsendelse_json(&[("null.pdf", &zeros)], true);
    let r = refused(&zip(&[("m.json", json.as_bytes()), ("null.pdf", &zeros)]));
    assert_eq!(r.code, RejectCode::TooLarge, "{}", r.message);

    let many: Vec<(String, Vec<u8>)> = (0..300)
        .map(|i| (format!("f{i}.json"), vec![b'a']))
        .collect();
    let refs: Vec<(&str, &[u8])> = many
        .iter()
        .map(|(n, b)| (n.as_str(), b.as_slice()))
        .collect();
    assert_eq!(refused(&zip(&refs)).code, RejectCode::TooLarge);

    let a = support::text_pdf(7);
    let json = forsendelse_json(&[("vedtak.pdf", &a)], true);
    let e = read(&zip(&[
        ("m.json", json.as_bytes()),
        ("../../../etc/vedtak.pdf", &a),
    ]));
    let d = e.delivery.as_ref().unwrap();
    assert_eq!(d.documents.len(), 2, "{:?}", d.documents);
    assert_eq!(d.documents[1].name, "vedtak.pdf");
    assert!(d.documents[1].flag.is_none(), "{:?}", d.documents[1]);

    // A zip without SvarInn metadata (an Office document, say) is refused.
    let r = refused(&zip(&[("content.xml", b"<office/>"), ("mimetype", b"x")]));
    assert_eq!(r.code, RejectCode::Unsupported);
    assert!(r.message.contains("SvarInn"), "{}", r.message);
}

#[test]
fn a_cms_encrypted_delivery_is_refused_in_plain_norwegian() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let pdf = write(d, "brev.pdf", &support::text_pdf(8));
    let ok = std::process::Command::new("openssl")
        .args([
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "1",
            "-subj",
            "/CN=fagsystem",
        ])
        .arg("-keyout")
        .arg(d.join("key.pem"))
        .arg("-out")
        .arg(d.join("cert.pem"))
        .output()
        .unwrap();
    assert!(
        ok.status.success(),
        "{}",
        String::from_utf8_lossy(&ok.stderr)
    );
    let ok = std::process::Command::new("openssl")
        .args(["cms", "-encrypt", "-binary", "-outform", "DER", "-aes256"])
        .arg("-in")
        .arg(&pdf)
        .arg("-out")
        .arg(d.join("brev.pdf.cms"))
        .arg(d.join("cert.pem"))
        .output()
        .unwrap();
    assert!(
        ok.status.success(),
        "{}",
        String::from_utf8_lossy(&ok.stderr)
    );
    let cms = std::fs::read(d.join("brev.pdf.cms")).unwrap();
    let r = refused(&cms);
    assert_eq!(r.code, RejectCode::Encrypted);
    assert!(r.message.contains("dekryptert"), "{}", r.message);
    // The same inside a SvarInn zip.
    let json = forsendelse_json(&[("brev.pdf", &cms)], true);
    let r = refused(&zip(&[("m.json", json.as_bytes()), ("brev.pdf", &cms)]));
    assert_eq!(r.code, RejectCode::Encrypted);
}

#[test]
fn a_pdf_with_svarinn_json_beside_it_is_read_with_its_metadata() {
    let dir = tempfile::tempdir().unwrap();
    let pdf = support::text_pdf(9);
    let path = write(dir.path(), "brev.pdf", &pdf);
    write(
        dir.path(),
        "brev.json",
        forsendelse_json(&[("vedtak.pdf", &pdf)], true).as_bytes(),
    );
    let e = extract_support::extractor().extract_path(&path).unwrap();
    let d = e.delivery.as_ref().unwrap();
    assert_eq!(d.kind, DeliveryKind::SvarUt);
    assert_eq!(
        d.subject.as_deref(),
        Some("Vedtak om helsetjenester i hjemmet")
    );
    assert_eq!(docs(&e)[1].1, "vedtak.pdf");
    assert!(!docs(&e)[1].5, "checksum verified");
    assert!(e.pages.last().unwrap().text.contains("Brev nummer 9"));
}

/// Third-party e-mails from the shared corpus (paperless-ngx's samples), by
/// path: read with their subject, or refused with a code; never a panic.
#[test]
fn corpus_emails_are_read_or_refused() {
    let Some(corpus) = extract_support::corpus("corpus_emails_are_read_or_refused") else {
        return;
    };
    let x = extract_support::extractor();
    for (file, subject) in [
        (
            "paperless/paperless-samples/mail/simple_text.eml",
            Some("Simple Text Mail"),
        ),
        (
            "paperless/paperless-samples/mail/html.eml",
            Some("HTML Message"),
        ),
        (
            "paperless/documents-samples/eml_with_umlaut.eml",
            Some("No Umlauts here"),
        ),
        ("paperless/paperless-samples/mail/broken.eml", None),
    ] {
        let result = x.extract_path(&corpus.join(file));
        match subject {
            Some(subject) => {
                let e = result.unwrap_or_else(|r| panic!("{file}: {r}"));
                let d = e.delivery.as_ref().unwrap();
                assert_eq!(d.subject.as_deref(), Some(subject), "{file}");
                assert!(!d.body.contains("<html"), "{file}: {}", d.body);
            }
            // Not an e-mail at all: refused as an unsupported file.
            None => assert_eq!(result.unwrap_err().code, RejectCode::Unsupported, "{file}"),
        }
    }
}

/// Windows-1252 and ISO-8859-15 (Outlook and older Norwegian mail clients),
/// in encoded headers and in an 8-bit body.
#[test]
fn windows_1252_and_latin_9_are_decoded() {
    let mut eml = headers(
        "=?windows-1252?Q?=C5se_Bj=F8rnsen?= <ase@example.no>",
        "=?iso-8859-15?Q?Klage_p=E5_vedtak_=A4?=",
        "Fri, 6 Nov 2026 12:00:00 +0100",
    )
    .replace('\n', "\r\n")
    .into_bytes();
    eml.extend_from_slice(
        b"MIME-Version: 1.0\r\nContent-Type: text/plain; charset=windows-1252\r\nContent-Transfer-Encoding: 8bit\r\n\r\n",
    );
    // "Jeg klager på vedtaket – «praktisk bistand»." in Windows-1252.
    eml.extend_from_slice(b"Jeg klager p\xe5 vedtaket \x96 \xabpraktisk bistand\xbb.\r\n");
    let e = read(&eml);
    let d = e.delivery.as_ref().unwrap();
    assert_eq!(d.from_name.as_deref(), Some("Åse Bjørnsen"));
    assert_eq!(d.subject.as_deref(), Some("Klage på vedtak €"));
    assert!(
        d.body
            .contains("Jeg klager på vedtaket – «praktisk bistand»."),
        "{}",
        d.body
    );
}

/// An Outlook message attached to an e-mail is read like a forwarded one.
#[test]
fn an_attached_msg_is_read_recursively() {
    let msg =
        std::fs::read(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/msg/ascii.msg"))
            .unwrap();
    let eml = mixed(
        &headers(
            "a@example.no",
            "VS: melding",
            "Wed, 4 Nov 2026 10:00:00 +0100",
        ),
        "Content-Type: text/plain; charset=utf-8",
        b"Se vedlagt melding.",
        &[Attachment {
            name: "melding.msg",
            content_type: "application/vnd.ms-outlook",
            bytes: &msg,
        }],
    );
    let e = read(&eml);
    let listed = docs(&e);
    assert_eq!(listed[1].0, "email", "{listed:?}");
    assert!(!listed[1].5, "{listed:?}");
    assert!(e.text().contains("This message is created by Aspose.Email"));
}
