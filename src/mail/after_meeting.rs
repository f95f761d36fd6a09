//! After the meeting, one mail per caseworker with what they got: item
//! numbers, document types, urgent and appeal marks, the one-month date
//! (forvaltningsloven § 11 a) and a link to *Min post*. No letter text, no
//! titles, no names, no person IDs.
//!
//! A round closes when allocations have been quiet for
//! `mail.after_meeting_quiet_secs`, or when a leader ends meeting mode
//! (event `meeting_ended`). Each person's allocations of the round go into
//! one mail.
//!
//! **Invariant:** an allocation is mailed once, ever: the outbox row and the
//! `allocation_mail` rows are written in one transaction, and the notice key
//! is derived from the allocations it tells of, so a restart repeats nothing.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Months, Utc};
use maud::{html, DOCTYPE};
use sha2::{Digest, Sha256};
use tokio_util::sync::CancellationToken;

use super::compose::{self, Composed};
use super::MailError;
use crate::calendar;
use crate::classify::{Routine, Taxonomy};
use crate::config::Config;
use crate::store::after_meeting::{self, Untold};
use crate::store::{users, Store};

const FOOTER: &str = "Sendt automatisk av postmottak. E-posten inneholder ingen \
                      personopplysninger; åpne tavlen for å se sakene.";

/// Whether the round of allocations in `untold` is over at `now`.
fn round_closed(
    untold: &[Untold],
    meeting_ended: Option<DateTime<Utc>>,
    quiet: chrono::Duration,
    now: DateTime<Utc>,
) -> bool {
    let Some(latest) = untold.iter().map(|u| u.allocated_at).max() else {
        return false;
    };
    if meeting_ended.is_some_and(|ended| ended >= latest) {
        return true;
    }
    latest + quiet <= now
}

/// One person's part of the round as a composed mail.
fn compose_for(
    user_id: i64,
    items: &[Untold],
    types: &Taxonomy,
    board: Option<&str>,
    now: DateTime<Utc>,
) -> Composed {
    let mut hasher = Sha256::new();
    for i in items {
        hasher.update(format!("{}@{};", i.item, i.allocated_at.to_rfc3339()).as_bytes());
    }
    let digest = hex::encode(&hasher.finalize()[..12]);
    let today = calendar::date_nb(calendar::oslo_date(now));
    let n = items.len();
    let subject = if n == 1 {
        "Ny post til deg fra morgenmøtet: 1 sak".to_owned()
    } else {
        format!("Ny post til deg fra morgenmøtet: {n} saker")
    };
    let lines: Vec<String> = items.iter().map(|u| line(u, types)).collect();
    // Without a board address people can reach, the mail says where to look
    // instead of printing a dead link (issue 15).
    let link = board.map(|board| format!("{board}/min-post"));
    let mut text = format!("Hei,\n\nDu har fått {n} ny(e) sak(er) {today}:\n\n");
    for l in &lines {
        text.push_str(&format!("- {l}\n"));
    }
    match &link {
        Some(link) => text.push_str(&format!(
            "\nSe sakene og journalføringskortet i Min post:\n{link}\n"
        )),
        None => text.push_str("\nSe sakene og journalføringskortet i Min post på tavlen.\n"),
    }
    text.push_str(&format!("\n-- \n{FOOTER}\n"));
    let html = html! {
        (DOCTYPE)
        html lang="nb" {
            head { meta charset="utf-8"; title { (subject) } }
            body style="font-family:sans-serif" {
                p { "Hei," }
                p { "Du har fått " (n) " ny(e) sak(er) " (today) ":" }
                ul { @for l in &lines { li { (l) } } }
                @match &link {
                    Some(link) => p { a href=(link) { "Åpne Min post" } },
                    None => p { "Se sakene i Min post på tavlen." },
                }
                p style="color:#666;font-size:small" { (FOOTER) }
            }
        }
    }
    .into_string();
    Composed {
        notice_key: format!("after_meeting:{user_id}:{digest}"),
        kind: "after_meeting",
        subject,
        text,
        html,
        attachment: None,
    }
}

/// "Sak 12: Søknad om BPA · HASTER · KLAGE · én måned 05.12.2026 (fvl. § 11 a)".
fn line(u: &Untold, types: &Taxonomy) -> String {
    let mut parts = vec![format!(
        "Sak {}: {}",
        u.item,
        types.name(u.document_type.as_deref())
    )];
    if u.urgent {
        parts.push("HASTER".into());
    }
    if types.routine(u.document_type.as_deref()) == Some(Routine::Appeal) {
        parts.push("KLAGE".into());
    }
    let (received, _) = calendar::received_day(u.stamped_date, u.received_at);
    if let Some(month) = received.checked_add_months(Months::new(1)) {
        parts.push(format!(
            "én måned {} (foreløpig svar etter fvl. § 11 a om saken ikke kan besvares innen da)",
            calendar::date_nb(month)
        ));
    }
    parts.join(" · ")
}

/// Queues the mails of a closed round, naming types as `types` does.
/// Returns how many were queued.
pub fn enqueue_round(
    store: &Store,
    config: &Config,
    types: &Taxonomy,
    now: DateTime<Utc>,
) -> Result<usize, MailError> {
    let untold = after_meeting::untold(store)?;
    let ended = after_meeting::last_meeting_end(store)?;
    let quiet = chrono::Duration::seconds(config.raw.mail.after_meeting_quiet_secs as i64);
    if !round_closed(&untold, ended, quiet, now) {
        return Ok(0);
    }
    let mut by_user: BTreeMap<i64, Vec<Untold>> = BTreeMap::new();
    for u in untold {
        by_user.entry(u.user_id).or_default().push(u);
    }
    let board = super::mail_board_url(config);
    let from = &config.raw.mail.from;
    let mut queued = 0;
    for (user_id, items) in by_user {
        let address = users::get(store, user_id)?
            .filter(|u| !u.disabled)
            .and_then(|u| u.email)
            .filter(|e| !e.trim().is_empty());
        let composed = compose_for(user_id, &items, types, board.as_deref(), now);
        let tx = store.write_spanning().map_err(MailError::Store)?;
        match &address {
            Some(address) => {
                if compose::enqueue(store, from, std::slice::from_ref(address), &composed, now)? {
                    queued += 1;
                }
                after_meeting::record_told(store, &items, &composed.notice_key)?;
            }
            None => {
                // Nobody to tell: remember that, or every cycle would try.
                tracing::warn!(
                    user = user_id,
                    "saksbehandler uten e-postadresse; ingen e-post etter møtet"
                );
                after_meeting::record_told(store, &items, "no_address")?;
            }
        }
        tx.commit().map_err(MailError::Store)?;
    }
    Ok(queued)
}

/// The daemon task: looks for a closed round every few seconds.
pub async fn run(config: Arc<Config>, token: CancellationToken) -> Result<(), MailError> {
    let path = config.database_path();
    // Polled every few seconds: a small page cache.
    let store = super::blocking(move || crate::store::Db::open_small(&path)).await??;
    // The rules file the classifier reads names the types.
    let types = Arc::new(Taxonomy::from_config(&config)?);
    let every = Duration::from_secs_f64(config.raw.mail.poll_secs.clamp(0.05, 5.0));
    loop {
        let (c, t) = (config.clone(), types.clone());
        match store
            .run(move |s| enqueue_round(s, &c, &t, Utc::now()))
            .await
        {
            Ok(0) => {}
            Ok(n) => tracing::info!(mails = n, "e-post etter morgenmøtet lagt i utboksen"),
            Err(e) => {
                tracing::warn!(error = %e, "e-post etter møtet feilet; prøver igjen")
            }
        }
        tokio::select! {
            _ = token.cancelled() => return Ok(()),
            _ = tokio::time::sleep(every) => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::item::ItemId;

    fn untold(id: i64, at: &str, doc: &str, urgent: bool) -> Untold {
        Untold {
            item: ItemId(id),
            user_id: 2,
            allocated_at: at.parse().unwrap(),
            document_type: Some(doc.into()),
            urgent,
            received_at: "2026-11-30T08:00:00Z".parse().unwrap(),
            stamped_date: None,
        }
    }

    #[test]
    fn a_round_closes_after_the_quiet_period_or_when_the_meeting_ends() {
        let items = [untold(1, "2026-12-01T08:00:00+00:00", "klage", false)];
        let quiet = chrono::Duration::minutes(15);
        let at = |s: &str| s.parse::<DateTime<Utc>>().unwrap();
        assert!(!round_closed(
            &items,
            None,
            quiet,
            at("2026-12-01T08:10:00Z")
        ));
        assert!(round_closed(
            &items,
            None,
            quiet,
            at("2026-12-01T08:15:00Z")
        ));
        assert!(round_closed(
            &items,
            Some(at("2026-12-01T08:05:00+00:00")),
            quiet,
            at("2026-12-01T08:06:00Z")
        ));
        assert!(!round_closed(&[], None, quiet, at("2026-12-01T09:00:00Z")));
    }

    #[test]
    fn the_mail_names_numbers_types_and_marks_and_nothing_private() {
        let items = [
            untold(12, "2026-12-01T08:00:00+00:00", "soknad_bpa", true),
            untold(14, "2026-12-01T08:01:00+00:00", "klage", false),
        ];
        let now = "2026-12-01T08:30:00Z".parse().unwrap();
        let types = Taxonomy::embedded();
        let m = compose_for(2, &items, &types, Some("http://tavle"), now);
        assert!(
            m.text.contains("Sak 12: Søknad om BPA · HASTER"),
            "{}",
            m.text
        );
        assert!(m.text.contains("Sak 14: Klage · KLAGE"), "{}", m.text);
        assert!(m.text.contains("30.12.2026"), "{}", m.text);
        assert!(m.text.contains("http://tavle/min-post"));
        let again = compose_for(2, &items, &types, Some("http://tavle"), now);
        assert_eq!(
            (m.notice_key.as_str(), m.text.as_str()),
            (again.notice_key.as_str(), again.text.as_str()),
            "stable"
        );
        assert_ne!(
            m.notice_key,
            compose_for(2, &items[..1], &types, Some("http://tavle"), now).notice_key
        );
    }
}
