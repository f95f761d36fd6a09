//! Events as Norwegian sentences, for the item page's history and the audit
//! log: "Fordelt til Kari Saksbehandler i morgenmøtet (etter forslaget)."
//! instead of `transition {"action": "meeting", "to": 3, …}`.
//!
//! **Invariant:** a sentence is built from the event's kind, states and the
//! known fields of its detail only; it never prints the detail itself, so a
//! file name or an unexpected field never reaches the page. An event kind
//! this module does not know still gets a readable sentence.

use std::collections::HashMap;
use std::sync::Arc;

use maud::{html, Markup};
use serde_json::Value;

use crate::classify::Taxonomy;
use crate::item::{ItemState, RejectCode};
use crate::store::board::EventRow;
use crate::store::users::User;
use crate::web::layout::local_time;

/// Display names for what an event names in its detail: people by user
/// id, document types by the taxonomy.
pub(crate) struct Names {
    people: HashMap<i64, String>,
    types: Arc<Taxonomy>,
}

impl Names {
    pub(crate) fn of(users: &[User], types: Arc<Taxonomy>) -> Names {
        Names {
            people: users
                .iter()
                .map(|u| (u.id, u.display_name.clone()))
                .collect(),
            types,
        }
    }

    fn name(&self, id: Option<i64>) -> String {
        id.and_then(|id| self.people.get(&id).cloned())
            .unwrap_or_else(|| "en bruker som ikke finnes lenger".into())
    }
}

/// The item page's history table (reads of the item itself are left out:
/// they are in the audit log).
pub(crate) fn table(events: &[EventRow], names: &Names) -> Markup {
    html! {
        section aria-labelledby="hist-h" {
            h2 #hist-h { "Historikk" }
            table.history {
                thead { tr { th scope="col" { "Tid" } th scope="col" { "Hvem" } th scope="col" { "Hva" } } }
                tbody {
                    @for e in events.iter().filter(|e| !e.kind.starts_with("view")) {
                        tr {
                            td { (local_time(&e.at)) }
                            td { (e.actor.as_ref().map(|(_, n)| n.as_str()).unwrap_or("systemet")) }
                            td { (sentence(e, names)) }
                        }
                    }
                }
            }
        }
    }
}

fn state(s: &Option<String>) -> Option<ItemState> {
    s.as_deref().and_then(|s| s.parse().ok())
}

/// One event as a sentence.
pub(crate) fn sentence(e: &EventRow, names: &Names) -> String {
    let detail: Value = serde_json::from_str(&e.detail).unwrap_or(Value::Null);
    let text = |key: &str| detail.get(key).and_then(Value::as_str).map(str::to_owned);
    let number = |key: &str| detail.get(key).and_then(Value::as_i64);
    match e.kind.as_str() {
        "admitted" => admitted(&detail),
        "transition" => transition(state(&e.from_state), state(&e.to_state), &detail, names),
        "reallocate" => format!(
            "Fordelt på nytt: fra {} til {}.",
            names.name(number("from")),
            names.name(number("to"))
        ),
        "leader_review_done" => "Lederkontrollen er utført.".into(),
        "correction" => correction(&detail, &names.types),
        "refused" => match action_label(text("action").as_deref()) {
            Some(what) => format!("Ble nektet tilgang til å {what}."),
            None => "Ble nektet tilgang.".into(),
        },
        "view_item" => "Åpnet saken.".into(),
        "view_page" => match number("page") {
            Some(p) => format!("Så side {p} som bilde."),
            None => "Så et sidebilde.".into(),
        },
        "view_queue" => "Så køen.".into(),
        "login" => "Logget inn.".into(),
        "logout" => "Logget ut.".into(),
        "login_failed" => "Mislykket innlogging.".into(),
        "login_locked" => "Kontoen ble låst etter for mange mislykkede innlogginger.".into(),
        "login_refused_locked" => "Innlogging avvist: kontoen er låst.".into(),
        "audit_view" => "Leste revisjonsloggen.".into(),
        "renamed" => "Filen fikk nytt navn i samme mappe.".into(),
        "printout_written" => "Utskriften ble lagt i mappen fagsystemet henter fra.".into(),
        "quality_confirmed" => "Bekreftet skannekvaliteten: alle sider er med.".into(),
        "replaces" => "Erstatter en tidligere skanning.".into(),
        "reveal_person_id" => "Viste fullt fødselsnummer.".into(),
        "direct_allocation_refused" => {
            "Kunne ikke fordeles direkte fra saksbehandlerens hylle; venter på morgenmøtet.".into()
        }
        "content_forgotten" => "Innholdet ble slettet etter lagringsreglene.".into(),
        "shelf_shredded" => match text("shelf") {
            Some(shelf) => format!("Bekreftet makuleringshylle {shelf} makulert."),
            None => "Bekreftet en makuleringshylle makulert.".into(),
        },
        other => format!("Hendelse «{}».", other.replace('_', " ")),
    }
}

fn admitted(detail: &Value) -> String {
    let size = detail
        .get("size_bytes")
        .and_then(Value::as_u64)
        .map(|b| format!(" ({})", size_nb(b)))
        .unwrap_or_default();
    match detail.get("source").and_then(Value::as_str) {
        Some("digital") => format!("Kom inn som digital post{size}."),
        _ => format!("Kom inn i skannemappen{size}."),
    }
}

/// "850 byte", "34 kB", "1,2 MB" (Norwegian decimal comma).
fn size_nb(bytes: u64) -> String {
    if bytes < 1_000 {
        format!("{bytes} byte")
    } else if bytes < 1_000_000 {
        format!("{} kB", bytes.div_ceil(1_000))
    } else {
        format!("{:.1} MB", bytes as f64 / 1_000_000.0).replace('.', ",")
    }
}

fn transition(
    from: Option<ItemState>,
    to: Option<ItemState>,
    detail: &Value,
    names: &Names,
) -> String {
    let text = |key: &str| detail.get(key).and_then(Value::as_str);
    let number = |key: &str| detail.get(key).and_then(Value::as_i64);
    match (from, to) {
        (_, Some(ItemState::Extracted)) => {
            let pages = number("pages").unwrap_or(0);
            let pages = if pages == 1 {
                "1 side".to_owned()
            } else {
                format!("{pages} sider")
            };
            let how = match text("text_source") {
                Some("text_layer") => "fra tekstlaget",
                Some("ocr") => "med tekstgjenkjenning",
                Some("mixed") => "fra tekstlaget og med tekstgjenkjenning",
                _ => "uten lesbar tekst",
            };
            format!("Lest: {pages} {how}.")
        }
        (_, Some(ItemState::Classified)) => match text("document_type") {
            Some(t) => format!("Klassifisert som «{}».", names.types.name(Some(t))),
            None => "Klassifisert.".into(),
        },
        (_, Some(ItemState::Queued)) if text("action") == Some("return_to_meeting") => {
            "Sendt tilbake til morgenmøtet.".into()
        }
        (_, Some(ItemState::Queued)) => "Lagt i køen til morgenmøtet.".into(),
        (_, Some(ItemState::Allocated)) => {
            let to = names.name(number("to"));
            let followed = detail
                .get("suggestion")
                .and_then(Value::as_bool)
                .unwrap_or(false);
            let how = match text("action") {
                Some("take") => return format!("Tatt av {to}."),
                Some("cli") => " fra kommandolinjen",
                Some("meeting") => " i morgenmøtet",
                _ => "",
            };
            let suggestion = if followed { " (etter forslaget)" } else { "" };
            format!("Fordelt til {to}{how}{suggestion}.")
        }
        (_, Some(ItemState::Registered)) => {
            "Registrert: filen er tatt inn i saksbehandlingssystemet (den forsvant fra mappen)."
                .into()
        }
        (_, Some(ItemState::Rejected)) => {
            match text("code").and_then(|c| c.parse::<RejectCode>().ok()) {
                Some(code) => format!("Avvist: {}", code.message_nb()),
                None => "Avvist.".into(),
            }
        }
        (_, Some(ItemState::Duplicate)) => match number("duplicate_of") {
            Some(orig) => format!("Duplikat av sak {orig}: den samme filen kom inn før."),
            None => "Duplikat av en tidligere sak.".into(),
        },
        (Some(from), Some(to)) => {
            format!("Gikk fra «{}» til «{}».", from.label_nb(), to.label_nb())
        }
        _ => "Tilstanden ble endret.".into(),
    }
}

fn correction(detail: &Value, types: &Taxonomy) -> String {
    let field = detail.get("field").and_then(Value::as_str);
    let from = detail.get("from");
    let to = detail.get("to");
    let as_text = |v: Option<&Value>| v.and_then(Value::as_str).map(str::to_owned);
    match field {
        Some("document_type") => match (as_text(from), as_text(to)) {
            (Some(f), Some(t)) => format!(
                "Rettet typen fra «{}» til «{}».",
                types.name(Some(&f)),
                types.name(Some(&t))
            ),
            _ => "Rettet typen.".into(),
        },
        Some("unit") => match (as_text(from), as_text(to)) {
            (Some(f), Some(t)) => format!("Flyttet fra enhet «{f}» til «{t}»."),
            _ => "Flyttet til en annen enhet.".into(),
        },
        // The old and new title are letter content: the sentence says only
        // that it changed.
        Some("title") => "Rettet emnet.".into(),
        Some("urgent") => match to.and_then(Value::as_bool) {
            Some(true) => "Markert som hastesak.".into(),
            Some(false) => "Tok bort merket «haster».".into(),
            None => "Rettet om saken haster.".into(),
        },
        _ => "Rettet klassifiseringen.".into(),
    }
}

/// What a refused person tried to do, as the end of "… tilgang til å …".
fn action_label(action: Option<&str>) -> Option<&'static str> {
    Some(match action? {
        "view_item" => "åpne saken",
        "view_page" => "se et sidebilde",
        "allocate" => "fordele saken",
        "take" => "ta saken",
        "reallocate" => "fordele saken på nytt",
        "leader_review" | "leader_review_done" => "utføre lederkontrollen",
        "correct" => "rette klassifiseringen",
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn event(kind: &str, from: Option<&str>, to: Option<&str>, detail: Value) -> EventRow {
        EventRow {
            id: 1,
            item_id: None,
            at: "2026-12-01T09:24:00Z".parse().unwrap(),
            actor: None,
            kind: kind.into(),
            from_state: from.map(str::to_owned),
            to_state: to.map(str::to_owned),
            detail: detail.to_string(),
        }
    }

    #[test]
    fn events_read_as_sentences_without_their_detail() {
        let names = Names::of(&[], Arc::new(Taxonomy::embedded()));
        let names = Names {
            people: HashMap::from([(3, "Kari Saksbehandler".to_owned())]),
            ..names
        };
        let cases = [
            (
                event(
                    "admitted",
                    None,
                    None,
                    serde_json::json!({"file_name": "Kari Vik klage.pdf", "source": "digital", "size_bytes": 34_500}),
                ),
                "Kom inn som digital post (35 kB).",
            ),
            (
                event(
                    "transition",
                    Some("admitted"),
                    Some("extracted"),
                    serde_json::json!({"pages": 2, "text_source": "ocr"}),
                ),
                "Lest: 2 sider med tekstgjenkjenning.",
            ),
            (
                event(
                    "transition",
                    Some("extracted"),
                    Some("classified"),
                    serde_json::json!({"document_type": "klage", "unit": "mta"}),
                ),
                "Klassifisert som «Klage».",
            ),
            (
                event(
                    "transition",
                    Some("queued"),
                    Some("allocated"),
                    serde_json::json!({"action": "meeting", "to": 3, "suggestion": true}),
                ),
                "Fordelt til Kari Saksbehandler i morgenmøtet (etter forslaget).",
            ),
            (
                event(
                    "transition",
                    Some("admitted"),
                    Some("rejected"),
                    serde_json::json!({"code": "empty"}),
                ),
                "Avvist: Filen er tom.",
            ),
            (
                event(
                    "correction",
                    None,
                    None,
                    serde_json::json!({"field": "title", "from": "a", "to": "b"}),
                ),
                "Rettet emnet.",
            ),
            (
                event(
                    "refused",
                    None,
                    None,
                    serde_json::json!({"action": "view_item"}),
                ),
                "Ble nektet tilgang til å åpne saken.",
            ),
            (
                event("some_new_kind", None, None, serde_json::json!({"x": 1})),
                "Hendelse «some new kind».",
            ),
        ];
        for (e, want) in cases {
            assert_eq!(sentence(&e, &names), want, "{}", e.kind);
        }
    }
}
