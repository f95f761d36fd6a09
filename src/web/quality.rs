//! Quality sign-off on the item page: "Kvaliteten er kontrollert, alle sider
//! er med", or a new scan chosen to replace this one.
//!
//! **Invariant:** both are POSTs through [`Checked`] (CSRF), decided by
//! [`access::can_check_quality`] in the same store call that writes, and both
//! are events on the item(s); a refusal is an audit event too.

use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::post;
use axum::Router;
use maud::{html, Markup};
use serde::Deserialize;

use crate::access::{self, ItemFacts};
use crate::item::ItemId;
use crate::store::quality::{self, QualityFacts};
use crate::store::users::User;
use crate::store::Store;
use crate::web::actions::checked_facts;
use crate::web::auth::{Checked, CsrfForm, CsrfOnly, Viewer};
use crate::web::layout::local_time;
use crate::web::{AppState, WebError};

pub(crate) fn routes() -> Router<AppState> {
    Router::new()
        .route("/items/{id}/quality/confirm", post(confirm))
        .route("/items/{id}/quality/replace", post(replace))
}

/// What the item page's quality section shows.
pub(crate) struct QualityView {
    facts: QualityFacts,
    may_check: bool,
    candidates: Vec<(ItemId, chrono::DateTime<chrono::Utc>, String)>,
}

/// Loads the section's data for an item the viewer may see.
pub(crate) fn load(
    store: &Store,
    user: &User,
    id: ItemId,
) -> Result<Option<QualityView>, WebError> {
    let Some(facts) = quality::facts(store, id)? else {
        return Ok(None);
    };
    let unit = facts
        .unit
        .as_deref()
        .and_then(|u| crate::item::UnitId::new(u).ok());
    let may_check = access::can_check_quality(
        user,
        ItemFacts {
            unit: unit.as_ref(),
            allocated_to: facts.allocated_to,
        },
    );
    let candidates = if may_check && facts.scan && facts.superseded_by.is_none() {
        quality::replacement_candidates(store, id)?
    } else {
        Vec::new()
    };
    Ok(Some(QualityView {
        facts,
        may_check,
        candidates,
    }))
}

/// The section: links to the replacement or the replaced scan, the open
/// flags with the confirm button, the sign-off once given, and the
/// replacement form.
pub(crate) fn render(view: &QualityView, viewer: &Viewer) -> Markup {
    let f = &view.facts;
    let id = f.id;
    html! {
        section.quality aria-labelledby="q-h" {
            h2 #q-h { "Skannekvalitet" }
            @if let Some(new) = f.superseded_by {
                p.alert role="status" { "Denne skanningen er erstattet av " a href={ "/items/" (new) } { "sak " (new) } "." }
            }
            @if let Some(old) = f.replaces {
                p { "Denne skanningen erstatter " a href={ "/items/" (old) } { "sak " (old) } "." }
            }
            @if !f.open_flags.is_empty() {
                p.flags {
                    "Åpne kvalitetsavvik: "
                    (f.open_flags.iter().map(|q| q.label_nb()).collect::<Vec<_>>().join(", "))
                    ". Papiroriginalen kan ikke makuleres før kvaliteten er kontrollert."
                }
                @if view.may_check && f.superseded_by.is_none() {
                    form method="post" action={ "/items/" (id) "/quality/confirm" } {
                        input type="hidden" name="csrf" value=(viewer.csrf);
                        button type="submit" { "Kvaliteten er kontrollert, alle sider er med" }
                    }
                }
            } @else if let Some(at) = &f.cleared_at {
                p { "Kvaliteten er kontrollert " (local_time(at))
                    @if let Some(name) = &f.cleared_by_name { " av " (name) } "." }
            } @else if f.scan {
                p { "Ingen kvalitetsavvik." }
            }
            @if view.may_check && !view.candidates.is_empty() {
                form method="post" action={ "/items/" (id) "/quality/replace" } {
                    input type="hidden" name="csrf" value=(viewer.csrf);
                    label for="q-with" { "Erstatt med ny skanning" }
                    " "
                    select #q-with name="with" required {
                        @for (cid, at, file) in &view.candidates {
                            option value=(cid) { "Sak " (cid) " – " (local_time(at)) " – " (file) }
                        }
                    }
                    " "
                    button type="submit" { "Erstatt" }
                }
            }
        }
    }
}

async fn confirm(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    Checked(viewer, _): Checked<CsrfOnly>,
) -> Result<Response, WebError> {
    let id = ItemId(id);
    let user = viewer.user.clone();
    state
        .db
        .run(move |store| {
            checked_facts(
                store,
                &user,
                id,
                "quality_confirm",
                access::can_check_quality,
            )?;
            quality::confirm(store, id, user.id)?;
            Ok(())
        })
        .await?;
    Ok(Redirect::to(&format!("/items/{id}")).into_response())
}

#[derive(Deserialize)]
struct ReplaceForm {
    csrf: String,
    with: i64,
}

impl CsrfForm for ReplaceForm {
    fn csrf(&self) -> &str {
        &self.csrf
    }
}

async fn replace(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    Checked(viewer, form): Checked<ReplaceForm>,
) -> Result<Response, WebError> {
    let old = ItemId(id);
    let new = ItemId(form.with);
    let user = viewer.user.clone();
    state
        .db
        .run(move |store| {
            checked_facts(
                store,
                &user,
                old,
                "quality_replace",
                access::can_check_quality,
            )?;
            // The new scan must be one the person may see too.
            checked_facts(store, &user, new, "quality_replace", access::can_view)?;
            quality::replace(store, old, new, user.id)?;
            Ok(())
        })
        .await?;
    Ok(Redirect::to(&format!("/items/{new}")).into_response())
}
