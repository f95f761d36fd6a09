//! The journal-entry card: the case system's postjournal row (DESIGN.md §12),
//! field by field in the order the caseworker types them into Profil, each
//! with a copy button (`static/journal.js`, served inside `/static/board.js`;
//! keys 1–9 copy too).
//!
//! **Invariant:** the card shows a person ID in full only to whom
//! [`access::can_reveal_person_id`] allows, only when they ask for it
//! (`/items/{id}/journal?fnr=1`), and that view is an audit event
//! (`reveal_person_id`). The store keeps no full number: it is found again in
//! the item's own text by its keyed hash.

use std::path::Path as FsPath;

use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use chrono::NaiveDate;
use maud::{html, Markup};
use serde::Deserialize;
use serde_json::json;

use crate::access::{self, ItemFacts};
use crate::calendar;
use crate::classify::{Routine, Taxonomy};
use crate::config::Config;
use crate::item::{ItemId, Source};
use crate::store::board::{self, ItemDetail};
use crate::store::events::Actor;
use crate::store::{my_post, users, Store};
use crate::web::actions::checked_facts;
use crate::web::auth::Viewer;
use crate::web::{layout, AppState, WebError};

pub(crate) fn routes() -> Router<AppState> {
    Router::new().route("/items/{id}/journal", get(card_page))
}

/// Whether the case system should open a new case for the item.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct NewCase {
    /// `Some(true)` new case, `Some(false)` an existing case, `None` unclear.
    pub answer: Option<bool>,
    pub reason: String,
}

/// Everything the card shows.
#[derive(Debug, Clone)]
pub(crate) struct Card {
    pub item: ItemId,
    pub caseworker: Option<String>,
    pub date: NaiveDate,
    pub date_from_stamp: bool,
    pub title: Option<String>,
    pub document_date: Option<NaiveDate>,
    pub sender: Option<String>,
    pub new_case: NewCase,
    pub folder: String,
    pub file_name: String,
    pub masked_ids: Vec<String>,
    /// Full numbers, only when revealed to an allowed viewer.
    pub full_ids: Option<Vec<String>>,
    pub may_reveal: bool,
}

pub(crate) use crate::calendar::{date_nb, received_day as received_date};

/// The suggestion for *Ny sak?* from the document type and the person's
/// earlier post.
pub(crate) fn suggest_new_case(routine: Option<Routine>, facts: &my_post::JournalFacts) -> NewCase {
    let earlier = facts.earlier_for_person.as_ref().map(|(id, at)| {
        let day = date_nb(calendar::oslo_date(*at));
        format!("sak {id} fra {day}")
    });
    let (answer, reason) = match (routine, earlier) {
        (Some(Routine::Appeal), _) => (
            Some(false),
            "en klage gjelder et vedtak i en eksisterende sak".to_owned(),
        ),
        (Some(Routine::Change), _) => (
            Some(false),
            "endring eller opphør gjelder en tjeneste personen alt har".to_owned(),
        ),
        (_, Some(earlier)) => (
            Some(false),
            format!("personen har tidligere post siste 12 måneder ({earlier})"),
        ),
        (Some(Routine::Application), None) if facts.has_person => (
            Some(true),
            "søknad fra en person uten tidligere post siste 12 måneder".to_owned(),
        ),
        (_, None) if !facts.has_person => (
            None,
            "fant ikke fødselsnummer; søk opp personen i fagsystemet".to_owned(),
        ),
        _ => (
            None,
            "ingen tidligere post siste 12 måneder; vurder om saken hører til en eksisterende sak"
                .to_owned(),
        ),
    };
    NewCase { answer, reason }
}

/// The folder the case system fetches the file from: the unit's
/// `case_folder` when configured (with the caseworker's shelf below it),
/// else the folder the file lies in.
fn fetch_folder(config: &Config, detail: &ItemDetail, facts: &my_post::JournalFacts) -> String {
    let on_disk = FsPath::new(&facts.source_path)
        .parent()
        .map(|p| p.display().to_string())
        .unwrap_or_default();
    if detail.row.source != Source::Scan {
        return on_disk;
    }
    let configured = detail.row.unit.as_ref().and_then(|unit| {
        config
            .raw
            .units
            .iter()
            .find(|u| &u.id == unit)
            .and_then(|u| u.case_folder.clone())
    });
    match (configured, &facts.shelf_owner) {
        (Some(folder), Some(owner)) => format!("{folder}\\{owner}"),
        (Some(folder), None) => folder,
        (None, _) => on_disk,
    }
}

/// Builds the card for an item the viewer may see. `reveal`: find the full
/// person IDs (the caller has checked the viewer may see them and records
/// the view).
pub(crate) fn load(
    store: &Store,
    config: &Config,
    types: &Taxonomy,
    viewer: &users::User,
    detail: &ItemDetail,
    reveal: bool,
) -> Result<Option<Card>, WebError> {
    let row = &detail.row;
    let Some(facts) = my_post::journal_facts(store, row.id)? else {
        return Ok(None);
    };
    let caseworker = match row.allocated_to {
        Some(uid) => users::get(store, uid)?.map(|u| u.display_name),
        None => None,
    };
    let (date, date_from_stamp) = received_date(detail.stamped_date, row.received_at);
    let may_reveal = access::can_reveal_person_id(
        viewer,
        ItemFacts {
            unit: row.unit.as_ref(),
            allocated_to: row.allocated_to,
        },
    );
    let full_ids = if reveal && may_reveal {
        Some(full_person_ids(store, config, row.id)?)
    } else {
        None
    };
    Ok(Some(Card {
        item: row.id,
        caseworker,
        date,
        date_from_stamp,
        title: row.title.clone(),
        document_date: detail.document_date,
        sender: detail.sender.clone(),
        new_case: suggest_new_case(types.routine(row.document_type.as_deref()), &facts),
        folder: fetch_folder(config, detail, &facts),
        file_name: detail.file_name.clone(),
        masked_ids: row.masked_person_ids.clone(),
        full_ids,
        may_reveal,
    }))
}

/// The full numbers of the item's person IDs, found again in its text by
/// their keyed hash (the store keeps only the hash and the masked form).
fn full_person_ids(store: &Store, config: &Config, id: ItemId) -> Result<Vec<String>, WebError> {
    let hashes = my_post::person_hashes(store, id)?;
    if hashes.is_empty() {
        return Ok(Vec::new());
    }
    let key = crate::store::PersonIdKey::load_or_create(&config.data_dir())
        .map_err(|e| WebError::Internal(e.to_string()))?;
    let mut found = Vec::new();
    for page in board::pages(store, id)? {
        for pid in crate::classify::find_person_ids(&page.text) {
            let hash = crate::store::person_key_hash(&key, pid.value());
            if hashes.contains(&hash) && !found.iter().any(|v: &String| v == pid.value()) {
                found.push(pid.value().to_owned());
            }
        }
    }
    Ok(found)
}

fn field(key: &str, n: usize, label: &str, value: &str, note: Option<&str>) -> Markup {
    let id = format!("jf-{key}");
    html! {
        tr data-journal-field=(key) {
            th scope="row" { (n) ". " (label) }
            td {
                span.jf-value id=(id) { (value) }
                @if let Some(note) = note { " " small.jf-note { "(" (note) ")" } }
            }
            td {
                button.copy type="button" data-copy=(id) data-key=(n)
                    aria-label={ "Kopier " (label) } { "Kopier" }
            }
        }
    }
}

/// The card as HTML. Values are plain text (what is copied is what is shown).
pub(crate) fn render(card: &Card) -> Markup {
    let dash = "–".to_owned();
    let date = date_nb(card.date);
    let date_note = if card.date_from_stamp {
        "stempeldato"
    } else {
        "dagen filen kom"
    };
    let new_case = match card.new_case.answer {
        Some(true) => "Ja",
        Some(false) => "Nei",
        None => "Uavklart",
    };
    let ids = match &card.full_ids {
        Some(full) if !full.is_empty() => full.join(", "),
        _ if card.masked_ids.is_empty() => dash.clone(),
        _ => card.masked_ids.join(", "),
    };
    html! {
        section.journal-card aria-labelledby="jc-h" data-item=(card.item) {
            h2 #jc-h { "Journalføring i fagsystemet" }
            p.hint { "Feltene i samme rekkefølge som raden i postjournalen. Knappene (eller tastene 1–9) kopierer verdien." }
            table.journal {
                tbody {
                    (field("saksbehandler", 1, "Saksbehandler", card.caseworker.as_deref().unwrap_or("–"), None))
                    (field("dato", 2, "Dato", &date, Some(date_note)))
                    (field("type", 3, "Type", "Inn", None))
                    (field("emne", 4, "Emne", card.title.as_deref().unwrap_or("–"), None))
                    (field("dokumentdato", 5, "Dokumentdato", &card.document_date.map(date_nb).unwrap_or_else(|| dash.clone()), None))
                    (field("avsender", 6, "Avsender", card.sender.as_deref().unwrap_or("–"), None))
                    (field("nysak", 7, "Ny sak?", new_case, Some(card.new_case.reason.as_str())))
                    (field("mappe", 8, "Hent dokument: mappe", &card.folder, None))
                    (field("filnavn", 9, "Hent dokument: filnavn", &card.file_name, None))
                }
            }
            p.person {
                "Fødselsnummer: " span #jf-fnr { (ids) }
                @if card.full_ids.is_none() && card.may_reveal && !card.masked_ids.is_empty() {
                    " " a href={ "/items/" (card.item) "/journal?fnr=1" } { "Vis fullt fødselsnummer (logges)" }
                }
            }
            p.status role="status" aria-live="polite" {}
        }
    }
}

#[derive(Deserialize)]
struct CardQuery {
    fnr: Option<String>,
}

/// The card on a page of its own; `?fnr=1` shows full person IDs to whom
/// may see them (recorded as `reveal_person_id`).
async fn card_page(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<i64>,
    Query(q): Query<CardQuery>,
) -> Result<Response, WebError> {
    let id = ItemId(id);
    let reveal = q.fnr.as_deref() == Some("1");
    let user = viewer.user.clone();
    let config = state.config.clone();
    let types = state.taxonomy.clone();
    let card = state
        .db
        .run(move |store| {
            let allowed: fn(&users::User, ItemFacts<'_>) -> bool = if reveal {
                access::can_reveal_person_id
            } else {
                access::can_view
            };
            let action = if reveal {
                "reveal_person_id"
            } else {
                "view_journal_card"
            };
            checked_facts(store, &user, id, action, allowed)?;
            let detail = board::item(store, id)?.ok_or(WebError::NotFound)?;
            let card =
                load(store, &config, &types, &user, &detail, reveal)?.ok_or(WebError::NotFound)?;
            board::audit(store, Some(id), Actor::User(user.id), action, &json!({}))?;
            Ok(card)
        })
        .await?;
    let body = html! {
        p { a href={ "/items/" (id) } { "← Til saken" } " · " a href="/min-post" { "Min post" } }
        (render(&card))
    };
    Ok(layout::page("Journalføring", Some(&viewer), false, body).into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn facts(has_person: bool, earlier: bool) -> my_post::JournalFacts {
        my_post::JournalFacts {
            source_path: "/x/mta/brev.pdf".into(),
            shelf_owner: None,
            has_person,
            earlier_for_person: earlier
                .then(|| (ItemId(7), "2026-03-02T09:00:00Z".parse().unwrap())),
        }
    }

    #[test]
    fn new_case_follows_type_and_earlier_post() {
        let types = Taxonomy::embedded();
        let s = |t, p, e| suggest_new_case(types.routine(Some(t)), &facts(p, e));
        assert_eq!(s("soknad_tjenester", true, false).answer, Some(true));
        let earlier = s("soknad_tjenester", true, true);
        assert_eq!(earlier.answer, Some(false));
        assert!(earlier.reason.contains("sak 7 fra 02.03.2026"));
        assert_eq!(s("klage", true, false).answer, Some(false));
        assert_eq!(s("soknad_bpa", false, false).answer, None);
    }

    #[test]
    fn the_received_date_prefers_the_stamp_and_says_so() {
        let d = |y, m, day| NaiveDate::from_ymd_opt(y, m, day).unwrap();
        let at = |s: &str| s.parse::<chrono::DateTime<chrono::Utc>>().unwrap();
        assert_eq!(
            received_date(Some(d(2026, 11, 3)), at("2026-11-05T08:00:00Z")),
            (d(2026, 11, 3), true)
        );
        // 23:30 UTC is the next day in Oslo.
        assert_eq!(
            received_date(None, at("2026-11-04T23:30:00Z")),
            (d(2026, 11, 5), false)
        );
        assert_eq!(
            date_nb(NaiveDate::from_ymd_opt(2026, 11, 5).unwrap()),
            "05.11.2026"
        );
    }
}
