//! The administrator's page: users, roles, units and lock state. Accounts
//! are changed with `postmottak user …`; this page only shows them.
//!
//! **Invariant:** nothing here reads items: the admin sees no letter content.

use axum::extract::State;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use maud::html;

use crate::access;
use crate::store::users;
use crate::web::auth::Viewer;
use crate::web::layout;
use crate::web::{AppState, WebError};

pub(crate) fn routes() -> Router<AppState> {
    Router::new().route("/admin", get(admin_page))
}

async fn admin_page(State(state): State<AppState>, viewer: Viewer) -> Result<Response, WebError> {
    if !access::can_admin(&viewer.user) {
        return Err(WebError::Forbidden);
    }
    let now = chrono::Utc::now();
    let all = state
        .db
        .run(move |store| {
            let mut out = Vec::new();
            for user in users::list(store)? {
                let locked = users::credentials(store, &user.username)?
                    .and_then(|c| c.locked_until)
                    .filter(|t| *t > now);
                out.push((user, locked));
            }
            Ok(out)
        })
        .await?;
    let body = html! {
        h1 { "Brukere" }
        p { "Brukere legges til og endres med " code { "postmottak user add|disable|enable|unlock|reset|role" } "." }
        table {
            thead { tr {
                th scope="col" { "Brukernavn" } th scope="col" { "Navn" } th scope="col" { "Rolle" }
                th scope="col" { "Enheter" } th scope="col" { "Status" }
            } }
            tbody {
                @for (u, locked) in &all {
                    tr {
                        td { (u.username) }
                        td { (u.display_name) }
                        td { (layout::role_label(u.role)) }
                        td { (u.units.iter().map(|u| state.unit_name(u)).collect::<Vec<_>>().join(", ")) }
                        td {
                            @if u.disabled { "deaktivert" }
                            @else if let Some(t) = locked {
                                "låst til " (layout::local_time(t))
                                " (" code { "postmottak user unlock " (u.username) } ")"
                            }
                            @else { "aktiv" }
                        }
                    }
                }
            }
        }
    };
    Ok(layout::page("Brukere", Some(&viewer), false, body).into_response())
}
