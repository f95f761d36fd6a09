//! The actions on an item (all POST, all CSRF-checked through
//! [`Checked`]): allocate, take it yourself, reallocate, mark leader review
//! done, correct the classification.
//!
//! **Invariant:** every handler checks the role rules in [`access`] against
//! the item's unit and allocation in the same store call that changes it; a
//! refusal is itself an audit event.

use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::post;
use axum::Router;
use serde::Deserialize;
use serde_json::json;

use crate::access::{self, ItemFacts};
use crate::item::{ItemId, UnitId};
use crate::store::board::{self, AllocationKind, Correction};
use crate::store::events::Actor;
use crate::store::users::{self, User};
use crate::store::Store;
use crate::web::auth::{Checked, CsrfForm, CsrfOnly};
use crate::web::{AppState, WebError};

pub(crate) fn routes() -> Router<AppState> {
    Router::new()
        .route("/items/{id}/allocate", post(allocate))
        .route("/items/{id}/take", post(take))
        .route("/items/{id}/reallocate", post(reallocate))
        .route("/items/{id}/leader-review", post(leader_review_done))
        .route("/items/{id}/correct", post(correct))
}

/// The item's unit and allocation after checking `allowed`; a refusal is
/// recorded and answered with 403.
pub(crate) fn checked_facts(
    store: &mut Store,
    user: &User,
    id: ItemId,
    action: &'static str,
    allowed: impl FnOnce(&User, ItemFacts<'_>) -> bool,
) -> Result<(Option<UnitId>, Option<i64>), WebError> {
    let (unit, allocated_to) = board::item_access(store, id)?.ok_or(WebError::NotFound)?;
    let facts = ItemFacts {
        unit: unit.as_ref(),
        allocated_to,
    };
    if !allowed(user, facts) {
        board::audit(
            store,
            Some(id),
            Actor::User(user.id),
            "refused",
            &json!({"action": action}),
        )?;
        return Err(WebError::Forbidden);
    }
    Ok((unit, allocated_to))
}

/// Whether `to` may be given items of `unit`.
fn assignable(store: &Store, unit: Option<&UnitId>, to: i64) -> Result<bool, WebError> {
    Ok(match unit {
        Some(unit) => users::assignable_in_unit(store, unit)?
            .iter()
            .any(|(id, _)| *id == to),
        None => false,
    })
}

/// A redirect target from a form: only the board's own pages (the queue,
/// an item, a shelf, a report, the audit log), written with plain path and
/// query characters. Anything else (another site, `/\t/evil.example/`, a
/// newline that would break the header) falls back. Checked by whitelist,
/// not by spotting bad characters, since browsers strip and fold so many.
pub(crate) fn safe_back(back: Option<&str>, fallback: String) -> String {
    match back {
        Some(b) if is_local_page(b) => b.to_owned(),
        _ => fallback,
    }
}

fn is_local_page(back: &str) -> bool {
    const PAGES: &[&str] = &["", "items", "shelves", "reports", "audit", "admin"];
    let plain = |c: char| c.is_ascii_alphanumeric() || "-_.=&%#".contains(c);
    let (path, query) = back.split_once('?').unwrap_or((back, ""));
    let Some(rest) = path.strip_prefix('/') else {
        return false;
    };
    let mut segments = rest.split('/');
    let first = segments.next().unwrap_or("");
    back.len() <= 200
        && PAGES.contains(&first)
        && !path.contains("//")
        && path[1..].chars().all(|c| plain(c) || c == '/')
        && !path.contains("..")
        && query.chars().all(plain)
}

#[cfg(test)]
mod back_tests {
    use super::safe_back;

    #[test]
    fn only_the_boards_own_pages_are_redirect_targets() {
        for good in ["/", "/?mote=1", "/items/12", "/shelves/2026-09"] {
            assert_eq!(safe_back(Some(good), "/f".into()), good);
        }
        for bad in [
            "/\t/evil.example/",
            "/\t/evil.example",
            "//evil.example",
            "/\\evil.example",
            "https://evil.example/",
            "/items/1\r\nSet-Cookie: x=1",
            "/items/1\nX",
            "/ /evil.example",
            "/unknown",
            "/items/../../x",
            "",
        ] {
            assert_eq!(safe_back(Some(bad), "/f".into()), "/f", "{bad:?}");
        }
    }
}

#[derive(Deserialize)]
struct AllocateForm {
    csrf: String,
    /// Text, not a number: an empty choice gets a sentence, not a 422.
    to: String,
    back: Option<String>,
    suggested: Option<String>,
}

impl CsrfForm for AllocateForm {
    fn csrf(&self) -> &str {
        &self.csrf
    }
}

async fn allocate(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    Checked(viewer, form): Checked<AllocateForm>,
) -> Result<Response, WebError> {
    let id = ItemId(id);
    let Ok(to) = form.to.trim().parse::<i64>() else {
        return Err(WebError::BadRequest(
            "Velg en saksbehandler før du trykker «Fordel».".into(),
        ));
    };
    let followed = form.suggested.as_deref() == Some(to.to_string().as_str());
    let user = viewer.user.clone();
    state
        .db
        .run(move |store| {
            let (unit, _) = checked_facts(store, &user, id, "allocate", |u, f| {
                access::can_allocate(u, f, to)
            })?;
            if !assignable(store, unit.as_ref(), to)? {
                return Err(WebError::BadRequest(
                    "Den valgte personen kan ikke få saker i denne enheten.".into(),
                ));
            }
            let kind = if to == user.id {
                AllocationKind::Take
            } else {
                AllocationKind::Meeting
            };
            board::allocate(store, id, to, Actor::User(user.id), kind, followed)?;
            Ok(())
        })
        .await?;
    Ok(Redirect::to(&safe_back(form.back.as_deref(), "/".into())).into_response())
}

#[derive(Deserialize)]
struct TakeForm {
    csrf: String,
    back: Option<String>,
}

impl CsrfForm for TakeForm {
    fn csrf(&self) -> &str {
        &self.csrf
    }
}

async fn take(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    Checked(viewer, form): Checked<TakeForm>,
) -> Result<Response, WebError> {
    let id = ItemId(id);
    let user = viewer.user.clone();
    state
        .db
        .run(move |store| {
            let me = user.id;
            let (unit, _) = checked_facts(store, &user, id, "take", |u, f| {
                access::can_allocate(u, f, me)
            })?;
            if !assignable(store, unit.as_ref(), me)? {
                return Err(WebError::Forbidden);
            }
            board::allocate(store, id, me, Actor::User(me), AllocationKind::Take, false)?;
            Ok(())
        })
        .await?;
    Ok(Redirect::to(&safe_back(form.back.as_deref(), format!("/items/{id}"))).into_response())
}

#[derive(Deserialize)]
struct ReallocateForm {
    csrf: String,
    to: String,
}

impl CsrfForm for ReallocateForm {
    fn csrf(&self) -> &str {
        &self.csrf
    }
}

async fn reallocate(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    Checked(viewer, form): Checked<ReallocateForm>,
) -> Result<Response, WebError> {
    let id = ItemId(id);
    let to = match form.to.trim() {
        "" => {
            return Err(WebError::BadRequest(
                "Velg hvem saken skal til før du trykker «Fordel på nytt».".into(),
            ))
        }
        "queue" => None,
        other => Some(
            other
                .parse::<i64>()
                .map_err(|_| WebError::BadRequest("Ugyldig mottaker.".into()))?,
        ),
    };
    let user = viewer.user.clone();
    state
        .db
        .run(move |store| {
            let (unit, _) = checked_facts(store, &user, id, "reallocate", access::can_reallocate)?;
            if let Some(to) = to {
                if !assignable(store, unit.as_ref(), to)? {
                    return Err(WebError::BadRequest(
                        "Den valgte personen kan ikke få saker i denne enheten.".into(),
                    ));
                }
            }
            board::reallocate(store, id, to, Actor::User(user.id))?;
            Ok(())
        })
        .await?;
    Ok(Redirect::to(&format!("/items/{id}")).into_response())
}

async fn leader_review_done(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    Checked(viewer, _): Checked<CsrfOnly>,
) -> Result<Response, WebError> {
    let id = ItemId(id);
    let user = viewer.user.clone();
    state
        .db
        .run(move |store| {
            checked_facts(store, &user, id, "leader_review", access::can_approve)?;
            if !board::leader_review_done(store, id, Actor::User(user.id))? {
                return Err(WebError::Conflict(
                    "Saken venter ikke på lederkontroll.".into(),
                ));
            }
            Ok(())
        })
        .await?;
    Ok(Redirect::to(&format!("/items/{id}")).into_response())
}

#[derive(Deserialize)]
struct CorrectForm {
    csrf: String,
    document_type: String,
    unit: String,
    title: String,
    urgent: Option<String>,
}

impl CsrfForm for CorrectForm {
    fn csrf(&self) -> &str {
        &self.csrf
    }
}

async fn correct(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    Checked(viewer, form): Checked<CorrectForm>,
) -> Result<Response, WebError> {
    let id = ItemId(id);
    // Only a type of the rules file: anything else would be an item no
    // rule, list or report knows.
    let document_type = state
        .taxonomy
        .check(&form.document_type)
        .map_err(|e| WebError::BadRequest(e.to_string()))?
        .id
        .clone();
    let unit = UnitId::new(&form.unit)
        .ok()
        .filter(|u| state.units.iter().any(|(id, _)| id == u))
        .ok_or_else(|| WebError::BadRequest("Ukjent enhet.".into()))?;
    let title = form.title.trim().to_owned();
    if title.is_empty() || title.chars().count() > 200 {
        return Err(WebError::BadRequest(
            "Emnet må ha mellom 1 og 200 tegn.".into(),
        ));
    }
    let correction = Correction {
        document_type: Some(document_type),
        unit: Some(unit),
        title: Some(title),
        urgent: Some(form.urgent.is_some()),
    };
    let user = viewer.user.clone();
    let still_visible = state
        .db
        .run(move |store| {
            checked_facts(store, &user, id, "correct", access::can_correct)?;
            board::correct(store, id, &correction, Actor::User(user.id))?;
            let (unit, allocated_to) = board::item_access(store, id)?.ok_or(WebError::NotFound)?;
            Ok(access::can_view(
                &user,
                ItemFacts {
                    unit: unit.as_ref(),
                    allocated_to,
                },
            ))
        })
        .await?;
    // Moving an item to a unit one does not work in takes it out of sight.
    let to = if still_visible {
        format!("/items/{id}")
    } else {
        "/".to_owned()
    };
    Ok(Redirect::to(&to).into_response())
}
