//! The scheduler: given "now", queues every notice and report that is due
//! and not yet queued. Idempotent: each notice has a key (`shelf:2026-09:
//! ready`, `report:deviation:2026-11-30`) and the outbox refuses a key twice,
//! so running it every few seconds, or after a restart, queues nothing twice.
//!
//! A scheduled report is keyed by the day it fell due, and the scheduler
//! always looks at each schedule's most recent due moment: a report that fell
//! due while the daemon was stopped (Monday's backlog report, daemon down
//! until Tuesday) is sent once when it starts again, and never twice. Only
//! moments on or after the day the scheduler first ran count, so a new
//! installation does not send last week's reports. Shelf notices are
//! state-based and go out on the first run after the shelf's date.

use chrono::{DateTime, Datelike, NaiveDate, Utc};

use super::compose::{self, Composed};
use super::notices::{self, BlockingLine, ShelfNotice};
use super::MailError;
use crate::access;
use crate::calendar::{self, date_label_nb};
use crate::config::Config;
use crate::report::{self, ReportContext, ScheduleEntry, ScheduledReport};
use crate::retention::{self, Shelf, ShelfState};
use crate::store::users;
use crate::store::Store;

/// Queues what is due at `now`; returns how many mails were queued.
pub fn enqueue_due(store: &Store, config: &Config, now: DateTime<Utc>) -> Result<usize, MailError> {
    let mut queued = shelf_notices(store, config, now)?;
    let first_day = calendar::oslo_date(crate::store::operations::service_mark(
        store, FIRST_RUN, now,
    )?);
    for entry in &config.raw.reports.schedule {
        if let Some(day) = last_due_day(entry, now).filter(|d| *d >= first_day) {
            queued += scheduled_report(store, config, entry.report, day, now)?;
        }
    }
    Ok(queued)
}

/// `service_marks` name of the scheduler's first run.
const FIRST_RUN: &str = "scheduler_first_run";

/// The Oslo day of the schedule's most recent due moment at or before
/// `now`, looking back one week (every schedule repeats weekly).
fn last_due_day(entry: &ScheduleEntry, now: DateTime<Utc>) -> Option<NaiveDate> {
    let local = calendar::oslo_datetime(now);
    (0..7u64)
        .filter_map(|back| {
            Some((
                back,
                local.date().checked_sub_days(chrono::Days::new(back))?,
            ))
        })
        .find(|(back, day)| {
            entry.days.contains(&day.weekday()) && (*back > 0 || local.time() >= entry.time)
        })
        .map(|(_, day)| day)
}

fn send(
    store: &Store,
    config: &Config,
    recipients: &[String],
    notice: &Composed,
    now: DateTime<Utc>,
) -> Result<usize, MailError> {
    if recipients.is_empty() {
        // The service warns once at start when a role has no address; this
        // runs every cycle, so only at debug level here.
        tracing::debug!(notice = %notice.notice_key, "ingen mottakere for varselet");
        return Ok(0);
    }
    let new = compose::enqueue(store, &config.raw.mail.from, recipients, notice, now)?;
    if new {
        tracing::info!(notice = %notice.notice_key, "varsel lagt i utboksen");
    }
    Ok(usize::from(new))
}

/// The Oslo day a notice was queued, if it was.
fn queued_on(store: &Store, key: &str) -> Result<Option<NaiveDate>, MailError> {
    Ok(crate::store::outbox::outbox_notice_created_at(store, key)?.map(calendar::oslo_date))
}

/// The notice due for a shelf today, if any. Reminders count whole periods
/// of `every` days from the day the first notice was queued, so a first
/// notice is never followed by a reminder on the same day, however late the
/// service first ran.
fn due_shelf_notice(
    store: &Store,
    shelf: &Shelf,
    today: NaiveDate,
    every: u32,
) -> Result<Option<ShelfNotice>, MailError> {
    let (first, reminder): (ShelfNotice, fn(i64) -> ShelfNotice) = match shelf.state {
        ShelfState::Ready => (ShelfNotice::Ready, ShelfNotice::ReadyReminder),
        ShelfState::Blocked => (ShelfNotice::Blocked(0), ShelfNotice::Blocked),
        ShelfState::Filling | ShelfState::Waiting | ShelfState::Shredded => return Ok(None),
    };
    let Some(first_day) = queued_on(store, &first.key(shelf))? else {
        return Ok(Some(first));
    };
    if every == 0 {
        return Ok(None);
    }
    let n = (today - first_day).num_days() / i64::from(every);
    Ok((n >= 1).then(|| reminder(n)))
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
        if crate::store::outbox::outbox_has_notice(store, &notice.key(&shelf))? {
            continue;
        }
        let blocking = shelf
            .blockers()
            .map(|item| {
                Ok(BlockingLine {
                    masked_ids: crate::store::reports::masked_person_ids(store, item.id)?
                        .join(", "),
                    item: item.clone(),
                })
            })
            .collect::<Result<Vec<_>, MailError>>()?;
        let mail = &config.raw.mail;
        let board = super::mail_board_url(config);
        let composed =
            notices::shelf_notice(notice, &shelf, &blocking, board.as_deref(), &mail.from, now);
        let recipients = mail.recipients_for(access::RECORDS_KEEPER, store)?;
        queued += send(store, config, &recipients, &composed, now)?;
    }
    Ok(queued)
}

fn scheduled_report(
    store: &Store,
    config: &Config,
    which: ScheduledReport,
    // The day it fell due (today, or a day the daemon was stopped).
    today: NaiveDate,
    now: DateTime<Utc>,
) -> Result<usize, MailError> {
    let ctx = ReportContext {
        store,
        reports: &config.raw.reports,
        retention: &config.raw.retention,
        taxonomy: std::sync::Arc::new(crate::classify::Taxonomy::from_config(config)?),
        now,
    };
    let mail = &config.raw.mail;
    let board = super::mail_board_url(config);
    let day = date_label_nb(today);
    match which {
        ScheduledReport::Backlog => {
            let mut queued = 0;
            for user in users::with_role(store, access::OWN_BACKLOG_READER)? {
                let key = format!("report:backlog:{today}:{}", user.username);
                if crate::store::outbox::outbox_has_notice(store, &key)? {
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
                let composed = notices::report_mail(&report, key, subject, board.as_deref());
                queued += send(store, config, &[email], &composed, now)?;
            }
            Ok(queued)
        }
        ScheduledReport::Deviation => {
            let key = format!("report:deviation:{today}");
            if crate::store::outbox::outbox_has_notice(store, &key)? {
                return Ok(0);
            }
            let report = report::deviation(&ctx, None)?;
            let subject = format!("Avviksrapport {day}: {} avvik", report.row_count());
            let composed = notices::report_mail(&report, key, subject, board.as_deref());
            let recipients = mail.recipients_for(access::RECORDS_KEEPER, store)?;
            send(store, config, &recipients, &composed, now)
        }
        ScheduledReport::AccessRequests => {
            let key = format!("report:access-requests:{today}");
            if crate::store::outbox::outbox_has_notice(store, &key)? {
                return Ok(0);
            }
            let report = report::access_requests(&ctx, None)?;
            let subject = format!(
                "Innsynsbegjæringer {day}: {} ikke registrert",
                report.row_count()
            );
            let composed = notices::report_mail(&report, key, subject, board.as_deref());
            let recipients = mail.recipients_for(access::RECORDS_KEEPER, store)?;
            send(store, config, &recipients, &composed, now)
        }
    }
}
