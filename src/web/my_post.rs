//! *Min post* (`/min-post`): everything allocated to me and not yet
//! registered. Urgent items and appeals first, then oldest; days waiting
//! against the backlog limit; every item that reaches one month since it was
//! received within the week is marked, since a case that cannot be answered
//! within a month needs a preliminary reply (forvaltningsloven § 11 a).
//!
//! **Invariant:** the list holds only the viewer's own items, so it is a view
//! of content like the queue: recorded as `view_my_post`.

use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::Router;
use chrono::{Months, NaiveDate, Utc};
use maud::{html, Markup};
use serde_json::json;

use crate::access;
use crate::calendar;
use crate::classify::{Routine, Taxonomy};
use crate::store::board;
use crate::store::events::Actor;
use crate::store::my_post::{self, MyPostRow};
use crate::web::auth::{Checked, CsrfOnly, Viewer};
use crate::web::journal_card::{date_nb, received_date};
use crate::web::layout;
use crate::web::{AppState, WebError};

pub(crate) fn routes() -> Router<AppState> {
    Router::new()
        .route("/min-post", get(my_post_page))
        .route("/meeting/end", post(end_meeting))
}

/// The leader's «Avslutt møtet» button in meeting mode: the after-meeting
/// mail goes at once instead of after the quiet period.
pub(crate) fn end_meeting_form(viewer: &Viewer) -> Markup {
    html! {
        @if access::can_end_meeting(&viewer.user) {
            form.end-meeting method="post" action="/meeting/end" {
                input type="hidden" name="csrf" value=(viewer.csrf);
                button type="submit" { "Avslutt møtet og send e-post til saksbehandlerne" }
            }
        }
    }
}

async fn end_meeting(
    State(state): State<AppState>,
    Checked(viewer, _): Checked<CsrfOnly>,
) -> Result<Response, WebError> {
    let user = viewer.user.clone();
    state
        .db
        .run(move |store| {
            if !access::can_end_meeting(&user) {
                board::audit(
                    store,
                    None,
                    Actor::User(user.id),
                    "refused",
                    &json!({"action": "end_meeting"}),
                )?;
                return Err(WebError::Forbidden);
            }
            board::audit(
                store,
                None,
                Actor::User(user.id),
                "meeting_ended",
                &json!({}),
            )?;
            Ok(())
        })
        .await?;
    Ok(Redirect::to("/").into_response())
}

/// Days before the one-month mark that an item is flagged.
const PRELIMINARY_WARNING_DAYS: u64 = 7;

/// One row as the page shows it.
#[derive(Debug, Clone)]
pub(crate) struct Entry {
    pub row: MyPostRow,
    pub received: NaiveDate,
    pub appeal: bool,
    /// Working days since received.
    pub waiting: i64,
    /// The day one month after receipt (fvl. § 11 a), when it falls within
    /// the coming week or has passed.
    pub preliminary_by: Option<NaiveDate>,
}

/// Sorts and annotates a person's items as of `today`.
pub(crate) fn entries(rows: Vec<MyPostRow>, today: NaiveDate, types: &Taxonomy) -> Vec<Entry> {
    let mut out: Vec<Entry> = rows
        .into_iter()
        .map(|row| {
            let (received, _) = received_date(row.stamped_date, row.received_at);
            let waiting = calendar::working_days_between(received, today);
            let month = received.checked_add_months(Months::new(1));
            let soon = today
                .checked_add_days(chrono::Days::new(PRELIMINARY_WARNING_DAYS))
                .unwrap_or(today);
            let preliminary_by = month.filter(|m| *m <= soon);
            Entry {
                appeal: types.routine(row.document_type.as_deref()) == Some(Routine::Appeal),
                row,
                received,
                waiting,
                preliminary_by,
            }
        })
        .collect();
    // Urgent items and appeals on top, then the oldest first.
    out.sort_by(|a, b| {
        let top = |e: &Entry| !(e.row.urgent || e.appeal);
        (top(a), a.received, a.row.id).cmp(&(top(b), b.received, b.row.id))
    });
    out
}

async fn my_post_page(State(state): State<AppState>, viewer: Viewer) -> Result<Response, WebError> {
    if !access::sees_my_post(&viewer.user) {
        return Err(WebError::Forbidden);
    }
    let user_id = viewer.user.id;
    let rows = state
        .db
        .run(move |store| {
            let rows = my_post::my_post(store, user_id)?;
            board::audit(
                store,
                None,
                Actor::User(user_id),
                "view_my_post",
                &json!({"items": rows.len()}),
            )?;
            Ok(rows)
        })
        .await?;
    let today = calendar::oslo_date(Utc::now());
    let list = entries(rows, today, &state.taxonomy);
    let limit = state.config.raw.reports.unregistered_limit_days;
    let body = render(&list, limit, today, &state.taxonomy);
    Ok(layout::page("Min post", Some(&viewer), false, body).into_response())
}

fn render(list: &[Entry], limit: i64, today: NaiveDate, types: &Taxonomy) -> Markup {
    html! {
        h1 { "Min post" }
        p { "Post som er fordelt til deg og ikke registrert i fagsystemet, per " (date_nb(today))
            ". Frist for registrering: " (limit) " arbeidsdager." }
        @if list.is_empty() {
            p.empty { "Du har ingen post som venter." }
        } @else {
            table.my-post {
                caption { (list.len()) " saker" }
                thead { tr {
                    th scope="col" { "Sak" }
                    th scope="col" { "Emne" }
                    th scope="col" { "Type" }
                    th scope="col" { "Mottatt" }
                    th scope="col" { "Venter" }
                    th scope="col" { "Merknad" }
                } }
                tbody {
                    @for e in list {
                        tr data-item=(e.row.id) class=[(e.waiting > limit).then_some("overdue")] {
                            td { (e.row.id) }
                            td { a href={ "/items/" (e.row.id) } { (e.row.title.as_deref().unwrap_or("(uten emne)")) } }
                            td { (types.name(e.row.document_type.as_deref())) }
                            td { (date_nb(e.received)) }
                            td { (e.waiting) " av " (limit) " arbeidsdager"
                                @if e.waiting > limit { " – over fristen" } }
                            td {
                                @if e.row.urgent { span.flag.urgent { "Haster" } " " }
                                @if e.appeal { span.flag.appeal { "Klage" } " " }
                                @if e.row.leader_review_pending { span.flag { "Lederkontroll" } " " }
                                @if let Some(by) = e.preliminary_by {
                                    span.flag.deadline {
                                        @if by < today { "Én måned passert " (date_nb(by)) }
                                        @else { "Én måned " (date_nb(by)) }
                                        ": send foreløpig svar om saken ikke kan besvares (fvl. § 11 a)"
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::item::ItemId;

    fn row(id: i64, received: &str, doc: &str, urgent: bool) -> MyPostRow {
        MyPostRow {
            id: ItemId(id),
            received_at: received.parse().unwrap(),
            stamped_date: None,
            unit: Some("mta".into()),
            document_type: Some(doc.into()),
            title: None,
            urgent,
            leader_review_pending: false,
            allocated_at: None,
        }
    }

    #[test]
    fn urgent_and_appeals_first_then_oldest_and_the_month_mark() {
        let today = NaiveDate::from_ymd_opt(2026, 11, 30).unwrap();
        let list = entries(
            vec![
                row(1, "2026-11-02T09:00:00Z", "soknad_tjenester", false),
                row(2, "2026-11-20T09:00:00Z", "soknad_tjenester", true),
                row(3, "2026-11-25T09:00:00Z", "klage", false),
                row(4, "2026-10-20T09:00:00Z", "fullmakt", false),
            ],
            today,
            &Taxonomy::embedded(),
        );
        let ids: Vec<i64> = list.iter().map(|e| e.row.id.0).collect();
        assert_eq!(ids, vec![2, 3, 4, 1]);
        // 20.10 → 20.11 has passed; 02.11 → 02.12 is within the week;
        // 20.11 → 20.12 is not.
        assert_eq!(
            list[2].preliminary_by,
            NaiveDate::from_ymd_opt(2026, 11, 20)
        );
        assert_eq!(list[3].preliminary_by, NaiveDate::from_ymd_opt(2026, 12, 2));
        assert_eq!(list[0].preliminary_by, None);
    }
}
