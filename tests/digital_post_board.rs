//! The board shows a delivery as what it is: the queue's *Kilde* says
//! `e-post`, the item page shows the e-mail's header fields, its body as
//! text (markup escaped, never rendered) and its documents with their pages
//! and flags; a request for access by e-mail carries the identity flag on
//! the board and in the access-requests report.

mod board_common;
mod common;
mod support;

use board_common::*;
use chrono::TimeZone;
use postmottak::extract::delivery::{Delivery, DeliveryKind, DocumentEntry};

fn delivery() -> Delivery {
    Delivery {
        kind: DeliveryKind::Email,
        from_name: Some("Ola Innsyn".into()),
        from_address: Some("ola@example.no".into()),
        to: vec!["postmottak.helse@example.kommune.no".into()],
        cc: Vec::new(),
        date: chrono::Utc.with_ymd_and_hms(2026, 11, 5, 8, 15, 0).single(),
        subject: Some("Krav om innsyn".into()),
        message_id: Some("abc@example.no".into()),
        sender_reference: None,
        forsendelse_id: None,
        body: "<script>alert('x')</script>Jeg ber om innsyn i journalen min.".into(),
        documents: vec![
            DocumentEntry {
                role: "body",
                name: "E-post".into(),
                media_type: "text/plain".into(),
                size: 60,
                depth: 0,
                first_page: 1,
                page_count: 1,
                flag: None,
            },
            DocumentEntry {
                role: "attachment",
                name: "fullmakt.pdf".into(),
                media_type: "application/pdf".into(),
                size: 2048,
                depth: 1,
                first_page: 2,
                page_count: 2,
                flag: None,
            },
            DocumentEntry {
                role: "attachment",
                name: "winmail.dat".into(),
                media_type: "application/ms-tnef".into(),
                size: 100,
                depth: 1,
                first_page: 0,
                page_count: 0,
                flag: Some("winmail.dat (Outlook TNEF) kan ikke leses.".into()),
            },
        ],
        notes: Vec::new(),
    }
}

#[tokio::test]
async fn an_email_is_shown_as_an_email_with_the_identity_flag() {
    let board = Board::start_full("", true).await;
    let ids = board.seed(&[
        letter(
            "mta",
            "innsyn",
            "Krav om innsyn",
            "Jeg ber om innsyn i journalen min.",
        ),
        letter("mta", "innsyn", "Innsyn på papir", "Jeg ber om innsyn."),
    ]);
    postmottak::store::deliveries::save(&mut board.store(), ids[0], &delivery()).unwrap();

    let mut clerk = board.signed_in("merkantil").await;
    let queue = clerk.get("/").await;
    assert_eq!(queue.status, 200);
    let row = |id: postmottak::item::ItemId| {
        let at = queue.body.find(&format!("href=\"/items/{id}\"")).unwrap();
        let start = queue.body[..at].rfind("<tr").unwrap();
        let end = at + queue.body[at..].find("</tr>").unwrap();
        queue.body[start..end].to_owned()
    };
    let email_row = row(ids[0]);
    assert!(email_row.contains("<td>e-post</td>"), "{email_row}");
    assert!(email_row.contains("Bekreft identitet"), "{email_row}");
    let paper_row = row(ids[1]);
    assert!(
        !paper_row.contains("e-post") && !paper_row.contains("Bekreft identitet"),
        "{paper_row}"
    );

    let page = clerk.get(&format!("/items/{}", ids[0])).await;
    assert_eq!(page.status, 200);
    for expected in [
        "<dd>e-post</dd>",
        "Ola Innsyn &lt;ola@example.no&gt;",
        "postmottak.helse@example.kommune.no",
        "05.11.2026 09:15",
        "Krav om innsyn",
        "&lt;script&gt;alert(",
        "fullmakt.pdf",
        "href=\"#side-2\"",
        "side 2–3",
        "winmail.dat",
        "Ikke lest: winmail.dat (Outlook TNEF) kan ikke leses.",
        "eForvaltningsforskriften § 4",
    ] {
        assert!(
            page.body.contains(expected),
            "{expected:?} missing in item page"
        );
    }
    assert!(
        !page.body.contains("<script>alert"),
        "the body is never markup"
    );

    // The page images are the printout's (the original is an e-mail file).
    let content: String = board
        .store()
        .inspect()
        .one(
            "SELECT content_path FROM items WHERE id = ?1",
            [ids[0].0],
            |r| r.get(0),
        )
        .unwrap();
    let printout =
        postmottak::extract::delivery::printout_path(&board.config.data_dir().join(content));
    std::fs::create_dir_all(printout.parent().unwrap()).unwrap();
    std::fs::write(&printout, support::text_pdf(5)).unwrap();
    let image = clerk.get(&format!("/items/{}/pages/1", ids[0])).await;
    assert_eq!(image.status, 200);
    assert_eq!(image.header("content-type"), Some("image/png"));

    let mut records = board.signed_in("arkiv").await;
    let report = records.get("/reports/access-requests?format=csv").await;
    assert_eq!(report.status, 200, "{}", report.body);
    let lines: Vec<&str> = report.body.lines().collect();
    let email_line = lines
        .iter()
        .find(|l| l.contains("Krav om innsyn"))
        .unwrap_or_else(|| panic!("{}", report.body));
    assert!(email_line.contains("må bekreftes"), "{email_line}");
    let paper_line = lines
        .iter()
        .find(|l| l.contains("Innsyn på papir"))
        .unwrap();
    assert!(!paper_line.contains("må bekreftes"), "{paper_line}");
}
