//! The deviation report's line on deletion: how many items' content was
//! deleted in the period, per policy, and how many old records were purged.
//! Counts only; nothing that was deleted can be shown anyway.
//!
//! Deletions are not deviations: the section has no rows (the report's row
//! count is the "N avvik" of the mail subject) and says its counts in the
//! section's one line of text.

use chrono::{Days, NaiveDate};

use super::{start_of_day, Policy};
use crate::report::Section;
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
    let count = |p: Policy| {
        by_policy
            .iter()
            .filter(|(name, _)| name == p.as_str())
            .map(|(_, n)| *n)
            .sum::<i64>()
    };
    let (registered, refused, duplicate) = (
        count(Policy::Registered),
        count(Policy::Refused),
        count(Policy::Duplicate),
    );
    let text = if registered + refused + duplicate + purged == 0 {
        "Ingenting er slettet i perioden.".to_owned()
    } else {
        format!(
            "Innhold slettet: {registered} etter registrering, {refused} avviste filer, \
             {duplicate} duplikater. Journalopplysninger slettet etter lagringstiden: {purged}."
        )
    };
    Ok(Section {
        heading: "Slettet etter lagringsreglene".into(),
        empty_text: text,
        columns: vec!["Hva", "Antall"],
        rows: Vec::new(),
    })
}
