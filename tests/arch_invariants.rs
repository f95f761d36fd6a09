//! ARCHITECTURE.md's invariants that a reading of the sources can check, as
//! tests (the others each have a behavioural test; the table in
//! ARCHITECTURE.md names it). Each check fails naming the file and line that
//! broke the rule, so the next change cannot quietly move a rule out of its
//! one place. `arch_config`, `arch_roles` and `arch_store` hold the three
//! larger ones.

use std::path::Path;

use regex::Regex;

mod common;
use common::{repo, rust_files};

/// The code of a source file without its `#[cfg(test)]` module (tests may
/// read files and spin runtimes) and without comments.
fn code_of(path: &Path) -> String {
    let text = std::fs::read_to_string(path).unwrap();
    let code = match text.find("#[cfg(test)]") {
        Some(at) => &text[..at],
        None => &text[..],
    };
    code.lines()
        .map(|l| match l.trim_start().starts_with("//") {
            true => "",
            false => l,
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// Every `(file, line number, line)` under `src/<under>` whose code matches
/// `pattern`, except files for which `allowed` says yes.
fn offenders(under: &str, pattern: &str, allowed: impl Fn(&str) -> bool) -> Vec<String> {
    let re = Regex::new(pattern).unwrap();
    let mut files = Vec::new();
    rust_files(&repo().join("src").join(under), &mut files);
    files.sort();
    let mut found = Vec::new();
    for file in files {
        let rel = file
            .strip_prefix(repo())
            .unwrap()
            .to_string_lossy()
            .into_owned();
        if allowed(&rel) {
            continue;
        }
        for (n, line) in code_of(&file).lines().enumerate() {
            if re.is_match(line) {
                found.push(format!("{rel}:{}: {}", n + 1, line.trim()));
            }
        }
    }
    found
}

#[test]
fn classify_does_no_io() {
    // Only `load.rs` reads the rules file; everything else is pure, so a
    // letter's classification cannot fail or block.
    let found = offenders(
        "classify",
        r"std::fs|\bFile::|tokio|rusqlite|std::net|std::process|std::env::var",
        |f| f == "src/classify/load.rs",
    );
    assert!(
        found.is_empty(),
        "classify must do no IO (only classify/load.rs reads the rules file):\n{}",
        found.join("\n")
    );
}

#[test]
fn an_item_s_state_is_written_only_by_events_transition() {
    let mut files = Vec::new();
    rust_files(&repo().join("src"), &mut files);
    let mut found = Vec::new();
    for file in files {
        if file.ends_with("src/store/events.rs") {
            continue;
        }
        let code = code_of(&file);
        // One statement per string literal is enough to see the SET list.
        for literal in code.split('"').skip(1).step_by(2) {
            if sets_state(literal) {
                found.push(format!("{}: {}", file.display(), literal.trim()));
            }
        }
    }
    assert!(
        found.is_empty(),
        "only store::events::transition may change an item's state:\n{}",
        found.join("\n")
    );
}

/// Whether an SQL text sets `items.state` (in its SET list, not its WHERE).
fn sets_state(sql: &str) -> bool {
    let update = Regex::new(r"(?is)UPDATE\s+items\s+SET\s").unwrap();
    let Some(at) = update.find(sql) else {
        return false;
    };
    let rest = &sql[at.end()..];
    let set_list = match Regex::new(r"(?i)\bWHERE\b").unwrap().find(rest) {
        Some(w) => &rest[..w.start()],
        None => rest,
    };
    Regex::new(r"(?i)\bstate\s*=").unwrap().is_match(set_list)
}

#[test]
fn only_web_and_the_metrics_endpoint_speak_http() {
    let found = offenders(
        "",
        r"\baxum::|\bhyper::|\btower_http::|\buse http::|\breqwest::",
        |f| f.starts_with("src/web/") || f.starts_with("src/metrics/"),
    );
    assert!(
        found.is_empty(),
        "HTTP belongs to web/ (and metrics/'s scrape endpoint):\n{}",
        found.join("\n")
    );
}

#[test]
fn every_write_transaction_begins_immediate() {
    // rusqlite's `transaction()` begins DEFERRED: a read-then-write in it
    // fails with SQLITE_BUSY under load. Only the migration runner, which
    // holds the database alone at open, may use it.
    let found = offenders(
        "",
        r"\.transaction\(\)|\bBEGIN\b(\s+DEFERRED)?\s*;|unchecked_transaction",
        |_| false,
    )
    .into_iter()
    .filter(|l| !l.contains("let tx = self.conn.transaction()?;"))
    .collect::<Vec<_>>();
    assert!(
        found.is_empty(),
        "write transactions begin through Store::write (BEGIN IMMEDIATE):\n{}",
        found.join("\n")
    );
}

#[test]
fn every_pdfium_load_takes_its_turn() {
    // pdfium reports why a load failed through one process-wide slot, read
    // after the load: loads on two threads at once swap their reasons (an
    // encrypted letter refused as corrupt). `extract::pdf::load_in_turn`
    // serialises them; a load outside it brings the race back.
    let found = offenders("", r"\.load_pdf_from_|FPDF_Load", |_| false)
        .into_iter()
        .filter(|l| !l.contains("load_in_turn(||"))
        .collect::<Vec<_>>();
    assert!(
        found.is_empty(),
        "pdfium documents are loaded through extract::pdf::load_in_turn:\n{}",
        found.join("\n")
    );
}

#[test]
fn the_checks_see_a_broken_rule() {
    // The scans above are only worth something if their patterns match what
    // they look for; a pattern that matches nothing would pass forever.
    let io = Regex::new(r"std::fs|\bFile::|tokio|rusqlite").unwrap();
    assert!(io.is_match("let t = std::fs::read_to_string(p)?;"));
    assert!(sets_state(
        "UPDATE items\n   SET allocated_to = ?1, state = 'allocated'"
    ));
    assert!(!sets_state(
        "UPDATE items SET source_path = ?1 WHERE state = 'allocated'"
    ));
    let http = Regex::new(r"\baxum::|\bhyper::").unwrap();
    assert!(http.is_match("use axum::Router;"));
    let load = Regex::new(r"\.load_pdf_from_|FPDF_Load").unwrap();
    assert!(load.is_match("let doc = pdfium.load_pdf_from_file(path, None)?;"));
}
