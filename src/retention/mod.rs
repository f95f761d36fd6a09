//! Retention: the shred shelves of scanned paper originals (DESIGN.md §9).
//!
//! Every scanned item (`source = scan`) sits on the shelf of the month it was
//! scanned in, by its `received_at` in Europe/Oslo. The originals must be kept
//! `min_days` (default 62) full days after the month's last day; the shelf may
//! be shredded from the day after ("september 2026" → 2 December 2026).
//!
//! **Invariants:** a shelf is only ever confirmed shredded when it is
//! [`ShelfState::Ready`] on the day of shredding; a confirmation names the
//! person, the day and every item, and is never changed or deleted (the
//! schema refuses it). Nothing here sends mail: `mail::scheduler` reads the
//! shelves and queues notices.

use std::collections::BTreeMap;
use std::fmt;
use std::str::FromStr;

use chrono::{Datelike, NaiveDate, Utc};

pub mod config;

pub use config::RetentionConfig;

use crate::access;
use crate::calendar::{self, add_days, last_day_of_month, month_label_nb};
use crate::item::{ItemId, ItemState, QualityFlag};
use crate::store::shelves::{ConfirmationRow, NewConfirmation, ScanItemRow};
use crate::store::users;
use crate::store::{Store, StoreError};
use crate::string_enum::string_enum;

#[derive(Debug, thiserror::Error)]
pub enum RetentionError {
    #[error("ukjent makuleringshylle {0:?}: bruk formen ÅÅÅÅ-MM, for eksempel 2026-09")]
    BadShelfId(String),
    #[error("makuleringshylle {0} har ingen skannede dokumenter")]
    EmptyShelf(ShelfId),
    #[error("ukjent bruker {0:?}")]
    UnknownUser(String),
    #[error("{user} er {role}; bare arkivansvarlig kan bekrefte makulering")]
    NotRecordsOfficer { user: String, role: String },
    #[error("makuleringshylle {shelf} kan ikke makuleres: {reason}")]
    NotReady { shelf: ShelfId, reason: String },
    #[error("makuleringsdatoen {0} er i fremtiden")]
    FutureDate(NaiveDate),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// A shelf: the month its originals were scanned in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ShelfId {
    pub year: i32,
    pub month: u32,
}

impl ShelfId {
    pub fn of_date(date: NaiveDate) -> ShelfId {
        ShelfId {
            year: date.year(),
            month: date.month(),
        }
    }

    pub fn first_day(self) -> NaiveDate {
        NaiveDate::from_ymd_opt(self.year, self.month, 1).unwrap_or(NaiveDate::MIN)
    }

    pub fn last_day(self) -> NaiveDate {
        last_day_of_month(self.first_day())
    }

    /// The first day the shelf may be shredded: `min_days` full days after
    /// the month's last day have passed.
    pub fn shred_from(self, min_days: u32) -> NaiveDate {
        add_days(self.last_day(), min_days.saturating_add(1))
    }

    /// "september 2026".
    pub fn label_nb(self) -> String {
        month_label_nb(self.year, self.month)
    }
}

impl fmt::Display for ShelfId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}", self.year, self.month)
    }
}

impl FromStr for ShelfId {
    type Err = RetentionError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let bad = || RetentionError::BadShelfId(s.chars().take(20).collect());
        let (y, m) = s.trim().split_once('-').ok_or_else(bad)?;
        let year: i32 = y.parse().map_err(|_| bad())?;
        let month: u32 = m.parse().map_err(|_| bad())?;
        if y.len() != 4 || !(1..=12).contains(&month) {
            return Err(bad());
        }
        Ok(ShelfId { year, month })
    }
}

string_enum! {
    /// Where a shelf is in its life, on a given day.
    pub enum ShelfState("shelf state") {
        /// Its month is not over: originals are still being added.
        Filling => "filling",
        /// The month is over; the shred date has not come.
        Waiting => "waiting",
        /// The date has come and every item is registered without open flags.
        Ready => "ready",
        /// The date has come but some items hold it back.
        Blocked => "blocked",
        /// Confirmed shredded.
        Shredded => "shredded",
    }
}

impl ShelfState {
    pub fn label_nb(self) -> &'static str {
        match self {
            ShelfState::Filling => "fylles",
            ShelfState::Waiting => "venter",
            ShelfState::Ready => "kan makuleres",
            ShelfState::Blocked => "blokkert",
            ShelfState::Shredded => "makulert",
        }
    }
}

/// Why an item holds its shelf back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BlockReason {
    /// Not yet taken into the case system (still in its folder).
    NotRegistered(ItemState),
    /// A bad scan needs its paper original until someone clears the flags.
    OpenQualityFlags(Vec<QualityFlag>),
}

impl BlockReason {
    pub fn label_nb(&self) -> String {
        match self {
            BlockReason::NotRegistered(state) => {
                format!("ikke registrert (status: {})", state.label_nb())
            }
            BlockReason::OpenQualityFlags(flags) => {
                let names: Vec<&str> = flags.iter().map(|f| f.label_nb()).collect();
                format!("åpent kvalitetsavvik: {}", names.join(", "))
            }
        }
    }
}

/// A scanned item on a shelf. Titles only: never letter text.
#[derive(Debug, Clone)]
pub struct ShelfItem {
    pub id: ItemId,
    pub received_on: NaiveDate,
    pub unit: Option<String>,
    pub file_name: String,
    pub title: Option<String>,
    pub blocking: Vec<BlockReason>,
    /// Who has the item (the person it is allocated to): who the quality
    /// check or the registration waits for.
    pub holder: Option<String>,
}

#[derive(Debug, Clone)]
pub struct Shelf {
    pub id: ShelfId,
    pub shred_from: NaiveDate,
    pub state: ShelfState,
    pub items: Vec<ShelfItem>,
    pub confirmation: Option<ConfirmationRow>,
}

impl Shelf {
    /// The items holding the shelf back, in shelf order.
    pub fn blockers(&self) -> impl Iterator<Item = &ShelfItem> {
        self.items.iter().filter(|i| !i.blocking.is_empty())
    }

    pub fn count_not_registered(&self) -> usize {
        self.blockers()
            .filter(|i| {
                i.blocking
                    .iter()
                    .any(|r| matches!(r, BlockReason::NotRegistered(_)))
            })
            .count()
    }

    pub fn count_open_quality(&self) -> usize {
        self.blockers()
            .filter(|i| {
                i.blocking
                    .iter()
                    .any(|r| matches!(r, BlockReason::OpenQualityFlags(_)))
            })
            .count()
    }

    /// "3 dokumenter er ikke registrert, 1 dokument har åpent kvalitetsavvik".
    pub fn block_summary_nb(&self) -> String {
        let mut parts = Vec::new();
        let n = self.count_not_registered();
        if n > 0 {
            parts.push(format!("{} ikke registrert", documents_nb(n, "er", "er")));
        }
        let q = self.count_open_quality();
        if q > 0 {
            parts.push(format!(
                "{} åpent kvalitetsavvik",
                documents_nb(q, "har", "har")
            ));
        }
        parts.join(", ")
    }
}

/// "1 dokument er" / "3 dokumenter er".
fn documents_nb(n: usize, verb_one: &str, verb_many: &str) -> String {
    if n == 1 {
        format!("1 dokument {verb_one}")
    } else {
        format!("{n} dokumenter {verb_many}")
    }
}

fn blocking_reasons(row: &ScanItemRow) -> (ItemState, Vec<BlockReason>) {
    // An unknown state cannot be trusted as registered: treat it as not.
    let state = row.state.parse().unwrap_or(ItemState::Admitted);
    let mut reasons = Vec::new();
    if state != ItemState::Registered || row.registered_at.is_none() {
        reasons.push(BlockReason::NotRegistered(state));
    }
    if row.quality_cleared_at.is_none() {
        let flags: Vec<String> = serde_json::from_str(&row.quality_flags).unwrap_or_default();
        let mut flags: Vec<QualityFlag> = flags.iter().filter_map(|f| f.parse().ok()).collect();
        // Garbage in the column must not let a shelf through: keep it blocked.
        if flags.is_empty() && !matches!(row.quality_flags.trim(), "[]" | "") {
            flags.push(QualityFlag::LowOcrConfidence);
        }
        if !flags.is_empty() {
            reasons.push(BlockReason::OpenQualityFlags(flags));
        }
    }
    (state, reasons)
}

fn shelf_state(
    id: ShelfId,
    shred_from: NaiveDate,
    confirmed: bool,
    blocked: bool,
    today: NaiveDate,
) -> ShelfState {
    if confirmed {
        ShelfState::Shredded
    } else if today <= id.last_day() {
        ShelfState::Filling
    } else if today < shred_from {
        ShelfState::Waiting
    } else if blocked {
        ShelfState::Blocked
    } else {
        ShelfState::Ready
    }
}

/// Every shelf with at least one item (or a confirmation), oldest first, as
/// they stand on `today`.
pub fn shelves(
    store: &Store,
    config: &RetentionConfig,
    today: NaiveDate,
) -> Result<Vec<Shelf>, RetentionError> {
    let mut by_shelf: BTreeMap<ShelfId, Vec<ShelfItem>> = BTreeMap::new();
    for row in crate::store::shelves::shelf_scan_items(store)? {
        let received_on = calendar::oslo_date(row.received_at);
        let (_, blocking) = blocking_reasons(&row);
        by_shelf
            .entry(ShelfId::of_date(received_on))
            .or_default()
            .push(ShelfItem {
                id: row.id,
                received_on,
                unit: row.unit,
                file_name: row.file_name,
                title: row.title,
                blocking,
                holder: row.holder,
            });
    }
    let mut confirmations: BTreeMap<ShelfId, ConfirmationRow> = BTreeMap::new();
    for c in crate::store::shelves::shred_confirmations(store)? {
        if let Ok(id) = c.shelf.parse() {
            by_shelf.entry(id).or_default();
            confirmations.insert(id, c);
        }
    }
    Ok(by_shelf
        .into_iter()
        .map(|(id, items)| {
            let shred_from = id.shred_from(config.min_days);
            let confirmation = confirmations.remove(&id);
            let blocked = items.iter().any(|i| !i.blocking.is_empty());
            let state = shelf_state(id, shred_from, confirmation.is_some(), blocked, today);
            Shelf {
                id,
                shred_from,
                state,
                items,
                confirmation,
            }
        })
        .collect())
}

/// One shelf as it stands on `today`; an empty shelf for a month without scans.
pub fn shelf(
    store: &Store,
    config: &RetentionConfig,
    id: ShelfId,
    today: NaiveDate,
) -> Result<Shelf, RetentionError> {
    let found = shelves(store, config, today)?
        .into_iter()
        .find(|s| s.id == id);
    Ok(found.unwrap_or_else(|| {
        let shred_from = id.shred_from(config.min_days);
        Shelf {
            id,
            shred_from,
            state: shelf_state(id, shred_from, false, false, today),
            items: Vec::new(),
            confirmation: None,
        }
    }))
}

/// Records that a records officer shredded a ready shelf on `shredded_on`
/// (`today` unless given). Refuses a shelf that is not ready on that day.
pub fn confirm_shredded(
    store: &mut Store,
    config: &RetentionConfig,
    id: ShelfId,
    username: &str,
    shredded_on: NaiveDate,
    today: NaiveDate,
) -> Result<Shelf, RetentionError> {
    if shredded_on > today {
        return Err(RetentionError::FutureDate(shredded_on));
    }
    let user = users::find(store, username)?
        .filter(|u| !u.disabled)
        .ok_or_else(|| RetentionError::UnknownUser(username.chars().take(64).collect()))?;
    if !access::can_keep_shelves(&user) {
        return Err(RetentionError::NotRecordsOfficer {
            user: user.username,
            role: user.role.label_nb().to_owned(),
        });
    }
    let current = shelf(store, config, id, shredded_on)?;
    match current.state {
        ShelfState::Ready => {}
        ShelfState::Blocked => {
            return Err(RetentionError::NotReady {
                shelf: id,
                reason: format!("blokkert – {}", current.block_summary_nb()),
            })
        }
        ShelfState::Filling | ShelfState::Waiting => {
            return Err(RetentionError::NotReady {
                shelf: id,
                reason: format!(
                    "kan først makuleres fra {}",
                    calendar::date_label_nb(current.shred_from)
                ),
            })
        }
        ShelfState::Shredded => {
            return Err(StoreError::AlreadyConfirmed(id.to_string()).into());
        }
    }
    if current.items.is_empty() {
        return Err(RetentionError::EmptyShelf(id));
    }
    let item_ids: Vec<ItemId> = current.items.iter().map(|i| i.id).collect();
    let shelf_text = id.to_string();
    crate::store::shelves::insert_shred_confirmation(
        store,
        &NewConfirmation {
            shelf: &shelf_text,
            shredded_on,
            confirmed_by: user.id,
            confirmed_by_name: &user.display_name,
            recorded_at: Utc::now(),
            item_ids: &item_ids,
        },
    )?;
    shelf(store, config, id, today)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn fewer_than_62_days_is_a_config_error() {
        let short: RetentionConfig = toml::from_str("min_days = 30").unwrap();
        assert_eq!(
            crate::issues::Issues::of(|i| short.validate(i))[0].key,
            "retention.min_days"
        );
        assert!(crate::issues::Issues::of(|i| RetentionConfig::default().validate(i)).is_empty());
        assert!(toml::from_str::<RetentionConfig>("min_dager = 62").is_err());
    }

    #[test]
    fn shelf_ids_parse_and_print() {
        let id: ShelfId = "2026-09".parse().unwrap();
        assert_eq!(
            id,
            ShelfId {
                year: 2026,
                month: 9
            }
        );
        assert_eq!(id.to_string(), "2026-09");
        assert_eq!(id.label_nb(), "september 2026");
        assert!("2026-13".parse::<ShelfId>().is_err());
        assert!("26-01".parse::<ShelfId>().is_err());
        assert!("september".parse::<ShelfId>().is_err());
    }

    #[test]
    fn the_shelf_state_follows_the_calendar() {
        let id = ShelfId {
            year: 2026,
            month: 9,
        };
        let from = id.shred_from(62);
        assert_eq!(from, d(2026, 12, 2));
        let st = |today| shelf_state(id, from, false, false, today);
        assert_eq!(st(d(2026, 9, 30)), ShelfState::Filling);
        assert_eq!(st(d(2026, 10, 1)), ShelfState::Waiting);
        assert_eq!(st(d(2026, 12, 1)), ShelfState::Waiting);
        assert_eq!(st(d(2026, 12, 2)), ShelfState::Ready);
        assert_eq!(
            shelf_state(id, from, false, true, d(2026, 12, 2)),
            ShelfState::Blocked
        );
        assert_eq!(
            shelf_state(id, from, true, true, d(2026, 12, 2)),
            ShelfState::Shredded
        );
    }
}
