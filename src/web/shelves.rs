//! The records officer's pages: shred shelves (list, one shelf, confirm
//! shredded) and the routine's reports (deviation, backlog, post list,
//! access requests; HTML on the page or CSV to download).
//!
//! **Invariants:** only a records officer sees these pages, except that a
//! caseworker may see their own backlog; confirming goes through
//! `retention::confirm_shredded` (which re-checks the shelf is ready) with
//! the signed-in user as the person who shredded; every page view is an
//! audit event. Pages show titles and masked person IDs, never letter text.

use axum::extract::{Path, Query, State};
use axum::http::header::{CONTENT_DISPOSITION, CONTENT_TYPE};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::Router;
use chrono::{NaiveDate, Utc};
use maud::html;
use serde::Deserialize;
use serde_json::json;

use crate::access;
use crate::calendar::{self, date_label_nb, date_nb};
use crate::report::{self, ReportContext, ReportError, ReportKind};
use crate::retention::{self, RetentionError, Shelf, ShelfId, ShelfState};
use crate::store::board;
use crate::store::events::Actor;
use crate::web::auth::{Checked, CsrfForm, Viewer};
use crate::web::layout;
use crate::web::{AppState, WebError};

pub(crate) fn routes() -> Router<AppState> {
    Router::new()
        .route("/shelves", get(list_page))
        .route("/shelves/{id}", get(shelf_page))
        .route("/shelves/{id}/confirm", post(confirm))
        .route("/reports", get(reports_home))
        .route("/reports/{kind}", get(report_page))
}

fn require_records_officer(viewer: &Viewer) -> Result<(), WebError> {
    if access::can_keep_shelves(&viewer.user) {
        Ok(())
    } else {
        Err(WebError::Forbidden)
    }
}

fn retention_error(e: RetentionError) -> WebError {
    match e {
        RetentionError::Store(s) => WebError::from(s),
        RetentionError::BadShelfId(_) => WebError::NotFound,
        other => WebError::Conflict(other.to_string()),
    }
}

fn report_error(e: ReportError) -> WebError {
    match e {
        ReportError::Store(s) => WebError::Store(s),
        ReportError::Retention(r) => retention_error(r),
        other => WebError::BadRequest(other.to_string()),
    }
}

fn today() -> NaiveDate {
    calendar::oslo_date(Utc::now())
}

#[derive(Deserialize)]
struct AtQuery {
    at: Option<String>,
}

fn parse_day(text: Option<&str>) -> Result<Option<NaiveDate>, WebError> {
    match text.map(str::trim).filter(|t| !t.is_empty()) {
        None => Ok(None),
        Some(t) => t
            .parse()
            .map(Some)
            .map_err(|_| WebError::BadRequest("Datoen må skrives ÅÅÅÅ-MM-DD.".into())),
    }
}

fn state_class(state: ShelfState) -> &'static str {
    match state {
        ShelfState::Ready => "hylle-klar",
        ShelfState::Blocked => "hylle-blokkert",
        _ => "hylle",
    }
}

async fn list_page(
    State(state): State<AppState>,
    viewer: Viewer,
    Query(q): Query<AtQuery>,
) -> Result<Response, WebError> {
    require_records_officer(&viewer)?;
    let day = parse_day(q.at.as_deref())?.unwrap_or_else(today);
    let cfg = state.config.raw.retention.clone();
    let me = viewer.user.id;
    let shelves = state
        .db
        .run(move |store| {
            let shelves = retention::shelves(store, &cfg, day).map_err(retention_error)?;
            board::audit(store, None, Actor::User(me), "shelves_view", &json!({}))?;
            Ok(shelves)
        })
        .await?;
    let body = html! {
        h1 { "Makuleringshyller" }
        p { "Skannede originaler ligger på hyllen for skannemåneden og kan makuleres når "
            (state.config.raw.retention.min_days) " hele dager har gått etter månedens slutt, "
            "og alle dokumentene er registrert uten åpne kvalitetsavvik." }
        form method="get" action="/shelves" {
            label for="at" { "Vis per dato" } " "
            input #at name="at" type="date" value=(day);
            " " button type="submit" { "Vis" }
        }
        p { "Per " (date_label_nb(day)) ". " a href="/reports" { "Rapporter" } }
        @if shelves.is_empty() { p { "Ingen makuleringshyller ennå." } }
        @else {
            table {
                thead { tr {
                    th scope="col" { "Hylle" } th scope="col" { "Dokumenter" }
                    th scope="col" { "Kan makuleres fra" } th scope="col" { "Status" }
                } }
                tbody {
                    @for s in shelves.iter().rev() {
                        tr class=(state_class(s.state)) {
                            td { a href={ "/shelves/" (s.id) "?at=" (day) } { (s.id.label_nb()) } }
                            td { (s.items.len()) }
                            td { (date_label_nb(s.shred_from)) }
                            td { (status_text(s)) }
                        }
                    }
                }
            }
        }
    };
    Ok(layout::page("Makuleringshyller", Some(&viewer), false, body).into_response())
}

fn status_text(shelf: &Shelf) -> String {
    match (shelf.state, &shelf.confirmation) {
        (ShelfState::Blocked, _) => format!("blokkert: {}", shelf.block_summary_nb()),
        (ShelfState::Shredded, Some(c)) => {
            format!(
                "makulert {} av {}",
                date_nb(c.shredded_on),
                c.confirmed_by_name
            )
        }
        (state, _) => state.label_nb().to_owned(),
    }
}

async fn shelf_page(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<String>,
    Query(q): Query<AtQuery>,
) -> Result<Response, WebError> {
    require_records_officer(&viewer)?;
    let id: ShelfId = id.parse().map_err(retention_error)?;
    let day = parse_day(q.at.as_deref())?.unwrap_or_else(today);
    let cfg = state.config.raw.retention.clone();
    let me = viewer.user.id;
    let (shelf, masked) = state
        .db
        .run(move |store| {
            let shelf = retention::shelf(store, &cfg, id, day).map_err(retention_error)?;
            let masked = shelf
                .items
                .iter()
                .map(|i| Ok(crate::store::reports::masked_person_ids(store, i.id)?.join(", ")))
                .collect::<Result<Vec<String>, WebError>>()?;
            board::audit(
                store,
                None,
                Actor::User(me),
                "shelf_view",
                &json!({"shelf": id.to_string()}),
            )?;
            Ok((shelf, masked))
        })
        .await?;
    let is_today = day == today();
    let body = html! {
        p { a href="/shelves" { "← Makuleringshyller" } }
        h1 { "Makuleringshylle " (shelf.id.label_nb()) }
        p { "Status per " (date_label_nb(day)) ": " strong { (status_text(&shelf)) } }
        p { "Kan makuleres fra " (date_label_nb(shelf.shred_from)) "." }
        @if let Some(c) = &shelf.confirmation {
            p { "Makulert " (date_nb(c.shredded_on)) " av " (c.confirmed_by_name)
                " (registrert " (layout::local_time(&c.recorded_at)) "), "
                (c.item_ids.len()) " dokumenter." }
        }
        @if shelf.state == ShelfState::Ready && is_today {
            form method="post" action={ "/shelves/" (shelf.id) "/confirm" } {
                input type="hidden" name="csrf" value=(viewer.csrf);
                label for="date" { "Makulert dato" } " "
                input #date name="date" type="date" value=(day) max=(day) min=(shelf.shred_from) required;
                " " button type="submit" { "Bekreft at hyllen er makulert" }
            }
        }
        h2 { "Dokumenter (" (shelf.items.len()) ")" }
        table {
            thead { tr {
                th scope="col" { "Sak" } th scope="col" { "Skannet" } th scope="col" { "Enhet" }
                th scope="col" { "Emne" } th scope="col" { "Fødselsnr. (maskert)" }
                th scope="col" { "Holder hyllen tilbake" }
            } }
            tbody {
                @for (item, ids) in shelf.items.iter().zip(&masked) {
                    tr {
                        td { (item.id) }
                        td { (date_nb(item.received_on)) }
                        td { (item.unit.as_deref().unwrap_or("–")) }
                        td { (report::mask_digits(item.title.as_deref().unwrap_or("(uten emne)"))) }
                        td { (ids) }
                        td {
                            @for r in &item.blocking { (r.label_nb()) br; }
                            // Who the check or the registration waits for.
                            @if !item.blocking.is_empty() {
                                "Hos: " (item.holder.as_deref().unwrap_or("ikke fordelt"))
                            }
                        }
                    }
                }
            }
        }
    };
    let title = format!("Makuleringshylle {}", shelf.id.label_nb());
    Ok(layout::page(&title, Some(&viewer), false, body).into_response())
}

#[derive(Deserialize)]
struct ConfirmForm {
    csrf: String,
    date: String,
}

impl CsrfForm for ConfirmForm {
    fn csrf(&self) -> &str {
        &self.csrf
    }
}

async fn confirm(
    State(state): State<AppState>,
    Path(id): Path<String>,
    Checked(viewer, form): Checked<ConfirmForm>,
) -> Result<Response, WebError> {
    require_records_officer(&viewer)?;
    let id: ShelfId = id.parse().map_err(retention_error)?;
    let shredded_on = parse_day(Some(&form.date))?
        .ok_or_else(|| WebError::BadRequest("Oppgi datoen hyllen ble makulert.".into()))?;
    let cfg = state.config.raw.retention.clone();
    let username = viewer.user.username.clone();
    state
        .db
        .run(move |store| {
            retention::confirm_shredded(store, &cfg, id, &username, shredded_on, today())
                .map_err(retention_error)
        })
        .await?;
    Ok(Redirect::to(&format!("/shelves/{id}")).into_response())
}

async fn reports_home(viewer: Viewer) -> Result<Response, WebError> {
    if !access::sees_reports(&viewer.user) {
        return Err(WebError::Forbidden);
    }
    let reports = access::reports(&viewer.user);
    let may = |kind: ReportKind| kind.open_to(reports);
    let body = html! {
        h1 { "Rapporter" }
        ul {
            li { a href="/reports/backlog" { @if may(ReportKind::Deviation) { "Restanse per saksbehandler" } @else { "Min restanse" } } }
            @if may(ReportKind::Deviation) {
                li { a href="/reports/deviation" { "Avviksrapport" } }
            }
            @if may(ReportKind::AccessRequests) {
                li { a href="/reports/access-requests" { "Innsynsbegjæringer som ikke er registrert" } }
            }
            @if access::can_keep_shelves(&viewer.user) {
                li { a href="/shelves" { "Makuleringshyller" } }
            }
        }
        @if may(ReportKind::PostList) {
            h2 { "Postliste" }
            form method="get" action="/reports/post-list" {
                label for="from" { "Fra" } " " input #from name="from" type="date" required;
                " " label for="to" { "til" } " " input #to name="to" type="date" required;
                " " button type="submit" { "Lag postliste" }
            }
        }
    };
    Ok(layout::page("Rapporter", Some(&viewer), false, body).into_response())
}

/// The report a `/reports/{slug}` path names.
fn report_kind(slug: &str) -> Option<ReportKind> {
    match slug {
        "backlog" => Some(ReportKind::Backlog),
        "deviation" => Some(ReportKind::Deviation),
        "access-requests" => Some(ReportKind::AccessRequests),
        "post-list" => Some(ReportKind::PostList),
        _ => None,
    }
}

#[derive(Deserialize)]
struct ReportQuery {
    from: Option<String>,
    to: Option<String>,
    format: Option<String>,
}

async fn report_page(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(slug): Path<String>,
    Query(q): Query<ReportQuery>,
) -> Result<Response, WebError> {
    if !access::sees_reports(&viewer.user) {
        return Err(WebError::Forbidden);
    }
    let kind_for_audit = slug;
    let kind = report_kind(&kind_for_audit).ok_or(WebError::NotFound)?;
    let reports = access::reports(&viewer.user);
    if !kind.open_to(reports) {
        return Err(WebError::Forbidden);
    }
    let from = parse_day(q.from.as_deref())?;
    let to = parse_day(q.to.as_deref())?;
    let period = match (from, to) {
        (Some(f), Some(t)) => Some((f, t)),
        (Some(f), None) => Some((f, today())),
        (None, Some(t)) => Some((NaiveDate::MIN, t)),
        (None, None) => None,
    };
    let config = state.config.clone();
    let taxonomy = state.taxonomy.clone();
    let me = viewer.user.id;
    // Only those who read every report see everyone's backlog.
    let only_me = (reports != access::Reports::All).then_some(me);
    let built = state
        .db
        .run(move |store| {
            let ctx = ReportContext {
                store,
                reports: &config.raw.reports,
                retention: &config.raw.retention,
                taxonomy,
                now: Utc::now(),
            };
            let built = match kind {
                ReportKind::Backlog => report::backlog(&ctx, only_me, period),
                ReportKind::Deviation => report::deviation(&ctx, period),
                ReportKind::AccessRequests => report::access_requests(&ctx, period),
                ReportKind::PostList => match period {
                    Some((f, t)) => report::post_list(&ctx, f, t),
                    None => {
                        return Err(WebError::BadRequest(
                            "Postlisten trenger en periode (fra og til).".into(),
                        ))
                    }
                },
            }
            .map_err(report_error)?;
            board::audit(
                store,
                None,
                Actor::User(me),
                "report_view",
                &json!({"report": kind_for_audit}),
            )?;
            Ok(built)
        })
        .await?;
    if q.format.as_deref() == Some("csv") {
        return Ok((
            [
                (CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
                (
                    CONTENT_DISPOSITION,
                    "attachment; filename=\"rapport.csv\"".to_owned(),
                ),
            ],
            report::render_csv(&built),
        )
            .into_response());
    }
    let csv_link = format!(
        "?format=csv{}{}",
        from.map(|f| format!("&from={f}")).unwrap_or_default(),
        to.map(|t| format!("&to={t}")).unwrap_or_default()
    );
    let body = html! {
        p { a href="/reports" { "← Rapporter" } " · " a href=(csv_link) { "Last ned CSV" } }
        (report::report_body_html(&built, Some("")))
    };
    Ok(layout::page(&built.title, Some(&viewer), false, body).into_response())
}
