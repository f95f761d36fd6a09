//! The item page's view of an e-mail or SvarInn delivery: header fields,
//! the body as text (never rendered as HTML: maud escapes it), and the
//! documents with links to their pages in the printout.

use maud::{html, Markup};

use crate::classify::Routine;
use crate::extract::delivery::{type_label, DeliveryKind};
use crate::store::deliveries::DeliveryView;
use crate::web::layout::local_time;

/// A request for access that came by e-mail: the sender's identity must be
/// confirmed before anything is sent (eForvaltningsforskriften § 4).
pub(crate) fn identity_check(kind: Option<DeliveryKind>, routine: Option<Routine>) -> bool {
    kind == Some(DeliveryKind::Email) && routine == Some(Routine::AccessRequest)
}

pub(crate) const IDENTITY_TEXT: &str = "Innsynsbegjæring på e-post: bekreft avsenderens identitet \
     før noe sendes ut (eForvaltningsforskriften § 4).";

fn size_label(bytes: u64) -> String {
    if bytes >= 1024 * 1024 {
        format!("{:.1} MB", bytes as f64 / (1024.0 * 1024.0))
    } else {
        format!("{} kB", bytes.div_ceil(1024))
    }
}

pub(crate) fn section(d: &DeliveryView, routine: Option<Routine>) -> Markup {
    let heading = match d.kind {
        DeliveryKind::Email => "E-post",
        DeliveryKind::SvarUt => "Forsendelse fra SvarUt",
    };
    let from = match (&d.from_name, &d.from_address) {
        (Some(n), Some(a)) => format!("{n} <{a}>"),
        (Some(n), None) => n.clone(),
        (None, Some(a)) => a.clone(),
        (None, None) => "–".into(),
    };
    html! {
        section.delivery aria-labelledby="delivery-h" {
            h2 #delivery-h { (heading) }
            @if identity_check(Some(d.kind), routine) {
                p.alert.identity role="status" { (IDENTITY_TEXT) }
            }
            dl {
                dt { "Fra" } dd { (from) }
                @if !d.to.is_empty() { dt { "Til" } dd { (d.to.join(", ")) } }
                @if !d.cc.is_empty() { dt { "Kopi" } dd { (d.cc.join(", ")) } }
                dt { "Dato" } dd { (d.sent_at.as_ref().map(local_time).unwrap_or_else(|| "–".into())) }
                dt { "Emne" } dd { (d.subject.as_deref().unwrap_or("–")) }
                @if let Some(m) = &d.message_id { dt { "Meldings-ID" } dd { (m) } }
                @if let Some(r) = &d.sender_reference { dt { "Avsenders referanse" } dd { (r) } }
                @if let Some(f) = &d.forsendelse_id { dt { "Forsendelses-ID" } dd { (f) } }
                @if let Some(p) = &d.printout { dt { "Utskrift levert" } dd { (p) } }
            }
            @for note in &d.notes { p.alert role="status" { (note) } }
            h3 { "Tekst" }
            pre.text.body { (d.body) }
            h3 { "Dokumenter" }
            ol.documents {
                @for doc in &d.documents {
                    li {
                        (doc.name) " (" (type_label(&doc.media_type)) ", " (size_label(doc.size)) ")"
                        @if doc.page_count > 0 {
                            " – "
                            a href={ "#side-" (doc.first_page) } {
                                @if doc.page_count == 1 { "side " (doc.first_page) }
                                @else { "side " (doc.first_page) "–" (doc.first_page + doc.page_count - 1) }
                            }
                        }
                        @if let Some(flag) = &doc.flag { " " span.flag.quality { "Ikke lest: " (flag) } }
                    }
                }
            }
        }
    }
}
