//! The scheduler: given "now", queues every notice and report that is due
//! and not yet queued. Idempotent: each notice has a key (`shelf:2026-09:
//! ready`, `report:deviation:2026-11-30`) and the outbox refuses a key twice,
//! so running it every few seconds, or after a restart, queues nothing twice.
//!
//! A day the daemon was down entirely is not caught up for reports (Monday's
//! backlog report is not sent on Tuesday); shelf notices are state-based and
//! go out on the first run after the shelf's date.

use chrono::{DateTime, Datelike, Utc};

use super::compose::{self, Composed};
use super::notices::{self, BlockingLine, ShelfNotice};
use super::MailError;
use crate::calendar::{self, date_label_nb};
use crate::config::Config;
use crate::item::Role;
use crate::report::{self, ReportContext, ScheduleEntry, ScheduledReport};
use crate::retention::{self, Shelf, ShelfState};
use crate::store::Store;

/// Queues what is due at `now`; returns how many mails were queued.
pub fn enqueue_due(store: &Store, config: &Config, now: DateTime<Utc>) -> Result<usize, MailError> {
    let mut queued = shelf_notices(store, config, now)?;
    for entry in &config.raw.reports.schedule {
        if is_due(entry, now) {
            queued += scheduled_report(store, config, entry.report, now)?;
        }
    }
    Ok(queued)
}

fn is_due(entry: &ScheduleEntry, now: DateTime<Utc>) -> bool {
    let local = calendar::oslo_datetime(now);
    entry.days.contains(&local.weekday()) && local.time() >= entry.time
}

fn send(
    store: &Store,
    config: &Config,
    recipients: &[String],
    notice: &Composed,
    now: DateTime<Utc>,
) -> Result<usize, MailError> {
    if recipients.is_empty() {
        if !store.outbox_has_notice(&notice.notice_key)? {
            tracing::warn!(
                notice = %notice.notice_key,
                "ingen mottakere for varselet; sett [mail.recipients] eller e-post på brukerne"
            );
        }
        return Ok(0);
    }
    let new = compose::enqueue(store, &config.raw.mail.from, recipients, notice, now)?;
    if new {
        tracing::info!(notice = %notice.notice_key, "varsel lagt i utboksen");
    }
    Ok(usize::from(new))
}

/// The notice due for a shelf today, if any.
fn due_shelf_notice(
    store: &Store,
    shelf: &Shelf,
    today: chrono::NaiveDate,
    every: u32,
) -> Result<Option<ShelfNotice>, MailError> {
    let days_since = (today - shelf.shred_from).num_days();
    let period = i64::from(every.max(1));
    let n = if every == 0 { 0 } else { days_since / period };
    Ok(match shelf.state {
        ShelfState::Ready => {
            // The first notice before any reminder, even when the daemon
            // first runs weeks after the date.
            if n == 0 || !store.outbox_has_notice(&ShelfNotice::Ready.key(shelf))? {
                Some(ShelfNotice::Ready)
            } else {
                Some(ShelfNotice::ReadyReminder(n))
            }
        }
        ShelfState::Blocked => Some(ShelfNotice::Blocked(n)),
        ShelfState::Filling | ShelfState::Waiting | ShelfState::Shredded => None,
    })
}

fn shelf_notices(store: &Store, config: &Config, now: DateTime<Utc>) -> Result<usize, MailError> {
    let today = calendar::oslo_date(now);
    let retention_cfg = &config.raw.retention;
    let mut queued = 0;
    for shelf in retention::shelves(store, retention_cfg, today)? {
        let Some(notice) = due_shelf_notice(store, &shelf, today, retention_cfg.reminder_days)?
        else {
            continue;
        };
        if store.outbox_has_notice(&notice.key(&shelf))? {
            continue;
        }
        let blocking = shelf
            .blockers()
            .map(|item| {
                Ok(BlockingLine {
                    masked_ids: store.masked_person_ids(item.id)?.join(", "),
                    item: item.clone(),
                })
            })
            .collect::<Result<Vec<_>, MailError>>()?;
        let mail = &config.raw.mail;
        let board = super::board_url(config);
        let composed = notices::shelf_notice(notice, &shelf, &blocking, &board, &mail.from, now);
        let recipients = mail.recipients_for(Role::RecordsOfficer, store)?;
        queued += send(store, config, &recipients, &composed, now)?;
    }
    Ok(queued)
}

fn scheduled_report(
    store: &Store,
    config: &Config,
    which: ScheduledReport,
    now: DateTime<Utc>,
) -> Result<usize, MailError> {
    let today = calendar::oslo_date(now);
    let ctx = ReportContext {
        store,
        reports: &config.raw.reports,
        retention: &config.raw.retention,
        now,
    };
    let mail = &config.raw.mail;
    let board = super::board_url(config);
    let day = date_label_nb(today);
    match which {
        ScheduledReport::Backlog => {
            let mut queued = 0;
            for user in store.users_with_role(Role::Caseworker)? {
                let key = format!("report:backlog:{today}:{}", user.username);
                if store.outbox_has_notice(&key)? {
                    continue;
                }
                let Some(email) = user.email.clone().filter(|e| !e.trim().is_empty()) else {
                    continue;
                };
                let report = report::backlog(&ctx, Some(user.id), None)?;
                let n = report.row_count();
                if n == 0 {
                    continue;
                }
                let subject = format!(
                    "Restanse {day}: {n} {} fordelt til deg er ikke registrert",
                    if n == 1 { "dokument" } else { "dokumenter" }
                );
                let composed = notices::report_mail(&report, key, subject, &board);
                queued += send(store, config, &[email], &composed, now)?;
            }
            Ok(queued)
        }
        ScheduledReport::Deviation => {
            let key = format!("report:deviation:{today}");
            if store.outbox_has_notice(&key)? {
                return Ok(0);
            }
            let report = report::deviation(&ctx, None)?;
            let subject = format!("Avviksrapport {day}: {} avvik", report.row_count());
            let composed = notices::report_mail(&report, key, subject, &board);
            let recipients = mail.recipients_for(Role::RecordsOfficer, store)?;
            send(store, config, &recipients, &composed, now)
        }
        ScheduledReport::AccessRequests => {
            let key = format!("report:access-requests:{today}");
            if store.outbox_has_notice(&key)? {
                return Ok(0);
            }
            let report = report::access_requests(&ctx, None)?;
            let subject = format!(
                "Innsynsbegjæringer {day}: {} ikke registrert",
                report.row_count()
            );
            let composed = notices::report_mail(&report, key, subject, &board);
            let recipients = mail.recipients_for(Role::RecordsOfficer, store)?;
            send(store, config, &recipients, &composed, now)
        }
    }
}
