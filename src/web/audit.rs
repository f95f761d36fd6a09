//! The audit log for the records officer (Normen): every view of content and
//! every action, listed per item and per user.
//!
//! **Invariant:** these pages show events (ids, kinds, times, people), never
//! item content; reading them is itself an event.

use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use axum::Router;
use maud::{html, Markup};
use serde::Deserialize;
use serde_json::json;

use crate::access;
use crate::item::ItemId;
use crate::store::board::{self, EventRow};
use crate::store::events::Actor;
use crate::store::users::{self, User};
use crate::web::auth::Viewer;
use crate::web::history::{self, Names};
use crate::web::layout::{self, local_time};
use crate::web::{AppState, WebError};

const USER_EVENTS_LIMIT: u32 = 1000;

pub(crate) fn routes() -> Router<AppState> {
    Router::new()
        .route("/audit", get(audit_home))
        .route("/audit/items/{id}", get(audit_item))
        .route("/audit/users/{id}", get(audit_user))
}

fn require_auditor(viewer: &Viewer) -> Result<(), WebError> {
    if access::can_audit(&viewer.user) {
        Ok(())
    } else {
        Err(WebError::Forbidden)
    }
}

#[derive(Deserialize)]
struct Lookup {
    item: Option<String>,
}

async fn audit_home(
    State(state): State<AppState>,
    viewer: Viewer,
    Query(lookup): Query<Lookup>,
) -> Result<Response, WebError> {
    require_auditor(&viewer)?;
    if let Some(item) = lookup
        .item
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
    {
        let id: i64 = item
            .parse()
            .map_err(|_| WebError::BadRequest("Saksnummeret må være et tall.".into()))?;
        return Ok(Redirect::to(&format!("/audit/items/{id}")).into_response());
    }
    let all: Vec<User> = state.db.run(|store| Ok(users::list(store)?)).await?;
    let body = html! {
        h1 { "Revisjonslogg" }
        p { "Hver visning av innhold og hver handling er logget med person og tidspunkt." }
        form method="get" action="/audit" {
            label for="item" { "Sak nummer" }
            " "
            input #item name="item" type="text" inputmode="numeric" required;
            " "
            button type="submit" { "Vis sakens logg" }
        }
        h2 { "Per bruker" }
        ul {
            @for u in &all {
                li { a href={ "/audit/users/" (u.id) } { (u.display_name) " (" (u.username) ", " (layout::role_label(u.role)) ")" } }
            }
        }
    };
    Ok(layout::page("Revisjonslogg", Some(&viewer), false, body).into_response())
}

fn events_table(events: &[EventRow], names: &Names, show_item: bool, show_actor: bool) -> Markup {
    html! {
        table.history {
            thead { tr {
                th scope="col" { "Tid" }
                @if show_actor { th scope="col" { "Hvem" } }
                @if show_item { th scope="col" { "Sak" } }
                th scope="col" { "Hva" }
            } }
            tbody {
                @for e in events {
                    tr {
                        td { (local_time(&e.at)) }
                        @if show_actor {
                            td { @match &e.actor {
                                Some((id, name)) => a href={ "/audit/users/" (id) } { (name) },
                                None => "systemet",
                            } }
                        }
                        @if show_item {
                            td { @if let Some(i) = e.item_id { a href={ "/audit/items/" (i) } { (i) } } @else { "–" } }
                        }
                        // A sentence never prints an event's raw detail; masking
                        // is the last safety net for what it does name (issue 9).
                        td { (crate::privacy::mask_person_ids(&history::sentence(e, names))) }
                    }
                }
            }
        }
    }
}

async fn audit_item(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<i64>,
) -> Result<Response, WebError> {
    require_auditor(&viewer)?;
    let me = viewer.user.id;
    let types = state.taxonomy.clone();
    let (events, names) = state
        .db
        .run(move |store| {
            let events = board::item_events(store, ItemId(id))?;
            let names = Names::of(&users::list(store)?, types);
            board::audit(
                store,
                None,
                Actor::User(me),
                "audit_view",
                &json!({"item": id}),
            )?;
            Ok((events, names))
        })
        .await?;
    let body = html! {
        p { a href="/audit" { "← Revisjonslogg" } }
        h1 { "Logg for sak " (id) }
        @if events.is_empty() { p { "Ingen hendelser (saken finnes ikke)." } }
        @else { (events_table(&events, &names, false, true)) }
    };
    Ok(layout::page(&format!("Logg for sak {id}"), Some(&viewer), false, body).into_response())
}

async fn audit_user(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<i64>,
) -> Result<Response, WebError> {
    require_auditor(&viewer)?;
    let me = viewer.user.id;
    let types = state.taxonomy.clone();
    let (user, events, names) = state
        .db
        .run(move |store| {
            let user = users::get(store, id)?.ok_or(WebError::NotFound)?;
            let names = Names::of(&users::list(store)?, types);
            let events = board::user_events(store, id, USER_EVENTS_LIMIT)?;
            board::audit(
                store,
                None,
                Actor::User(me),
                "audit_view",
                &json!({"user": id}),
            )?;
            Ok((user, events, names))
        })
        .await?;
    let body = html! {
        p { a href="/audit" { "← Revisjonslogg" } }
        h1 { "Logg for " (user.display_name) }
        p { "Nyeste først, inntil " (USER_EVENTS_LIMIT) " hendelser." }
        (events_table(&events, &names, true, false))
    };
    Ok(layout::page("Logg for bruker", Some(&viewer), false, body).into_response())
}
