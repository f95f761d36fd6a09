//! The item page (`/items/{id}`): page images, text, classification with
//! reasons, history, and the forms for the actions (handled in
//! [`super::actions`]).
//!
//! **Invariant:** every handler checks the role rules in [`access`] against
//! the item's unit and allocation *in the same store call* that reads or
//! changes it; a refusal is itself an audit event.
//! **Invariant:** page images are rendered once and cached under
//! `data_dir/cache/pages/`; the cache holds content and lives beside the
//! content store, never in a public place.

use axum::extract::{Path, State};
use axum::http::header::{CACHE_CONTROL, CONTENT_TYPE};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use chrono::{Duration, Utc};
use maud::{html, Markup};
use serde_json::json;

use crate::access::{self, ItemFacts};
use crate::calendar::date_nb;
use crate::classify::Taxonomy;
use crate::item::{ItemId, ItemState};
use crate::store::board::{self, EventRow, ItemDetail, PageText};
use crate::store::events::Actor;
use crate::store::users;
use crate::web::actions::checked_facts;
use crate::web::auth::Viewer;
use crate::web::history;
use crate::web::layout::{self, local_time, source_label};
use crate::web::{AppState, WebError};

pub(crate) fn routes() -> Router<AppState> {
    Router::new()
        .route("/items/{id}", get(item_page))
        .route("/items/{id}/pages/{page}", get(page_image))
}

struct ItemView {
    detail: ItemDetail,
    pages: Vec<PageText>,
    events: Vec<EventRow>,
    assignable: Vec<(i64, String)>,
    suggestion: Option<board::Suggestion>,
    allocated_name: Option<String>,
    original_visible: bool,
    /// What people most often corrected this item's type to: (type, times).
    usual_correction: Option<(String, u64)>,
    /// Display names for the people the history names.
    names: history::Names,
    /// The notice when the `[forget]` policy deleted the content.
    deleted_notice: Option<String>,
    /// Issue 13: the journal-entry card and the scan's quality sign-off.
    journal: Option<crate::web::journal_card::Card>,
    quality: Option<crate::web::quality::QualityView>,
    /// E-mail or SvarInn facts and documents, for digital deliveries.
    delivery: Option<crate::store::deliveries::DeliveryView>,
}

async fn item_page(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<i64>,
) -> Result<Response, WebError> {
    let id = ItemId(id);
    let user = viewer.user.clone();
    let since = Utc::now() - Duration::days(i64::from(state.web.suggestion_days));
    let config = state.config.clone();
    let types = state.taxonomy.clone();
    let view = state
        .db
        .run(move |store| {
            let (unit, _) = checked_facts(store, &user, id, "view_item", access::can_view)?;
            let detail = board::item(store, id)?.ok_or(WebError::NotFound)?;
            let pages = board::pages(store, id)?;
            let delivery = crate::store::deliveries::get(store, id).map_err(store_error)?;
            let events = board::item_events(store, id)?;
            let assignable = match &unit {
                Some(u) => users::assignable_in_unit(store, u)?,
                None => Vec::new(),
            };
            let suggestion = match (&unit, detail.row.state) {
                (Some(u), ItemState::Queued) => {
                    board::suggest(store, id, u, detail.row.document_type.as_deref(), since)?
                }
                _ => None,
            };
            let allocated_name = match detail.row.allocated_to {
                Some(uid) => users::get(store, uid)?.map(|u| u.display_name),
                None => None,
            };
            // Corrections people made before are a suggestion for this one.
            let usual_correction = match detail.row.document_type.as_deref() {
                Some(current) => board::type_corrections(store)?
                    .into_iter()
                    .find(|(from, _, _)| from == current)
                    .map(|(_, to, n)| (to, n)),
                None => None,
            };
            let original_visible = match detail.row.duplicate_of {
                Some(orig) => board::item_access(store, orig)?.is_some_and(|(u, a)| {
                    access::can_view(
                        &user,
                        ItemFacts {
                            unit: u.as_ref(),
                            allocated_to: a,
                        },
                    )
                }),
                None => false,
            };
            let names = history::Names::of(&users::list(store)?, types.clone());
            let deleted_notice = crate::store::forget::forgotten(store, id)
                .map_err(WebError::Store)?
                .map(|(at, policy)| crate::forget::deleted_notice_nb(at, &policy));
            let journal =
                crate::web::journal_card::load(store, &config, &types, &user, &detail, false)?;
            let quality = crate::web::quality::load(store, &user, id)?;
            board::audit(
                store,
                Some(id),
                Actor::User(user.id),
                "view_item",
                &json!({}),
            )?;
            Ok(ItemView {
                names,
                deleted_notice,
                journal,
                quality,
                detail,
                pages,
                events,
                assignable,
                suggestion,
                allocated_name,
                original_visible,
                usual_correction,
                delivery,
            })
        })
        .await?;
    let title = view
        .detail
        .row
        .title
        .clone()
        .unwrap_or_else(|| format!("Sak {id}"));
    let images = state.renderer.is_some();
    let body = render_item(&view, &viewer, &state, images);
    Ok(layout::page(&title, Some(&viewer), false, body).into_response())
}

fn render_item(view: &ItemView, viewer: &Viewer, state: &AppState, images: bool) -> Markup {
    let d = &view.detail;
    let row = &d.row;
    let facts = ItemFacts {
        unit: row.unit.as_ref(),
        allocated_to: row.allocated_to,
    };
    let unit_name = row.unit.as_ref().map(|u| state.unit_name(u)).unwrap_or("–");
    html! {
        p { a href="/" { "← Til køen" } }
        h1 {
            (row.title.as_deref().unwrap_or("(uten emne)"))
            @if row.title_derived { " " (crate::web::queue::derived_mark()) }
        }
        @if let Some(notice) = &view.deleted_notice {
            p.alert role="status" { (notice) }
        }
        (crate::web::queue::flags(row, &state.taxonomy))
        @if let Some(orig) = row.duplicate_of {
            p.alert role="status" {
                "Dette er et duplikat av "
                @if view.original_visible { a href={ "/items/" (orig) } { "sak " (orig) } } @else { "sak " (orig) }
                "."
            }
        }
        div.columns {
            section.facts aria-labelledby="facts-h" {
                h2 #facts-h { "Opplysninger" }
                dl {
                    dt { "Sak" } dd { (row.id) }
                    dt { "Mottatt" } dd { (local_time(&row.received_at)) }
                    dt { "Kilde" } dd { (row.delivery.map(|k| k.label_nb()).unwrap_or(source_label(row.source))) }
                    dt { "Enhet" } dd { (unit_name) }
                    dt { "Type" } dd { (state.taxonomy.name(row.document_type.as_deref())) }
                    dt { "Tilstand" } dd { (row.state.label_nb()) }
                    dt { "Tildelt" } dd { (view.allocated_name.as_deref().unwrap_or("–")) }
                    dt { "Haster" } dd { (if row.urgent { "ja" } else { "nei" }) }
                    dt { "Lederkontroll" } dd {
                        @if !d.leader_review { "nei" }
                        @else if let Some(at) = &d.leader_review_done_at { "utført " (local_time(at)) }
                        @else { "kreves" }
                    }
                    dt { "Fødselsnr." } dd { (if row.masked_person_ids.is_empty() { "–".to_owned() } else { row.masked_person_ids.join(", ") }) }
                    dt { "Dokumentdato" } dd { (d.document_date.map(date_nb).unwrap_or_else(|| "–".into())) }
                    dt { "Stempeldato" } dd { (d.stamped_date.map(date_nb).unwrap_or_else(|| "–".into())) }
                    dt { "Avsender" } dd { (d.sender.as_deref().unwrap_or("–")) }
                    dt { "Fil" } dd { (d.file_name) }
                    @if let Some(code) = &d.reject_code {
                        dt { "Avvist" } dd { (d.reject_message.clone().unwrap_or_else(|| code.clone())) }
                    }
                }
            }
            section.actions aria-labelledby="actions-h" {
                h2 #actions-h { "Handlinger" }
                (actions(view, viewer, facts, state))
            }
        }
        @if let Some(card) = &view.journal { (crate::web::journal_card::render(card)) }
        @if let Some(q) = &view.quality { (crate::web::quality::render(q, viewer)) }
        @if let Some(delivery) = &view.delivery {
            (crate::web::delivery::section(delivery, state.taxonomy.routine(row.document_type.as_deref())))
        }
        section aria-labelledby="pages-h" {
            h2 #pages-h { "Sider" }
            @for page in &view.pages {
                figure.page id={ "side-" (page.number) } {
                    @if images {
                        img src={ "/items/" (row.id) "/pages/" (page.number) } alt={ "Side " (page.number) " av dokumentet" } loading="lazy";
                    }
                    figcaption { "Side " (page.number) @if page.blank { " (blank)" } " – tekst ("
                        (match page.source.as_str() { "ocr" => "tekstgjenkjenning", "text_layer" => "tekstlag", _ => "ingen" }) ")" }
                    pre.text { (page.text) }
                }
            }
        }
        (classification(d, view.usual_correction.as_ref(), &state.taxonomy))
        (history::table(&view.events, &view.names))
    }
}

fn actions(view: &ItemView, viewer: &Viewer, facts: ItemFacts<'_>, state: &AppState) -> Markup {
    let row = &view.detail.row;
    let user = &viewer.user;
    let back = format!("/items/{}", row.id);
    let queued = row.state == ItemState::Queued;
    let allocated = row.state == ItemState::Allocated;
    html! {
        @if queued {
            @if let Some(s) = &view.suggestion {
                p { "Forslag: " strong { (s.display_name) } " – " (crate::web::queue::suggestion_text(s)) }
            }
            (crate::web::queue::allocate_form(row, view.suggestion.as_ref(), &view.assignable, viewer, &back))
        }
        @if allocated && access::can_reallocate(user, facts) {
            form method="post" action={ "/items/" (row.id) "/reallocate" } {
                input type="hidden" name="csrf" value=(viewer.csrf);
                label for="realloc" { "Fordel på nytt" }
                // Starts on an empty choice, like allocation: one click
                // must not send the letter anywhere.
                select #realloc name="to" required {
                    option value="" selected disabled { "Velg saksbehandler" }
                    option value="queue" { "Tilbake til morgenmøtet" }
                    @for (id, name) in &view.assignable {
                        @if Some(*id) != row.allocated_to { option value=(id) { (name) } }
                    }
                }
                " "
                button type="submit" { "Fordel på nytt" }
            }
        }
        @if row.leader_review_pending && access::can_approve(user, facts) {
            form method="post" action={ "/items/" (row.id) "/leader-review" } {
                input type="hidden" name="csrf" value=(viewer.csrf);
                button type="submit" { "Marker lederkontroll som utført" }
            }
        }
        @if access::can_correct(user, facts) {
            details.correct {
                summary { "Rett klassifiseringen" }
                form method="post" action={ "/items/" (row.id) "/correct" } {
                    input type="hidden" name="csrf" value=(viewer.csrf);
                    p {
                        label for="c-type" { "Type" }
                        select #c-type name="document_type" {
                            @for t in state.taxonomy.types() {
                                option value=(t.id) selected[row.document_type.as_deref() == Some(t.id.as_str())] { (t.short_label) }
                            }
                        }
                    }
                    p {
                        label for="c-unit" { "Enhet" }
                        select #c-unit name="unit" {
                            @for (id, name) in &state.units {
                                option value=(id) selected[row.unit.as_ref() == Some(id)] { (name) }
                            }
                        }
                    }
                    p {
                        label for="c-title" { "Emne" }
                        input #c-title name="title" type="text" maxlength="200" required value=(row.title.as_deref().unwrap_or(""));
                    }
                    p.check {
                        input #c-urgent name="urgent" type="checkbox" value="on" checked[row.urgent];
                        label for="c-urgent" { "Haster" }
                    }
                    button type="submit" { "Lagre rettelser" }
                }
            }
        }
    }
}

fn classification(
    d: &ItemDetail,
    usual_correction: Option<&(String, u64)>,
    types: &Taxonomy,
) -> Markup {
    let Some(c) = &d.classification else {
        return html! {};
    };
    let reasons = c
        .get("reasons")
        .and_then(|r| r.as_array())
        .cloned()
        .unwrap_or_default();
    html! {
        section aria-labelledby="class-h" {
            h2 #class-h { "Klassifisering" }
            dl {
                @if let Some(conf) = c.get("confidence").and_then(|v| v.as_f64()) {
                    dt { "Sikkerhet for type" } dd { (format!("{:.0} %", conf * 100.0)) }
                }
                @if let Some(s) = c.get("suggestion").and_then(|v| v.as_str()) {
                    dt { "Nest beste type" } dd { (types.name(Some(s))) }
                }
                @if let Some((to, times)) = usual_correction {
                    dt { "Tidligere rettelser" }
                    dd { "«" (types.name(d.row.document_type.as_deref())) "» er rettet til «"
                        (types.name(Some(to))) "» " (times) " gang(er)" }
                }
            }
            h3 { "Begrunnelse" }
            @if reasons.is_empty() { p { "Ingen regler slo til." } }
            ul.reasons {
                @for r in &reasons { li { (reason_text(r, types)) } }
            }
        }
    }
}

/// One reason as text: "dokumenttype → soknad_bpa: «søknad om BPA» (vekt 3)".
/// A reason stored in another shape is shown field by field.
fn reason_text(reason: &serde_json::Value, types: &Taxonomy) -> String {
    if let Ok(r) = serde_json::from_value::<crate::classify::Reason>(reason.clone()) {
        use crate::classify::ReasonKind;
        // Type ids read as the type's name; weights only where rules add up.
        return match r.kind {
            ReasonKind::DocumentType | ReasonKind::LeaderReview => format!(
                "{} → {}: «{}» (vekt {})",
                r.kind.label_nb(),
                types.name(Some(&r.target)),
                r.label,
                r.weight
            ),
            ReasonKind::Unit | ReasonKind::Urgent => format!(
                "{} → {}: «{}» (vekt {})",
                r.kind.label_nb(),
                r.target,
                r.label,
                r.weight
            ),
            _ => format!("{}: {}", r.kind.label_nb(), r.label),
        };
    }
    match reason {
        serde_json::Value::Object(map) => map
            .iter()
            .map(|(k, v)| match v {
                serde_json::Value::String(s) => format!("{k}: {s}"),
                other => format!("{k}: {other}"),
            })
            .collect::<Vec<_>>()
            .join(" · "),
        serde_json::Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

async fn page_image(
    State(state): State<AppState>,
    viewer: Viewer,
    Path((id, page)): Path<(i64, u32)>,
) -> Result<Response, WebError> {
    let id = ItemId(id);
    let renderer = state.renderer.clone().ok_or(WebError::NotFound)?;
    let user = viewer.user.clone();
    let dpi = state.web.page_dpi;
    let data_dir = state.config.data_dir();
    let cache_max = state.config.raw.forget.page_cache_max_bytes();
    let png = state
        .db
        .run(move |store| {
            checked_facts(store, &user, id, "view_page", access::can_view)?;
            let detail = board::item(store, id)?.ok_or(WebError::NotFound)?;
            let forgotten = crate::store::forget::forgotten(store, id).map_err(WebError::Store)?;
            if page == 0 || page > detail.page_count.unwrap_or(0) || forgotten.is_some() {
                return Err(WebError::NotFound);
            }
            board::audit(
                store,
                Some(id),
                Actor::User(user.id),
                "view_page",
                &json!({"page": page}),
            )?;
            let cache = data_dir
                .page_cache()
                .join(format!("{}-{page}-{dpi}.png", id.0));
            // A delivery's pages are its printout's.
            let mut content = data_dir.file(&detail.content_path);
            if crate::store::deliveries::kind(store, id)
                .map_err(store_error)?
                .is_some()
            {
                content = crate::extract::delivery::printout_path(&content);
            }
            cached_render(&cache, &content, page, dpi, &*renderer, cache_max)
        })
        .await?;
    Ok((
        [
            (CONTENT_TYPE, "image/png"),
            (CACHE_CONTROL, "private, no-store"),
        ],
        png,
    )
        .into_response())
}

/// The cached PNG, rendering and caching it on first use. The cache file is
/// written whole under a temporary name and renamed, so a crash leaves no
/// half image.
fn cached_render(
    cache: &std::path::Path,
    content: &std::path::Path,
    page: u32,
    dpi: u16,
    renderer: &dyn crate::web::PageRenderer,
    cache_max: u64,
) -> Result<Vec<u8>, WebError> {
    if let Ok(bytes) = crate::safe_fs::open_regular(cache).and_then(|mut f| {
        let mut bytes = Vec::new();
        std::io::Read::read_to_end(&mut f, &mut bytes).map(|_| bytes)
    }) {
        return Ok(bytes);
    }
    let png = renderer
        .render_page_png(content, page, dpi)
        .map_err(WebError::Render)?;
    if let (Some(dir), Some(name)) = (cache.parent(), cache.file_name()) {
        // Never through a link (safe_fs): the cache holds content.
        let written = std::fs::create_dir_all(dir).and_then(|_| {
            crate::safe_fs::OwnDir::open(dir, false)
                .map_err(crate::safe_fs::DirProblem::into_io)?
                .write_atomic(name, &png, 0o640)
        });
        if let Err(e) = written {
            // Serving the page matters more than caching it.
            tracing::warn!(error = %e, "could not cache a page image");
        } else if let Err(e) = crate::forget::cache::prune(dir, cache_max) {
            // The cache is bounded ([forget] page_cache_max_mb), oldest out first.
            tracing::warn!(error = %e, "could not prune the page-image cache");
        }
    }
    Ok(png)
}

fn store_error(e: crate::store::StoreError) -> WebError {
    match e {
        crate::store::StoreError::Sql(e) => WebError::from(e),
        other => WebError::Internal(other.to_string()),
    }
}
