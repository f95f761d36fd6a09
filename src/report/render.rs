//! Renders a [`Report`] as plain text (aligned columns), CSV (one table, the
//! section in the first column; RFC 4180 quoting) or HTML (maud, escaped).
//! With a board base URL, item rows link to `/items/{id}`.

use maud::{html, Markup, PreEscaped, DOCTYPE};

use super::{Report, Section};
use crate::calendar;

/// The output formats of `postmottak report`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Text,
    Csv,
    Html,
}

pub fn render(report: &Report, format: Format, base_url: Option<&str>) -> String {
    match format {
        Format::Text => render_text(report),
        Format::Csv => render_csv(report),
        Format::Html => render_html(report, base_url).into_string(),
    }
}

fn generated_text(report: &Report) -> String {
    calendar::oslo_datetime(report.generated_at)
        .format("%d.%m.%Y %H:%M")
        .to_string()
}

/// A cell as a person reads it: the neutral report keeps days in ISO form
/// (CSV keeps them so), text and HTML show "05.11.2026".
fn shown(cell: &str) -> std::borrow::Cow<'_, str> {
    match calendar::iso_day_nb(cell) {
        Some(day) => day.into(),
        None => cell.into(),
    }
}

pub fn render_text(report: &Report) -> String {
    let mut out = format!(
        "{}\n{}\nLaget {}\n",
        report.title,
        report.subtitle,
        generated_text(report)
    );
    if report.sections.is_empty() {
        out.push_str("\nIngenting å rapportere.\n");
    }
    for section in &report.sections {
        out.push('\n');
        out.push_str(&section.heading);
        out.push('\n');
        out.push_str(&"-".repeat(section.heading.chars().count()));
        out.push('\n');
        if section.rows.is_empty() {
            out.push_str(&section.empty_text);
            out.push('\n');
            continue;
        }
        out.push_str(&text_table(section));
    }
    out
}

fn text_table(section: &Section) -> String {
    let mut widths: Vec<usize> = section.columns.iter().map(|c| c.chars().count()).collect();
    let rows: Vec<Vec<std::borrow::Cow<'_, str>>> = section
        .rows
        .iter()
        .map(|r| r.cells.iter().map(|c| shown(c)).collect())
        .collect();
    for row in &rows {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.chars().count());
        }
    }
    let line = |cells: &mut dyn Iterator<Item = &str>| {
        let mut s = String::new();
        for (i, cell) in cells.enumerate() {
            let width = widths.get(i).copied().unwrap_or(0);
            if i > 0 {
                s.push_str("  ");
            }
            s.push_str(cell);
            s.push_str(&" ".repeat(width.saturating_sub(cell.chars().count())));
        }
        s.truncate(s.trim_end().len());
        s.push('\n');
        s
    };
    let mut out = line(&mut section.columns.iter().copied());
    for row in &rows {
        out.push_str(&line(&mut row.iter().map(|c| c.as_ref())));
    }
    out
}

/// One CSV cell. A cell that a spreadsheet would read as a formula (it begins
/// with `=`, `+`, `-`, `@`, tab or carriage return: OWASP's rule) gets a
/// leading `'`, so a title or file name from a hostile sender is shown as
/// text instead of run. Applies to every column, headers included.
pub fn csv_field(text: &str) -> String {
    let neutral;
    let text = if text.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        neutral = format!("'{text}");
        neutral.as_str()
    } else {
        text
    };
    if text.contains([',', '"', '\n', '\r', ';', '\t']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text.to_owned()
    }
}

/// One CSV table for the whole report: `Seksjon` first, then the section's
/// columns under a header row per section (sections differ in columns).
pub fn render_csv(report: &Report) -> String {
    let mut out = String::new();
    for section in &report.sections {
        let header: Vec<String> = std::iter::once("Seksjon")
            .chain(section.columns.iter().copied())
            .map(csv_field)
            .collect();
        out.push_str(&header.join(","));
        out.push_str("\r\n");
        for row in &section.rows {
            let fields: Vec<String> = std::iter::once(section.heading.as_str())
                .chain(row.cells.iter().map(String::as_str))
                .map(csv_field)
                .collect();
            out.push_str(&fields.join(","));
            out.push_str("\r\n");
        }
    }
    out
}

const STYLE: &str = "body{font-family:sans-serif;margin:1.5em;color:#222}\
table{border-collapse:collapse;margin-bottom:1.5em}\
th,td{border:1px solid #bbb;padding:.25em .5em;text-align:left;vertical-align:top}\
th{background:#eee}.tom{color:#666;font-style:italic}";

pub fn render_html(report: &Report, base_url: Option<&str>) -> Markup {
    html! {
        (DOCTYPE)
        html lang="nb" {
            head {
                meta charset="utf-8";
                title { (report.title) }
                style { (PreEscaped(STYLE)) }
            }
            body { (report_body_html(report, base_url)) }
        }
    }
}

/// The report without page chrome, for embedding in e-mail or the board.
pub fn report_body_html(report: &Report, base_url: Option<&str>) -> Markup {
    html! {
        h1 { (report.title) }
        p { (report.subtitle) " · laget " (generated_text(report)) }
        @for section in &report.sections {
            h2 { (section.heading) }
            @if section.rows.is_empty() {
                p.tom { (section.empty_text) }
            } @else {
                table {
                    thead { tr { @for c in &section.columns { th { (c) } } } }
                    tbody {
                        @for row in &section.rows {
                            tr {
                                @for (i, cell) in row.cells.iter().enumerate() {
                                    td {
                                        @match (i, row.item, base_url) {
                                            (0, Some(id), Some(base)) => {
                                                a href=(format!("{}/items/{}", base.trim_end_matches('/'), id)) { (shown(cell)) }
                                            }
                                            _ => { (shown(cell)) }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::{ReportKind, Row};

    fn sample() -> Report {
        Report {
            kind: ReportKind::PostList,
            title: "Postliste".into(),
            subtitle: "mottatt".into(),
            generated_at: chrono::Utc::now(),
            sections: vec![Section {
                heading: "Inngående post (1)".into(),
                empty_text: "Ingen.".into(),
                columns: vec!["Sak", "Emne"],
                rows: vec![Row {
                    item: Some(crate::item::ItemId(7)),
                    cells: vec!["7".into(), "Klage på vedtak, \"BPA\" <b>".into()],
                }],
            }],
        }
    }

    #[test]
    fn people_read_norwegian_days_and_csv_keeps_iso() {
        let mut report = sample();
        report.sections[0].columns = vec!["Sak", "Mottatt"];
        report.sections[0].rows[0].cells = vec!["7".into(), "2026-11-05".into()];
        assert!(render_text(&report).contains("05.11.2026"));
        let html = render_html(&report, None).into_string();
        assert!(
            html.contains("05.11.2026") && !html.contains("2026-11-05"),
            "{html}"
        );
        assert!(render_csv(&report).contains(",2026-11-05\r\n"));
    }

    #[test]
    fn csv_cells_that_look_like_formulas_are_neutralised() {
        for hostile in [
            "=cmd|' /C calc'!A0",
            "=HYPERLINK(\"http://x\").pdf",
            "+1+1",
            "-2+3",
            "@SUM(A1)",
            "\t=1",
            "\r=1",
        ] {
            let cell = csv_field(hostile);
            let inner = cell.trim_start_matches('"');
            assert!(inner.starts_with('\''), "{hostile:?} -> {cell:?}");
        }
        assert_eq!(csv_field("Klage"), "Klage");
        assert_eq!(csv_field("a=b"), "a=b");
    }

    #[test]
    fn csv_quotes_commas_and_quotes() {
        let csv = render_csv(&sample());
        assert!(
            csv.contains("\"Klage på vedtak, \"\"BPA\"\" <b>\""),
            "{csv}"
        );
        assert!(csv.starts_with("Seksjon,Sak,Emne\r\n"));
    }

    #[test]
    fn html_escapes_and_links_items_to_the_board() {
        let html = render_html(&sample(), Some("https://post.example/")).into_string();
        assert!(html.contains("&lt;b&gt;"));
        assert!(html.contains("href=\"https://post.example/items/7\""));
    }

    #[test]
    fn text_aligns_columns() {
        let text = render_text(&sample());
        assert!(text.contains("Sak  Emne\n7    Klage på vedtak"), "{text}");
    }
}
