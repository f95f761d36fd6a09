//! Builds the four reports from the store. Ages are in working days
//! (`calendar::working_days_between`) from the Oslo day of arrival.

use std::collections::BTreeMap;
use std::sync::Arc;

use chrono::{DateTime, Days, NaiveDate, Utc};

use super::{mask_digits, Report, ReportConfig, ReportError, ReportKind, Row, Section};
use crate::calendar::{self, date_label_nb, working_days_between};
use crate::classify::{Routine, Taxonomy};
use crate::item::{ItemState, QualityFlag, RejectCode};
use crate::retention::{self, RetentionConfig, ShelfState};
use crate::store::reports::{ItemFilter, ReportItemRow};
use crate::store::Store;

/// What every report needs: the store, the settings, the document types
/// and "now".
pub struct ReportContext<'a> {
    pub store: &'a Store,
    pub reports: &'a ReportConfig,
    pub retention: &'a RetentionConfig,
    /// Which types are access requests (their `routine`).
    pub taxonomy: Arc<Taxonomy>,
    pub now: DateTime<Utc>,
}

impl ReportContext<'_> {
    fn today(&self) -> NaiveDate {
        calendar::oslo_date(self.now)
    }

    fn items(&self, filter: ItemFilter<'_>) -> Result<Vec<ReportItemRow>, ReportError> {
        Ok(crate::store::reports::report_items(self.store, filter)?)
    }

    fn masked_ids(&self, row: &ReportItemRow) -> Result<String, ReportError> {
        Ok(crate::store::reports::masked_person_ids(self.store, row.id)?.join(", "))
    }
}

/// The Oslo day an item arrived.
fn received_on(row: &ReportItemRow) -> NaiveDate {
    calendar::oslo_date(row.received_at)
}

fn day_text(date: NaiveDate) -> String {
    if date == NaiveDate::MIN {
        "ukjent".into()
    } else {
        date.to_string()
    }
}

fn title(row: &ReportItemRow) -> String {
    mask_digits(row.title.as_deref().unwrap_or("(uten emne)"))
}

fn unit(row: &ReportItemRow) -> String {
    row.unit.clone().unwrap_or_else(|| "–".into())
}

fn state_label(row: &ReportItemRow) -> String {
    row.state
        .parse::<ItemState>()
        .map(|s| s.label_nb().to_owned())
        .unwrap_or_else(|_| row.state.clone())
}

fn check_period(from: NaiveDate, to: NaiveDate) -> Result<(), ReportError> {
    if from > to {
        return Err(ReportError::BadPeriod { from, to });
    }
    Ok(())
}

/// Coarse SQL bounds around an Oslo date range (a day of slack each side for
/// the UTC offset); rows are then filtered exactly on their Oslo day.
fn coarse_bounds(from: NaiveDate, to: NaiveDate) -> (String, String) {
    let lo = from.checked_sub_days(Days::new(1)).unwrap_or(from);
    let hi = to.checked_add_days(Days::new(2)).unwrap_or(to);
    (lo.to_string(), hi.to_string())
}

/// The items a period filter selects that were received on an Oslo day in
/// `[from, to]`: the store narrows by UTC instants with a day's margin
/// either side, the exact local day is checked here.
fn received_in(
    ctx: &ReportContext<'_>,
    from: NaiveDate,
    to: NaiveDate,
    filter: for<'a> fn(&'a str, &'a str) -> ItemFilter<'a>,
) -> Result<Vec<ReportItemRow>, ReportError> {
    let (lo, hi) = coarse_bounds(from, to);
    Ok(ctx
        .items(filter(&lo, &hi))?
        .into_iter()
        .filter(|r| within(r, Some((from, to))))
        .collect())
}

fn within(row: &ReportItemRow, period: Option<(NaiveDate, NaiveDate)>) -> bool {
    period.is_none_or(|(from, to)| (from..=to).contains(&received_on(row)))
}

fn period_text(from: NaiveDate, to: NaiveDate) -> String {
    if from == NaiveDate::MIN {
        // `--to` without `--from`: everything up to that day.
        format!("til og med {}", date_label_nb(to))
    } else {
        format!("{} – {}", date_label_nb(from), date_label_nb(to))
    }
}

/// Backlog (restanse): items allocated and not registered, per caseworker,
/// oldest first. `caseworker` limits it to one user (the weekly mail).
pub fn backlog(
    ctx: &ReportContext<'_>,
    caseworker: Option<i64>,
    period: Option<(NaiveDate, NaiveDate)>,
) -> Result<Report, ReportError> {
    if let Some((from, to)) = period {
        check_period(from, to)?;
    }
    let today = ctx.today();
    let mut per_user: BTreeMap<(String, i64), Vec<Row>> = BTreeMap::new();
    for row in ctx.items(ItemFilter::AllocatedUnregistered)? {
        let Some(user) = row.allocated_to else {
            continue;
        };
        if caseworker.is_some_and(|c| c != user) || !within(&row, period) {
            continue;
        }
        let on = received_on(&row);
        let name = row
            .allocated_to_name
            .clone()
            .unwrap_or_else(|| format!("bruker {user}"));
        per_user.entry((name, user)).or_default().push(Row {
            item: Some(row.id),
            cells: vec![
                row.id.to_string(),
                day_text(on),
                working_days_between(on, today).to_string(),
                unit(&row),
                row.document_type.clone().unwrap_or_default(),
                title(&row),
                ctx.masked_ids(&row)?,
            ],
        });
    }
    let sections = per_user
        .into_iter()
        .map(|((name, _), rows)| Section {
            heading: format!("{name} ({})", rows.len()),
            empty_text: "Ingen restanse.".into(),
            columns: vec![
                "Sak",
                "Mottatt",
                "Alder (arbeidsdager)",
                "Enhet",
                "Type",
                "Emne",
                "Fødselsnr. (maskert)",
            ],
            rows,
        })
        .collect();
    Ok(Report {
        kind: ReportKind::Backlog,
        title: "Restanserapport".into(),
        subtitle: match period {
            Some((from, to)) => format!("mottatt {}", period_text(from, to)),
            None => format!("per {}", date_label_nb(today)),
        },
        generated_at: ctx.now,
        sections,
    })
}

/// Deviation (avvik) for the records officer. Refused files and duplicates
/// are those received in the period (default: the last
/// `deviation_period_days`); the other sections are the state right now.
pub fn deviation(
    ctx: &ReportContext<'_>,
    period: Option<(NaiveDate, NaiveDate)>,
) -> Result<Report, ReportError> {
    let today = ctx.today();
    let (from, to) = period.unwrap_or_else(|| {
        let back = Days::new(u64::from(ctx.reports.deviation_period_days));
        (today.checked_sub_days(back).unwrap_or(today), today)
    });
    check_period(from, to)?;
    let sections = vec![
        refused_section(ctx, from, to)?,
        quality_section(ctx)?,
        duplicates_section(ctx, from, to)?,
        unallocated_section(ctx, today)?,
        unregistered_section(ctx, today)?,
        blocked_shelves_section(ctx, today)?,
        undeliverable_section(ctx)?,
        crate::forget::report::deletion_section(ctx.store, from, to)?,
    ];
    Ok(Report {
        kind: ReportKind::Deviation,
        title: "Avviksrapport".into(),
        subtitle: format!(
            "per {} (avviste filer og duplikater: {})",
            date_label_nb(today),
            period_text(from, to)
        ),
        generated_at: ctx.now,
        sections,
    })
}

fn refused_section(
    ctx: &ReportContext<'_>,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<Section, ReportError> {
    let rows = received_in(ctx, from, to, |from, to| ItemFilter::Rejected { from, to })?
        .into_iter()
        .map(|r| {
            let reason = r
                .reject_code
                .as_deref()
                .and_then(|c| c.parse::<RejectCode>().ok())
                .map(|c| format!("{} ({})", c.message_nb(), c.as_str()))
                .unwrap_or_else(|| "ukjent årsak".into());
            Row {
                item: Some(r.id),
                cells: vec![
                    r.id.to_string(),
                    day_text(received_on(&r)),
                    unit(&r),
                    mask_digits(&r.file_name),
                    reason,
                ],
            }
        })
        .collect();
    Ok(Section {
        heading: "Avviste filer".into(),
        empty_text: "Ingen avviste filer i perioden.".into(),
        columns: vec!["Sak", "Mottatt", "Enhet", "Fil", "Årsak"],
        rows,
    })
}

fn quality_section(ctx: &ReportContext<'_>) -> Result<Section, ReportError> {
    let rows = ctx
        .items(ItemFilter::OpenQualityFlags)?
        .into_iter()
        .map(|r| {
            let flags: Vec<String> = serde_json::from_str(&r.quality_flags).unwrap_or_default();
            let labels: Vec<&str> = flags
                .iter()
                .map(|f| {
                    f.parse::<QualityFlag>()
                        .map(|q| q.label_nb())
                        .unwrap_or("ukjent")
                })
                .collect();
            Row {
                item: Some(r.id),
                cells: vec![
                    r.id.to_string(),
                    day_text(received_on(&r)),
                    unit(&r),
                    title(&r),
                    labels.join(", "),
                    // Who the check waits for (the person who has the item).
                    r.allocated_to_name
                        .clone()
                        .unwrap_or_else(|| "ikke fordelt".into()),
                ],
            }
        })
        .collect();
    Ok(Section {
        heading: "Åpne kvalitetsavvik".into(),
        empty_text: "Ingen åpne kvalitetsavvik.".into(),
        columns: vec!["Sak", "Mottatt", "Enhet", "Emne", "Avvik", "Hos"],
        rows,
    })
}

fn duplicates_section(
    ctx: &ReportContext<'_>,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<Section, ReportError> {
    let rows = received_in(ctx, from, to, |from, to| ItemFilter::Duplicates {
        from,
        to,
    })?
    .into_iter()
    .map(|r| Row {
        item: Some(r.id),
        cells: vec![
            r.id.to_string(),
            day_text(received_on(&r)),
            unit(&r),
            mask_digits(&r.file_name),
            r.duplicate_of.map(|d| d.to_string()).unwrap_or_default(),
        ],
    })
    .collect();
    Ok(Section {
        heading: "Duplikater".into(),
        empty_text: "Ingen duplikater i perioden.".into(),
        columns: vec!["Sak", "Mottatt", "Enhet", "Fil", "Duplikat av sak"],
        rows,
    })
}

/// The items `filter` selects that are more than `limit` working days old
/// on `today`, with their age in working days.
fn overdue(
    ctx: &ReportContext<'_>,
    filter: ItemFilter<'_>,
    limit: i64,
    today: NaiveDate,
) -> Result<Vec<(ReportItemRow, i64)>, ReportError> {
    Ok(ctx
        .items(filter)?
        .into_iter()
        .map(|r| {
            let age = working_days_between(received_on(&r), today);
            (r, age)
        })
        .filter(|(_, age)| *age > limit)
        .collect())
}

fn unallocated_section(ctx: &ReportContext<'_>, today: NaiveDate) -> Result<Section, ReportError> {
    let limit = ctx.reports.unallocated_limit_days;
    let rows = overdue(ctx, ItemFilter::Unallocated, limit, today)?
        .into_iter()
        .map(|(r, age)| Row {
            item: Some(r.id),
            cells: vec![
                r.id.to_string(),
                day_text(received_on(&r)),
                age.to_string(),
                unit(&r),
                state_label(&r),
                title(&r),
            ],
        })
        .collect();
    Ok(Section {
        heading: format!(
            "Ikke fordelt etter mer enn {} arbeidsdag{}",
            limit,
            if limit == 1 { "" } else { "er" }
        ),
        empty_text: "Ingen.".into(),
        columns: vec![
            "Sak",
            "Mottatt",
            "Alder (arbeidsdager)",
            "Enhet",
            "Status",
            "Emne",
        ],
        rows,
    })
}

fn unregistered_section(ctx: &ReportContext<'_>, today: NaiveDate) -> Result<Section, ReportError> {
    let limit = ctx.reports.unregistered_limit_days;
    let rows = overdue(ctx, ItemFilter::AllocatedUnregistered, limit, today)?
        .into_iter()
        .map(|(r, age)| Row {
            item: Some(r.id),
            cells: vec![
                r.id.to_string(),
                day_text(received_on(&r)),
                age.to_string(),
                r.allocated_to_name.clone().unwrap_or_default(),
                title(&r),
            ],
        })
        .collect();
    Ok(Section {
        heading: format!("Fordelt, men ikke registrert etter mer enn {limit} arbeidsdager"),
        empty_text: "Ingen.".into(),
        columns: vec![
            "Sak",
            "Mottatt",
            "Alder (arbeidsdager)",
            "Saksbehandler",
            "Emne",
        ],
        rows,
    })
}

fn blocked_shelves_section(
    ctx: &ReportContext<'_>,
    today: NaiveDate,
) -> Result<Section, ReportError> {
    let rows = retention::shelves(ctx.store, ctx.retention, today)?
        .into_iter()
        .filter(|s| s.state == ShelfState::Blocked)
        .map(|s| {
            let items: Vec<String> = s.blockers().map(|i| i.id.to_string()).collect();
            Row {
                item: None,
                cells: vec![
                    s.id.label_nb(),
                    date_label_nb(s.shred_from),
                    s.block_summary_nb(),
                    items.join(", "),
                ],
            }
        })
        .collect();
    Ok(Section {
        heading: "Blokkerte makuleringshyller".into(),
        empty_text: "Ingen blokkerte hyller.".into(),
        columns: vec!["Hylle", "Kan makuleres fra", "Årsak", "Saker"],
        rows,
    })
}

fn undeliverable_section(ctx: &ReportContext<'_>) -> Result<Section, ReportError> {
    let rows = crate::store::outbox::undeliverable_mail(
        ctx.store,
        ctx.reports.undeliverable_after_attempts,
    )?
    .into_iter()
    .map(|m| Row {
        item: None,
        cells: vec![
            m.id.to_string(),
            m.created_at.date_naive().to_string(),
            m.subject,
            m.recipients.join(", "),
            m.attempts.to_string(),
            m.last_error.unwrap_or_default(),
        ],
    })
    .collect();
    Ok(Section {
        heading: "E-post som ikke kan leveres".into(),
        empty_text: "All e-post er levert eller i kø.".into(),
        columns: vec!["Nr.", "Opprettet", "Emne", "Mottakere", "Forsøk", "Feil"],
        rows,
    })
}

/// The post list (postliste) on request: everything received in the period
/// except refused files, person IDs masked.
pub fn post_list(
    ctx: &ReportContext<'_>,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<Report, ReportError> {
    check_period(from, to)?;
    let mut rows = Vec::new();
    for r in received_in(ctx, from, to, |from, to| ItemFilter::Received { from, to })? {
        rows.push(Row {
            item: Some(r.id),
            cells: vec![
                r.id.to_string(),
                day_text(received_on(&r)),
                if r.source == "scan" {
                    "papir"
                } else {
                    "digital"
                }
                .into(),
                unit(&r),
                r.document_type.clone().unwrap_or_default(),
                title(&r),
                ctx.masked_ids(&r)?,
                state_label(&r),
            ],
        });
    }
    Ok(Report {
        kind: ReportKind::PostList,
        title: "Postliste".into(),
        subtitle: format!("mottatt {}", period_text(from, to)),
        generated_at: ctx.now,
        sections: vec![Section {
            heading: format!("Inngående post ({})", rows.len()),
            empty_text: "Ingen post mottatt i perioden.".into(),
            columns: vec![
                "Sak",
                "Mottatt",
                "Kilde",
                "Enhet",
                "Type",
                "Emne",
                "Fødselsnr. (maskert)",
                "Status",
            ],
            rows,
        }],
    })
}

/// Access requests (innsyn) received and not yet registered, oldest first.
pub fn access_requests(
    ctx: &ReportContext<'_>,
    period: Option<(NaiveDate, NaiveDate)>,
) -> Result<Report, ReportError> {
    if let Some((from, to)) = period {
        check_period(from, to)?;
    }
    let today = ctx.today();
    let mut rows = Vec::new();
    let types: Vec<String> = ctx
        .taxonomy
        .types()
        .iter()
        .filter(|t| t.routine == Some(Routine::AccessRequest))
        .map(|t| t.id.clone())
        .collect();
    for r in ctx.items(ItemFilter::OpenAccessRequests { types: &types })? {
        if !within(&r, period) {
            continue;
        }
        let on = received_on(&r);
        rows.push(Row {
            item: Some(r.id),
            cells: vec![
                r.id.to_string(),
                day_text(on),
                working_days_between(on, today).to_string(),
                unit(&r),
                state_label(&r),
                r.allocated_to_name.clone().unwrap_or_else(|| "–".into()),
                title(&r),
                ctx.masked_ids(&r)?,
                identity_text(ctx, &r)?,
            ],
        });
    }
    Ok(Report {
        kind: ReportKind::AccessRequests,
        title: "Innsynsbegjæringer som ikke er registrert".into(),
        subtitle: match period {
            Some((from, to)) => format!("mottatt {}", period_text(from, to)),
            None => format!("per {}", date_label_nb(today)),
        },
        generated_at: ctx.now,
        sections: vec![Section {
            heading: format!("Innsynsbegjæringer ({})", rows.len()),
            empty_text: "Ingen åpne innsynsbegjæringer.".into(),
            columns: vec![
                "Sak",
                "Mottatt",
                "Alder (arbeidsdager)",
                "Enhet",
                "Status",
                "Saksbehandler",
                "Emne",
                "Fødselsnr. (maskert)",
                "Identitet",
            ],
            rows,
        }],
    })
}

/// A request for access that came by e-mail needs the sender's identity
/// confirmed before anything is sent (eForvaltningsforskriften § 4).
fn identity_text(ctx: &ReportContext<'_>, r: &ReportItemRow) -> Result<String, ReportError> {
    let by_email = crate::store::deliveries::kind_name(ctx.store, r.id)
        .map_err(crate::store::StoreError::from)?
        .as_deref()
        == Some("email");
    Ok(if by_email {
        "må bekreftes (e-post, eForvaltningsforskriften § 4)".into()
    } else {
        "–".into()
    })
}
