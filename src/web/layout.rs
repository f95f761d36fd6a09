//! The page shell (header, navigation, skip link), Norwegian labels for
//! codes, time formatting, and the two static files.
//!
//! **Invariant:** every page is rendered through [`page`], so every page loads
//! the same stylesheet and script from `/static/` and nothing inline.

use axum::http::header::{CACHE_CONTROL, CONTENT_TYPE};
use axum::http::StatusCode;
use axum::routing::get;
use axum::Router;
use chrono::{DateTime, Utc};
use maud::{html, Markup, DOCTYPE};

use crate::access;
use crate::item::Role;
use crate::report::ReportKind;
use crate::web::auth::Viewer;
use crate::web::AppState;

// The journal-entry card's copy buttons ride along in the one script every
// page loads (pages carry no other script tag).
const BOARD_JS: &str = concat!(
    include_str!("static/board.js"),
    include_str!("static/journal.js")
);
const BOARD_CSS: &str = include_str!("static/board.css");

pub(crate) fn static_routes() -> Router<AppState> {
    Router::new()
        .route(
            "/static/board.js",
            get(|| async {
                (
                    [
                        (CONTENT_TYPE, "text/javascript; charset=utf-8"),
                        (CACHE_CONTROL, "max-age=300"),
                    ],
                    BOARD_JS,
                )
            }),
        )
        .route(
            "/static/board.css",
            get(|| async {
                (
                    [
                        (CONTENT_TYPE, "text/css; charset=utf-8"),
                        (CACHE_CONTROL, "max-age=300"),
                    ],
                    BOARD_CSS,
                )
            }),
        )
}

/// A whole page. `meeting` switches on the large-type meeting mode.
pub(crate) fn page(title: &str, viewer: Option<&Viewer>, meeting: bool, body: Markup) -> Markup {
    html! {
        (DOCTYPE)
        html lang="nb" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (title) " – Postmottak" }
                link rel="stylesheet" href="/static/board.css";
                script src="/static/board.js" defer {}
            }
            body class=[meeting.then_some("meeting")] {
                a.skip href="#main" { "Hopp til innholdet" }
                header.top {
                    span.brand { "Postmottak" }
                    @if let Some(v) = viewer {
                        nav aria-label="Hovedmeny" {
                            ul {
                                @if access::sees_my_post(&v.user) {
                                    li { a href="/min-post" { "Min post" } }
                                }
                                @if access::sees_queue(&v.user) {
                                    li { a href="/" { "Kø" } }
                                    li { a href="/?mote=1" { "Møtemodus" } }
                                }
                                @if access::can_audit(&v.user) {
                                    li { a href="/audit" { "Revisjonslogg" } }
                                }
                                @if access::can_keep_shelves(&v.user) {
                                    li { a href="/shelves" { "Makuleringshyller" } }
                                }
                                // Whoever may read more than their own backlog
                                // gets the reports page; a caseworker goes
                                // straight to theirs.
                                @if ReportKind::Deviation.open_to(access::reports(&v.user)) {
                                    li { a href="/reports" { "Rapporter" } }
                                } @else if access::sees_reports(&v.user) {
                                    li { a href="/reports/backlog" { "Min restanse" } }
                                }
                                @if access::can_admin(&v.user) {
                                    li { a href="/admin" { "Brukere" } }
                                }
                            }
                        }
                        div.who {
                            span { (v.user.display_name) " (" (v.user.role.label_nb()) ")" }
                            form method="post" action="/logout" {
                                input type="hidden" name="csrf" value=(v.csrf);
                                button type="submit" { "Logg ut" }
                            }
                        }
                    }
                }
                main #main tabindex="-1" { (body) }
            }
        }
    }
}

/// A page for an error status (no viewer: it must render even when the
/// session lookup failed).
pub(crate) fn error_page(status: StatusCode, message: &str) -> Markup {
    let heading = match status {
        StatusCode::FORBIDDEN => "Ingen tilgang",
        StatusCode::NOT_FOUND => "Finnes ikke",
        StatusCode::BAD_REQUEST => "Ugyldig forespørsel",
        StatusCode::CONFLICT => "Kan ikke utføres",
        _ => "Noe gikk galt",
    };
    page(
        heading,
        None,
        false,
        html! {
            h1 { (heading) }
            p role="alert" { (message) }
            p { a href="/" { "Til forsiden" } }
        },
    )
}

pub(crate) fn source_label(source: crate::item::Source) -> &'static str {
    match source {
        crate::item::Source::Scan => "skannet",
        crate::item::Source::Digital => "digital",
    }
}

/// An instant as Norwegian local time, "26.11.2026 08:15".
pub(crate) fn local_time(at: &DateTime<Utc>) -> String {
    at.with_timezone(&chrono_tz::Europe::Oslo)
        .format("%d.%m.%Y %H:%M")
        .to_string()
}

/// A compact local time for the queue, "26.11. 08:15".
pub(crate) fn local_time_short(at: &DateTime<Utc>) -> String {
    at.with_timezone(&chrono_tz::Europe::Oslo)
        .format("%d.%m. %H:%M")
        .to_string()
}

pub(crate) fn role_label(role: Role) -> &'static str {
    role.label_nb()
}
