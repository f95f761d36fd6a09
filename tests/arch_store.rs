//! ARCHITECTURE.md's invariant "Only `store/` writes SQL", as a test: no SQL
//! and no database call in `src/` outside `src/store/`, and no write to the
//! database in `tests/` or `benches/` but through the store's API (tests read
//! as oracles only through the read-only `Store::inspect`).

use std::path::Path;

use regex::Regex;

mod common;
use common::rust_files;

/// Places that look like SQL or a database call but are not, each with why.
const ALLOWED: &[(&str, &str, &str)] = &[
    (
        "tests/arch_invariants.rs",
        "sets_state(",
        "the state-write check's own self-test: SQL text it classifies, never run",
    ),
    (
        "tests/board_browser.rs",
        ".execute(",
        "fantoccini's `Client::execute` runs JavaScript in the browser, not SQL",
    ),
    (
        "tests/board_firstuse.rs",
        ".execute(",
        "fantoccini's `Client::execute` runs JavaScript in the browser, not SQL",
    ),
    (
        "tests/retention.rs",
        "refuses(",
        "triggers must refuse changing the shred log: tried, always rolled back",
    ),
    (
        "tests/mail_smtp.rs",
        "schema_refuses",
        "a trigger must refuse deleting an unsent mail: tried, always rolled back",
    ),
];

struct Finding {
    file: String,
    line: usize,
    what: String,
}

fn scan(roots: &[&str], skip: &[&str], patterns: &[(&str, Regex)]) -> Vec<Finding> {
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    for root in roots {
        rust_files(&repo.join(root), &mut files);
    }
    let mut found = Vec::new();
    for path in files {
        let rel = path
            .strip_prefix(repo)
            .unwrap()
            .to_string_lossy()
            .replace('\\', "/");
        if skip.iter().any(|s| rel.starts_with(s)) {
            continue;
        }
        let text = std::fs::read_to_string(&path).unwrap();
        for (what, pattern) in patterns {
            for m in pattern.find_iter(&text) {
                let line = text[..m.start()].lines().count().max(1);
                // The match's line and the two before it (a call split by
                // rustfmt keeps its receiver or function name above).
                let near: String = text
                    .lines()
                    .skip(line.saturating_sub(3))
                    .take(line.min(3))
                    .collect();
                let allowed = ALLOWED
                    .iter()
                    .any(|(file, marker, _)| *file == rel && near.contains(marker));
                if !allowed {
                    found.push(Finding {
                        file: rel.clone(),
                        line,
                        what: format!("{what}: {}", m.as_str().trim()),
                    });
                }
            }
        }
    }
    found
}

fn report(found: &[Finding]) -> String {
    found
        .iter()
        .map(|f| format!("  {}:{}  {}", f.file, f.line, f.what))
        .collect::<Vec<_>>()
        .join("\n")
}

/// An SQL statement in a string literal (uppercase keywords, as the store
/// writes them).
fn sql_literal(kinds: &str) -> Regex {
    Regex::new(&format!(r#""[^"]*\b({kinds})\b[^"]*""#)).unwrap()
}

#[test]
fn no_sql_in_src_outside_the_store() {
    let patterns = [
        (
            "database call",
            Regex::new(
                r"\.(execute|execute_batch|prepare|prepare_cached|query_row|query_map|pragma_update|conn)\(",
            )
            .unwrap(),
        ),
        (
            "raw connection",
            Regex::new(r"(rusqlite::)?Connection::open").unwrap(),
        ),
        (
            "SQL in a string",
            sql_literal(r#"SELECT\s[^"]*\bFROM|INSERT\s+INTO|UPDATE\s+\w+\s+SET|DELETE\s+FROM|CREATE\s+TABLE|PRAGMA"#),
        ),
    ];
    let found = scan(&["src"], &["src/store/"], &patterns);
    assert!(
        found.is_empty(),
        "SQL belongs in src/store/ (ARCHITECTURE.md, \"Only store/ writes SQL\"):\n{}",
        report(&found)
    );
}

#[test]
fn tests_and_benches_change_the_database_only_through_the_store() {
    let patterns = [
        (
            "database write",
            Regex::new(r"\.(execute|execute_batch|conn|conn_mut)\(").unwrap(),
        ),
        (
            "raw connection",
            Regex::new(r"(rusqlite::)?Connection::open").unwrap(),
        ),
        (
            "SQL write in a string",
            sql_literal(r"INSERT\s+INTO|UPDATE\s+\w+\s+SET|DELETE\s+FROM|DROP\s+\w+|ALTER\s+TABLE"),
        ),
    ];
    let found = scan(&["tests", "benches"], &["tests/arch_store.rs"], &patterns);
    assert!(
        found.is_empty(),
        "tests build state through the store's API or store::board::fixture \
         (real transitions), and read through Store::inspect:\n{}",
        report(&found)
    );
}
