//! The deviation report's section on deletion: how many items' content was
//! deleted in the period, per policy, and how many old records were purged.
//! Counts only; nothing that was deleted can be shown anyway.

use chrono::{Days, NaiveDate};

use super::{start_of_day, Policy};
use crate::report::{Row, Section};
use crate::store::Store;

/// The section for `[from, to]` (Oslo days, inclusive).
pub fn deletion_section(
    store: &Store,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<Section, crate::store::StoreError> {
    let lo = start_of_day(from).to_rfc3339();
    let hi = start_of_day(to.checked_add_days(Days::new(1)).unwrap_or(to)).to_rfc3339();
    let (by_policy, purged) =
        crate::store::forget::counts_between(store, &lo, &hi, &from.to_string(), &to.to_string())?;
    let mut rows: Vec<Row> = by_policy
        .into_iter()
        .map(|(policy, n)| Row {
            item: None,
            cells: vec![
                Policy::parse(&policy)
                    .map(|p| format!("Innhold slettet: {}", p.reason_nb()))
                    .unwrap_or_else(|| format!("Innhold slettet ({policy})")),
                n.to_string(),
            ],
        })
        .collect();
    if purged > 0 {
        rows.push(Row {
            item: None,
            cells: vec![
                "Journalopplysninger slettet etter lagringstiden".into(),
                purged.to_string(),
            ],
        });
    }
    Ok(Section {
        heading: "Slettet etter lagringsreglene".into(),
        empty_text: "Ingenting er slettet i perioden.".into(),
        columns: vec!["Hva", "Antall"],
        rows,
    })
}
