//! Day arguments (`--from`, `--to`, `--at`) as people write them: `05.11.2026`
//! (or `5.11.2026`) as well as `2026-11-05`.

use chrono::NaiveDate;

/// clap's value parser for a day; the error says both accepted forms.
pub fn parse(text: &str) -> Result<NaiveDate, String> {
    let text = text.trim();
    NaiveDate::parse_from_str(text, "%d.%m.%Y")
        .or_else(|_| NaiveDate::parse_from_str(text, "%Y-%m-%d"))
        .map_err(|_| format!("«{text}» er ingen dato; skriv for eksempel 05.11.2026"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn norwegian_and_iso_days() {
        let want = NaiveDate::from_ymd_opt(2026, 11, 5);
        assert_eq!(parse("05.11.2026").ok(), want);
        assert_eq!(parse("5.11.2026").ok(), want);
        assert_eq!(parse("2026-11-05").ok(), want);
        assert!(parse("31.02.2026").unwrap_err().contains("05.11.2026"));
    }
}
