//! The policy as pure functions: for one item, whether and from which day
//! its content (and later its record) may be deleted, and why. No IO.
//!
//! **Invariant:** an item the case system has not taken (admitted,
//! extracted, classified, queued, allocated) is never due, whatever its age.
//! Days are Europe/Oslo calendar days: content registered on 1 March with a
//! 30-day grace is deleted by the first sweep on or after 31 March.

use std::collections::HashMap;

use chrono::{DateTime, Months, NaiveDate, Utc};

use super::ForgetConfig;
use crate::calendar::{add_days, oslo_date};
use crate::item::{ItemId, ItemState};
use crate::store::forget::ForgetRow;
use crate::string_enum::string_enum;

string_enum! {
    /// Why content is deleted.
    #[derive(PartialOrd, Ord)]
    pub enum Policy("forget policy") {
        /// Registered in the case system, grace period over.
        Registered => "registered",
        /// Refused, `refused_days` over.
        Refused => "refused",
        /// A duplicate whose original's content is deleted.
        Duplicate => "duplicate",
    }
}

impl Policy {
    pub fn parse(s: &str) -> Option<Policy> {
        s.parse().ok()
    }

    /// Norwegian reason with the configured period, for the plan.
    pub fn label_nb(self, cfg: &ForgetConfig) -> String {
        match self {
            Policy::Registered => format!(
                "registrert i saksbehandlingssystemet for {} dager siden",
                cfg.registered_grace_days
            ),
            Policy::Refused => format!("avvist for {} dager siden", cfg.refused_days),
            Policy::Duplicate => "duplikat av en sak der innholdet er slettet".into(),
        }
    }
}

/// The decision for one item.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    /// Not taken by the case system: kept, no date.
    Keep,
    /// Content is deleted from this day on.
    Content { on: NaiveDate, policy: Policy },
    /// Content is gone; the record is deleted from this day on.
    Record { on: NaiveDate },
}

fn day(at: Option<DateTime<Utc>>) -> Option<NaiveDate> {
    at.map(oslo_date)
}

/// The day `row`'s content is due, or `None` while it must be kept.
fn content_due(
    cfg: &ForgetConfig,
    row: &ForgetRow,
    all: &HashMap<ItemId, ForgetRow>,
    depth: u8,
) -> Option<(NaiveDate, Policy)> {
    if let Some(done) = day(row.content_forgotten_at) {
        return Some((done, Policy::Registered));
    }
    match row.state {
        ItemState::Registered => {
            let on = day(row.registered_at)?;
            Some((add_days(on, cfg.registered_grace_days), Policy::Registered))
        }
        ItemState::Rejected => {
            let on = day(row.rejected_at).or(day(Some(row.received_at)))?;
            Some((add_days(on, cfg.refused_days), Policy::Refused))
        }
        // A duplicate goes with its original; a superseded scan with its
        // replacement (its paper follows the replacement too).
        ItemState::Duplicate | ItemState::Superseded if depth == 0 => {
            let original = all.get(&row.follows?)?;
            let (orig_due, _) = content_due(cfg, original, all, depth + 1)?;
            // Staff still get the grace period to see a late duplicate.
            let own = add_days(day(Some(row.received_at))?, cfg.registered_grace_days);
            Some((orig_due.max(own), Policy::Duplicate))
        }
        _ => None,
    }
}

/// What to do with `row` as of `today`'s policy (dates may lie in the
/// future: the plan shows them).
pub fn decide(cfg: &ForgetConfig, row: &ForgetRow, all: &HashMap<ItemId, ForgetRow>) -> Decision {
    if let Some(done) = day(row.content_forgotten_at) {
        // The record's age counts from when the item was handled.
        let handled = day(row.registered_at)
            .or(day(row.rejected_at))
            .unwrap_or(done);
        let on = handled
            .checked_add_months(Months::new(cfg.keep_records_years.saturating_mul(12)))
            .unwrap_or(NaiveDate::MAX);
        return Decision::Record { on };
    }
    match content_due(cfg, row, all, 0) {
        Some((on, policy)) => Decision::Content { on, policy },
        None => Decision::Keep,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(id: i64, state: ItemState, registered: Option<&str>) -> ForgetRow {
        ForgetRow {
            id: ItemId(id),
            state,
            received_at: t("2026-03-01T09:00:00+00:00"),
            registered_at: registered.map(t),
            rejected_at: None,
            follows: None,
            content_forgotten_at: None,
        }
    }

    fn t(s: &str) -> DateTime<Utc> {
        s.parse().unwrap()
    }

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn unregistered_items_are_never_due() {
        let cfg = ForgetConfig::default();
        let all = HashMap::new();
        for state in [
            ItemState::Admitted,
            ItemState::Extracted,
            ItemState::Classified,
            ItemState::Queued,
            ItemState::Allocated,
        ] {
            assert_eq!(decide(&cfg, &row(1, state, None), &all), Decision::Keep);
        }
    }

    #[test]
    fn registered_content_is_due_after_the_grace_period_in_oslo_days() {
        let cfg = ForgetConfig::default();
        // 23:30 UTC on 1 March is 2 March in Oslo.
        let r = row(1, ItemState::Registered, Some("2026-03-01T23:30:00+00:00"));
        assert_eq!(
            decide(&cfg, &r, &HashMap::new()),
            Decision::Content {
                on: d("2026-04-01"),
                policy: Policy::Registered
            }
        );
    }

    #[test]
    fn a_duplicate_follows_its_original_but_keeps_its_own_grace() {
        let cfg = ForgetConfig::default();
        let original = row(1, ItemState::Registered, Some("2026-03-01T09:00:00+00:00"));
        let mut dup = row(2, ItemState::Duplicate, None);
        dup.follows = Some(ItemId(1));
        let mut all = HashMap::new();
        all.insert(ItemId(1), original);
        assert_eq!(
            decide(&cfg, &dup, &all),
            Decision::Content {
                on: d("2026-03-31"),
                policy: Policy::Duplicate
            }
        );
        all.insert(ItemId(1), row(1, ItemState::Queued, None));
        assert_eq!(decide(&cfg, &dup, &all), Decision::Keep);
    }

    #[test]
    fn a_forgotten_item_keeps_its_record_for_the_configured_years() {
        let cfg = ForgetConfig::default();
        let mut r = row(1, ItemState::Registered, Some("2026-03-01T09:00:00+00:00"));
        r.content_forgotten_at = Some(t("2026-04-01T01:00:00+00:00"));
        assert_eq!(
            decide(&cfg, &r, &HashMap::new()),
            Decision::Record {
                on: d("2031-03-01")
            }
        );
    }
}
