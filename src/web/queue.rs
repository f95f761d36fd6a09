//! The queue (`/`): per unit of the viewer, the items waiting for the
//! morning meeting (urgent first, then oldest) with a suggested caseworker
//! and an allocation form per row; above it the viewer's own items.
//!
//! Meeting mode (`/?mote=1`) is the same page in large type; the keyboard
//! shortcuts live in `static/board.js` and only drive these forms and links,
//! so everything also works without script.

use axum::extract::{Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use axum::Router;
use chrono::{DateTime, Duration, Utc};
use maud::{html, Markup};
use serde::Deserialize;

use crate::access;
use crate::classify::{Routine, Taxonomy};
use crate::item::UnitId;
use crate::store::board::{self, QueueRow, Suggestion, SuggestionReason};
use crate::store::events::Actor;
use crate::store::users;
use crate::store::Store;
use crate::web::auth::{home_of, Viewer};
use crate::web::layout::{self, local_time_short, source_label};
use crate::web::{AppState, WebError};

pub(crate) fn routes() -> Router<AppState> {
    Router::new().route("/", get(queue_page))
}

#[derive(Deserialize)]
struct QueueQuery {
    mote: Option<String>,
}

struct UnitQueue {
    unit: UnitId,
    name: String,
    rows: Vec<(QueueRow, Option<Suggestion>)>,
    total: u64,
    assignable: Vec<(i64, String)>,
}

struct QueueData {
    mine: Vec<QueueRow>,
    units: Vec<UnitQueue>,
    duplicates: Vec<QueueRow>,
}

/// What the queue shows, as read from the store in one call.
struct QueueRequest {
    user_id: i64,
    /// The viewer's units in config order, with their names.
    units: Vec<(UnitId, String)>,
    /// Allocations since then count towards a suggestion.
    since: DateTime<Utc>,
    limit: u32,
}

async fn queue_page(
    State(state): State<AppState>,
    viewer: Viewer,
    Query(query): Query<QueueQuery>,
) -> Result<Response, WebError> {
    if !access::sees_queue(&viewer.user) {
        return Ok(Redirect::to(home_of(viewer.user.role)).into_response());
    }
    let meeting = query.mote.as_deref() == Some("1");
    let request = QueueRequest {
        user_id: viewer.user.id,
        units: viewers_units(&state, &viewer),
        since: Utc::now() - Duration::days(i64::from(state.web.suggestion_days)),
        limit: state.web.queue_limit,
    };
    let data = state
        .db
        .run(move |store| {
            let data = load_queue(store, &request)?;
            audit_view(store, &request)?;
            Ok(data)
        })
        .await?;
    let body = queue_body(&data, &viewer, meeting, &state.taxonomy);
    Ok(layout::page("Kø", Some(&viewer), meeting, body).into_response())
}

/// The units whose queues the viewer sees, in config order.
fn viewers_units(state: &AppState, viewer: &Viewer) -> Vec<(UnitId, String)> {
    state
        .units
        .iter()
        .filter(|(id, _)| access::works_in(&viewer.user, Some(id)))
        .cloned()
        .collect()
}

/// The viewer's own items, each unit's waiting items with a suggestion per
/// row and the people who can be given them, and the duplicates.
fn load_queue(store: &Store, request: &QueueRequest) -> Result<QueueData, WebError> {
    let mine = board::allocated_to(store, request.user_id)?;
    // One suggester for the whole page: it caches per unit and type.
    let mut suggester = board::Suggester::new(store, request.since);
    let units = request
        .units
        .iter()
        .map(|(unit, name)| unit_queue(store, &mut suggester, unit, name, request.limit))
        .collect::<Result<Vec<_>, _>>()?;
    let duplicates = board::duplicates(store, &unit_ids(request))?;
    Ok(QueueData {
        mine,
        units,
        duplicates,
    })
}

fn unit_queue(
    store: &Store,
    suggester: &mut board::Suggester<'_>,
    unit: &UnitId,
    name: &str,
    limit: u32,
) -> Result<UnitQueue, WebError> {
    let (rows, total) = board::queue(store, unit, limit)?;
    let rows = rows
        .into_iter()
        .map(|row| {
            let s = suggester.suggest(row.id, unit, row.document_type.as_deref())?;
            Ok((row, s))
        })
        .collect::<Result<Vec<_>, WebError>>()?;
    Ok(UnitQueue {
        unit: unit.clone(),
        name: name.to_owned(),
        rows,
        total,
        assignable: users::assignable_in_unit(store, unit)?,
    })
}

fn unit_ids(request: &QueueRequest) -> Vec<UnitId> {
    request.units.iter().map(|(u, _)| u.clone()).collect()
}

/// Seeing the queue is seeing titles: the view is audited with its units.
fn audit_view(store: &mut Store, request: &QueueRequest) -> Result<(), WebError> {
    board::audit(
        store,
        None,
        Actor::User(request.user_id),
        "view_queue",
        &serde_json::json!({"units": unit_ids(request)}),
    )?;
    Ok(())
}

fn queue_body(data: &QueueData, viewer: &Viewer, meeting: bool, taxonomy: &Taxonomy) -> Markup {
    let back = if meeting { "/?mote=1" } else { "/" };
    html! {
        h1 { "Postmottak – fordeling" }
        (keyboard_hint(viewer, meeting))
        @if access::receives_items(&viewer.user) {
            (mine_section(&data.mine, taxonomy))
        }
        @for unit in &data.units {
            (unit_section(unit, viewer, back, taxonomy))
        }
        @if !data.duplicates.is_empty() {
            section aria-labelledby="dups" {
                h2 #dups { "Duplikater (" (data.duplicates.len()) ")" }
                (rows_table(&data.duplicates, taxonomy))
            }
        }
    }
}

fn keyboard_hint(viewer: &Viewer, meeting: bool) -> Markup {
    html! {
        @if !meeting {
            p.hint { "Tips: " a href="/?mote=1" { "møtemodus" } " gir stor skrift og hurtigtaster: "
                kbd { "j" } "/" kbd { "k" } " flytt, " kbd { "a" } " fordel til forslaget, "
                kbd { "/" } " velg saksbehandler, " kbd { "Enter" } " åpne." }
        } @else {
            p.hint { kbd { "j" } "/" kbd { "k" } " flytt · " kbd { "a" } " fordel til forslaget · "
                kbd { "/" } " velg saksbehandler · " kbd { "Enter" } " åpne" }
            (crate::web::my_post::end_meeting_form(viewer))
        }
    }
}

fn mine_section(mine: &[QueueRow], taxonomy: &Taxonomy) -> Markup {
    html! {
        section aria-labelledby="mine" {
            h2 #mine { "Tildelt deg (" (mine.len()) ")" }
            @if mine.is_empty() {
                p { "Ingen saker er tildelt deg." }
            } @else {
                (rows_table(mine, taxonomy))
            }
        }
    }
}

fn unit_section(unit: &UnitQueue, viewer: &Viewer, back: &str, taxonomy: &Taxonomy) -> Markup {
    html! {
        section aria-labelledby={ "unit-" (unit.unit) } {
            h2 id={ "unit-" (unit.unit) } { (unit.name) " – til fordeling (" (unit.total) ")" }
            @if unit.rows.is_empty() {
                p { "Ingen saker venter." }
            } @else {
                (rows_table_queue(unit, viewer, back, taxonomy))
                @if unit.total > unit.rows.len() as u64 {
                    p { "Viser de " (unit.rows.len()) " første av " (unit.total) "." }
                }
            }
        }
    }
}

pub(crate) fn suggestion_text(s: &Suggestion) -> String {
    match s.reason {
        SuggestionReason::SamePerson { items } => {
            format!("har {items} sak(er) om samme person")
        }
        SuggestionReason::Frequent { count, total } => {
            format!("får oftest denne typen i enheten ({count} av {total})")
        }
    }
}

/// The mark on a title made from the letter's text rather than its subject
/// line, so nobody takes it for the sender's own words.
pub(crate) fn derived_mark() -> Markup {
    html! {
        small.derived title="Brevet har ingen emnelinje; emnet er laget ut fra hva brevet ber om." {
            "(utledet)"
        }
    }
}

pub(crate) fn flags(row: &QueueRow, types: &Taxonomy) -> Markup {
    let routine = types.routine(row.document_type.as_deref());
    html! {
        ul.flags {
            @if row.urgent { li.flag.urgent { "Haster" } }
            @if row.leader_review_pending { li.flag { "Lederkontroll" } }
            @if routine == Some(Routine::AccessRequest) { li.flag.access { "Innsyn" } }
            @if crate::web::delivery::identity_check(row.delivery, routine) {
                li.flag.access { "Bekreft identitet" }
            }
            @if row.duplicate_of.is_some() { li.flag { "Duplikat" } }
            @for f in &row.quality_flags { li.flag.quality { "Kvalitet: " (f.label_nb()) } }
        }
    }
}

fn row_cells(row: &QueueRow, types: &Taxonomy) -> Markup {
    html! {
        td.when { time datetime=(row.received_at.to_rfc3339()) { (local_time_short(&row.received_at)) } }
        td { (row.delivery.map(|k| k.label_nb()).unwrap_or(source_label(row.source))) }
        td { (types.name(row.document_type.as_deref())) }
        td.title {
            a href={ "/items/" (row.id) } { (row.title.as_deref().unwrap_or("(uten emne)")) }
            @if row.title_derived { " " (derived_mark()) }
        }
        td.pid { (row.masked_person_ids.join(", ")) }
        td { (flags(row, types)) }
    }
}

const HEADERS: [&str; 6] = [
    "Mottatt",
    "Kilde",
    "Type",
    "Emne",
    "Fødselsnr.",
    "Merknader",
];

/// A table of rows without allocation forms (own items, duplicates).
fn rows_table(rows: &[QueueRow], types: &Taxonomy) -> Markup {
    html! {
        table.queue {
            thead { tr { @for h in HEADERS { th scope="col" { (h) } } } }
            tbody {
                @for row in rows {
                    tr data-item=(row.id) tabindex="-1" { (row_cells(row, types)) }
                }
            }
        }
    }
}

fn rows_table_queue(unit: &UnitQueue, viewer: &Viewer, back: &str, types: &Taxonomy) -> Markup {
    html! {
        table.queue {
            thead { tr {
                @for h in HEADERS { th scope="col" { (h) } }
                th scope="col" { "Forslag" }
                th scope="col" { "Fordel" }
            } }
            tbody {
                @for (row, suggestion) in &unit.rows {
                    tr data-item=(row.id) data-suggested=[suggestion.as_ref().map(|s| s.user_id)] tabindex="-1" {
                        (row_cells(row, types))
                        td.suggestion {
                            @if let Some(s) = suggestion {
                                strong { (s.display_name) }
                                br;
                                small { (suggestion_text(s)) }
                            } @else { "–" }
                        }
                        td { (allocate_form(row, suggestion.as_ref(), &unit.assignable, viewer, back)) }
                    }
                }
            }
        }
    }
}

/// The allocation control of one row: a chooser for the meeting, or "take
/// it yourself" for a caseworker.
pub(crate) fn allocate_form(
    row: &QueueRow,
    suggestion: Option<&Suggestion>,
    assignable: &[(i64, String)],
    viewer: &Viewer,
    back: &str,
) -> Markup {
    let facts = access::ItemFacts {
        unit: row.unit.as_ref(),
        allocated_to: row.allocated_to,
    };
    let shares_out = access::can_share_out(&viewer.user, facts);
    // The suggestion is preselected only when it can be chosen at all.
    let preselect = suggestion
        .map(|s| s.user_id)
        .filter(|s| assignable.iter().any(|(id, _)| id == s));
    html! {
        @if shares_out {
            form.allocate method="post" action={ "/items/" (row.id) "/allocate" } {
                input type="hidden" name="csrf" value=(viewer.csrf);
                input type="hidden" name="back" value=(back);
                input type="hidden" name="suggested" value=[suggestion.map(|s| s.user_id)];
                label.visually-hidden for={ "to-" (row.id) } { "Saksbehandler for sak " (row.id) }
                // Without a suggestion the chooser starts on an empty choice
                // the browser will not submit, so one click never gives the
                // letter to whoever happens to be first in the list.
                select id={ "to-" (row.id) } name="to" required {
                    @if preselect.is_none() {
                        option value="" selected disabled { "Velg saksbehandler" }
                    }
                    @for (id, name) in assignable {
                        option value=(id) selected[preselect == Some(*id)] { (name) }
                    }
                }
                " "
                button type="submit" { "Fordel" }
            }
        } @else if access::can_allocate(&viewer.user, facts, viewer.user.id) {
            form.take method="post" action={ "/items/" (row.id) "/take" } {
                input type="hidden" name="csrf" value=(viewer.csrf);
                input type="hidden" name="back" value=(back);
                button type="submit" { "Ta selv" }
            }
        }
    }
}
