//! The notices, in Norwegian: shelf ready / blocked / reminder (plain text +
//! HTML + an iCalendar event on the shred date) and report mails.
//!
//! **Invariant:** e-mail leaves the secure zone through the municipality's
//! mail system, so a mail carries item numbers, document types, units,
//! dates, counts, reasons and board links only. Titles, names, file names and
//! person IDs (even masked) stay on the board: reports pass through
//! [`Report::for_mail`], shelf notices never look at them.

use chrono::{DateTime, Utc};
use icalendar::{Calendar, Component, Event, EventLike};
use maud::{html, Markup, DOCTYPE};

use super::compose::{Attachment, Composed};
use crate::calendar::{add_days, date_label_nb, date_nb};
use crate::report::{render_text, report_body_html, Report, ReportKind};
use crate::retention::{Shelf, ShelfItem};

/// A blocking item as a notice shows it.
#[derive(Debug, Clone)]
pub struct BlockingLine {
    pub item: ShelfItem,
    /// Masked person IDs, comma separated (may be empty).
    pub masked_ids: String,
}

/// Which shelf notice.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ShelfNotice {
    Ready,
    /// The n-th reminder that a ready shelf still waits for shredding.
    ReadyReminder(i64),
    /// Blocked; 0 is the first notice, n > 0 the n-th reminder.
    Blocked(i64),
}

impl ShelfNotice {
    pub fn key(self, shelf: &Shelf) -> String {
        match self {
            ShelfNotice::Ready => format!("shelf:{}:ready", shelf.id),
            ShelfNotice::ReadyReminder(n) => format!("shelf:{}:ready-reminder:{n}", shelf.id),
            ShelfNotice::Blocked(n) => format!("shelf:{}:blocked:{n}", shelf.id),
        }
    }

    fn kind(self) -> &'static str {
        match self {
            ShelfNotice::Ready => "shelf_ready",
            ShelfNotice::ReadyReminder(_) => "shelf_reminder",
            ShelfNotice::Blocked(_) => "shelf_blocked",
        }
    }
}

fn board(base_url: &str) -> &str {
    base_url.trim_end_matches('/')
}

/// `path` on the board, when a board address people can reach is known;
/// without one a mail names the page instead of printing a dead link.
fn board_link(base_url: Option<&str>, path: &str) -> Option<String> {
    base_url.map(|b| format!("{}{path}", board(b)))
}

const FOOTER: &str = "Denne e-posten er sendt automatisk av postmottak. \
Den inneholder bare saksnumre, datoer og antall – ikke titler, navn, filnavn, \
fødselsnumre eller brevtekst; åpne tavlen for detaljer.";

/// A shelf notice with its calendar event.
pub fn shelf_notice(
    notice: ShelfNotice,
    shelf: &Shelf,
    blocking: &[BlockingLine],
    base_url: Option<&str>,
    from: &str,
    now: DateTime<Utc>,
) -> Composed {
    let label = shelf.id.label_nb();
    let date = date_label_nb(shelf.shred_from);
    let link = board_link(base_url, &format!("/shelves/{}", shelf.id));
    let on_board = match &link {
        Some(link) => format!("på tavlen ({link})"),
        None => "på tavlen under «Makuleringshyller»".into(),
    };
    let count = shelf.items.len();
    let subject = match notice {
        ShelfNotice::Ready => format!("Makuleringshylle {label} kan makuleres fra {date}"),
        ShelfNotice::ReadyReminder(_) => format!(
            "Påminnelse: makuleringshylle {label} kan makuleres fra {date} og er ikke bekreftet makulert"
        ),
        ShelfNotice::Blocked(0) => format!(
            "Makuleringshylle {label} er blokkert: {}",
            shelf.block_summary_nb()
        ),
        ShelfNotice::Blocked(_) => format!(
            "Påminnelse: makuleringshylle {label} er fortsatt blokkert: {}",
            shelf.block_summary_nb()
        ),
    };
    let lead = match notice {
        ShelfNotice::Ready | ShelfNotice::ReadyReminder(_) => format!(
            "Makuleringshylle {label} kan makuleres fra {date}. Hyllen har {count} {}, \
             alle registrert og uten åpne kvalitetsavvik.",
            if count == 1 { "dokument" } else { "dokumenter" }
        ),
        ShelfNotice::Blocked(_) => format!(
            "Makuleringshylle {label} kunne makuleres fra {date}, men er blokkert: {}. \
             Originalene må ligge til dokumentene er registrert og kvalitetsavvikene er sjekket.",
            shelf.block_summary_nb()
        ),
    };
    let confirm = format!(
        "Bekreft makuleringen {on_board} eller med \
         «postmottak shelf confirm-shredded {} --by BRUKERNAVN».",
        shelf.id
    );
    let mut text = format!("{lead}\n\n");
    if !blocking.is_empty() {
        text.push_str("Dokumenter som holder hyllen tilbake:\n");
        for line in blocking {
            text.push_str(&format!("- {}\n", blocking_text(line)));
            if let Some(link) = item_link(base_url, line) {
                text.push_str(&format!("  {link}\n"));
            }
        }
        text.push('\n');
    }
    let ready = !matches!(notice, ShelfNotice::Blocked(_));
    if ready {
        text.push_str(&confirm);
        text.push_str("\n\n");
    }
    if let Some(link) = &link {
        text.push_str(&format!("Hylle: {link}\n\n"));
    }
    text.push_str(&format!("-- \n{FOOTER}\n"));
    let confirm = if ready { confirm } else { String::new() };
    let html = shelf_html(
        &subject,
        &lead,
        blocking,
        base_url,
        link.as_deref(),
        &confirm,
    )
    .into_string();
    Composed {
        notice_key: notice.key(shelf),
        kind: notice.kind(),
        subject,
        text,
        html,
        attachment: Some(shelf_ics(shelf, link.as_deref(), from, now)),
    }
}

fn blocking_text(line: &BlockingLine) -> String {
    let item = &line.item;
    let reasons: Vec<String> = item.blocking.iter().map(|r| r.label_nb()).collect();
    // Who the shelf waits for: the quality check or the registration is
    // theirs to do.
    let holder = match &item.holder {
        Some(name) => format!(" – hos {name}"),
        None => " – ikke fordelt".to_owned(),
    };
    format!(
        "Sak {} · mottatt {} – {}{}",
        item.id,
        date_nb(item.received_on),
        reasons.join("; "),
        holder
    )
}

fn item_link(base_url: Option<&str>, line: &BlockingLine) -> Option<String> {
    board_link(base_url, &format!("/items/{}", line.item.id))
}

fn shelf_html(
    subject: &str,
    lead: &str,
    blocking: &[BlockingLine],
    base_url: Option<&str>,
    link: Option<&str>,
    confirm: &str,
) -> Markup {
    html! {
        (DOCTYPE)
        html lang="nb" {
            head { meta charset="utf-8"; title { (subject) } }
            body style="font-family:sans-serif" {
                p { (lead) }
                @if !blocking.is_empty() {
                    p { "Dokumenter som holder hyllen tilbake:" }
                    ul {
                        @for line in blocking {
                            li { @match item_link(base_url, line) {
                                Some(href) => a href=(href) { (blocking_text(line)) },
                                None => (blocking_text(line)),
                            } }
                        }
                    }
                }
                @if !confirm.is_empty() { p { (confirm) } }
                @if let Some(link) = link {
                    p { a href=(link) { "Åpne makuleringshyllen på tavlen" } }
                }
                p style="color:#666;font-size:small" { (FOOTER) }
            }
        }
    }
}

/// An all-day event on the shred date. The UID is per shelf, so every
/// notice about one shelf updates the same calendar entry.
pub fn shelf_ics(shelf: &Shelf, link: Option<&str>, from: &str, now: DateTime<Utc>) -> Attachment {
    let domain = from.rsplit_once('@').map(|(_, d)| d).unwrap_or("localhost");
    let label = shelf.id.label_nb();
    let mut event = Event::new();
    event
        .uid(&format!("makuleringshylle-{}@{}", shelf.id, domain))
        .summary(&format!("Makuler hylle {label}"))
        .description(&format!(
            "Makuleringshylle {label} kan makuleres fra {}.{}",
            date_label_nb(shelf.shred_from),
            link.map(|l| format!(" {l}")).unwrap_or_default()
        ))
        // An all-day event: DTEND is exclusive, so the day after.
        .starts(shelf.shred_from)
        .ends(add_days(shelf.shred_from, 1))
        .timestamp(now);
    if let Some(link) = link {
        event.url(link);
    }
    let event = event.done();
    let calendar = Calendar::new()
        .append_property(("METHOD", "PUBLISH"))
        .name("Postmottak makulering")
        .push(event)
        .done();
    Attachment {
        filename: format!("makulering-{}.ics", shelf.id),
        content_type: "text/calendar; charset=utf-8; method=PUBLISH".into(),
        bytes: calendar.to_string().into_bytes(),
    }
}

/// A report as a mail: the text rendering and the HTML rendering with board
/// links. `key` is unique per scheduled run (and per recipient for backlog).
pub fn report_mail(
    report: &Report,
    key: String,
    subject: String,
    base_url: Option<&str>,
) -> Composed {
    let kind = match report.kind {
        ReportKind::Backlog => "report_backlog",
        ReportKind::Deviation => "report_deviation",
        ReportKind::PostList => "report_post_list",
        ReportKind::AccessRequests => "report_access_requests",
    };
    let report = &report.for_mail();
    let board_line = base_url
        .map(|b| format!("Tavlen: {}\n\n", board(b)))
        .unwrap_or_default();
    let text = format!("{}\n{board_line}-- \n{FOOTER}\n", render_text(report));
    let html = html! {
        (DOCTYPE)
        html lang="nb" {
            head { meta charset="utf-8"; title { (report.title) } }
            body style="font-family:sans-serif" {
                (report_body_html(report, base_url))
                p style="color:#666;font-size:small" { (FOOTER) }
            }
        }
    };
    Composed {
        notice_key: key,
        kind,
        subject,
        text,
        html: html.into_string(),
        attachment: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::item::ItemId;
    use crate::report::{Row, Section};

    #[test]
    fn a_report_mail_carries_no_titles_file_names_or_ids() {
        let report = Report {
            kind: ReportKind::Deviation,
            title: "Avviksrapport".into(),
            subtitle: "per i dag".into(),
            generated_at: Utc::now(),
            sections: vec![
                Section {
                    heading: "Avviste filer".into(),
                    empty_text: "Ingen.".into(),
                    columns: vec!["Sak", "Mottatt", "Enhet", "Fil", "Årsak"],
                    rows: vec![Row {
                        item: Some(ItemId(7)),
                        cells: vec![
                            "7".into(),
                            "05.11.2026".into(),
                            "MTA".into(),
                            "Åse Ødegård 150679 40013.docx".into(),
                            "unsupported".into(),
                        ],
                    }],
                },
                Section {
                    heading: "Restanse".into(),
                    empty_text: "Ingen.".into(),
                    columns: vec!["Sak", "Type", "Emne", "Fødselsnr. (maskert)"],
                    rows: vec![Row {
                        item: Some(ItemId(8)),
                        cells: vec![
                            "8".into(),
                            "klage".into(),
                            "Klage på vedtak om omsorgsstønad – Ragnhild Ås".into(),
                            "150679*****".into(),
                        ],
                    }],
                },
            ],
        };
        let mail = report_mail(
            &report,
            "k".into(),
            "Avviksrapport".into(),
            Some("https://b"),
        );
        for body in [&mail.text, &mail.html] {
            for leak in ["Ødegård", "Ragnhild", "Klage på vedtak", "150679", "40013"] {
                assert!(!body.contains(leak), "{leak} in {body}");
            }
            assert!(
                body.contains("unsupported") && body.contains("klage"),
                "{body}"
            );
        }
        assert!(mail.html.contains("https://b/items/7"), "{}", mail.html);
    }
}
