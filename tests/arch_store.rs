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

/// rusqlite's `chrono` feature binds a `DateTime<Utc>` as
/// `2026-11-05 10:00:00+00:00` (a space), while every instant the store
/// holds is RFC 3339 text (`store::time::instant_text`, `to_rfc3339()`).
/// Text compares as text: a value bound raw never equals, and sorts before,
/// what was written the other way (the after-meeting mail was sent twice
/// for it). So no bound parameter is a `DateTime` as it is.
#[test]
fn no_instant_is_bound_to_sql_without_its_stored_text() {
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    rust_files(&repo.join("src"), &mut files);
    files.sort();
    let sources: Vec<(String, String)> = files
        .iter()
        .map(|p| {
            let rel = p.strip_prefix(repo).unwrap().to_string_lossy().into_owned();
            (
                rel,
                code_without_tests(&std::fs::read_to_string(p).unwrap()),
            )
        })
        .collect();
    let all: String = sources.iter().map(|(_, c)| c.as_str()).collect();
    let names = instant_names(&all);
    let mut found = Vec::new();
    for (rel, code) in &sources {
        for (line, arg) in raw_instants(code, &names) {
            found.push(format!("  {rel}:{line}  {arg}"));
        }
    }
    assert!(
        found.is_empty(),
        "bind an instant as `time::instant_text(at)` (or `at.to_rfc3339()`), \
         never the DateTime itself:\n{}",
        found.join("\n")
    );
}

#[test]
fn the_instant_check_sees_a_raw_binding() {
    let planted = r#"
pub struct Order { pub id: i64, pub at: DateTime<Utc>, pub since: Option<DateTime<Utc>> }
fn write(store: &Store, order: &Order, when: DateTime<Utc>) {
    let now = Utc::now();
    tx.execute("UPDATE items SET a = ?1, b = ?2 WHERE id = ?3",
        params![order.at, instant_text(when), order.id])?;
    tx.execute("UPDATE items SET a = ?1", [now])?;
    tx.execute("UPDATE items SET a = ?1, b = ?2", params![&when, Utc::now()])?;
    tx.execute("UPDATE items SET a = ?1", params![order.since])?;
    tx.execute("UPDATE items SET a = ?1", params![now.to_rfc3339(), f(now, 1)])?;
}
fn text(tx: &Transaction<'_>, at: &str) {
    let now = Utc::now().to_rfc3339();
    tx.execute("UPDATE items SET a = ?1, b = ?2", params![now, at])?;
}
"#;
    let names = instant_names(planted);
    let flagged: Vec<String> = raw_instants(planted, &names)
        .into_iter()
        .map(|(_, arg)| arg)
        .collect();
    assert_eq!(
        flagged,
        ["order.at", "now", "&when", "Utc::now()", "order.since"],
        "the check must see what it looks for, and only that"
    );
}

/// A source file's code without its `#[cfg(test)]` module and comments.
fn code_without_tests(text: &str) -> String {
    let code = match text.find("#[cfg(test)]") {
        Some(at) => &text[..at],
        None => text,
    };
    code.lines()
        .map(|l| {
            if l.trim_start().starts_with("//") {
                ""
            } else {
                l
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// Fields declared as instants anywhere (`at: DateTime<Utc>`,
/// `Option<DateTime<Utc>>`): a bound `x.at` is one.
fn instant_names(code: &str) -> std::collections::HashSet<String> {
    instant_type()
        .captures_iter(code)
        .map(|c| c[1].to_owned())
        .collect()
}

fn instant_type() -> Regex {
    Regex::new(r"\b(\w+)\s*:\s*&?\s*(?:Option<\s*)?(?:chrono::)?DateTime<\s*(?:chrono::)?Utc\s*>")
        .unwrap()
}

/// Whether the nearest declaration of the variable `name` before `at` in
/// `code` makes it an instant: an argument or typed `let` of type
/// `DateTime<Utc>`, or `let name = Utc::now();`. (A name declared some
/// other way — a `String` of stored text, say — is not.)
fn declared_instant(code: &str, name: &str, at: usize) -> bool {
    let n = regex::escape(name);
    let decl = Regex::new(&format!(
        r"\blet\s+(?:mut\s+)?{n}\b\s*(?::[^=;]*)?=\s*[^;]*;|[(,]\s*(?:mut\s+)?{n}\s*:\s*[^,)]+"
    ))
    .unwrap();
    let Some(last) = decl.find_iter(&code[..at]).last() else {
        return false;
    };
    let text = last.as_str();
    let now = Regex::new(r"=\s*(?:chrono::)?Utc::now\(\)\s*;$").unwrap();
    instant_type().is_match(text) || now.is_match(text)
}

/// `(line, argument)` for each bound parameter that is an instant as it is:
/// in `params![…]`, or an array literal right after an SQL string.
fn raw_instants(code: &str, fields: &std::collections::HashSet<String>) -> Vec<(usize, String)> {
    let opening = Regex::new(r#"params!\s*\[|"\s*,\s*\["#).unwrap();
    let path = Regex::new(r"^[A-Za-z_]\w*(\.\w+)*$").unwrap();
    let mut found = Vec::new();
    for m in opening.find_iter(code) {
        let line = code[..m.start()].lines().count().max(1);
        for arg in top_level_args(&code[m.end()..]) {
            let bare = arg.trim_start_matches(['&', '*']).trim();
            let raw = bare == "Utc::now()"
                || bare == "chrono::Utc::now()"
                || (path.is_match(bare)
                    && match bare.rsplit_once('.') {
                        Some((_, field)) => fields.contains(field),
                        None => declared_instant(code, bare, m.start()),
                    });
            if raw {
                found.push((line, arg));
            }
        }
    }
    found
}

/// The comma-separated arguments up to the `]` closing the group that
/// `text` starts inside.
fn top_level_args(text: &str) -> Vec<String> {
    let mut args = Vec::new();
    let mut depth = 0usize;
    let mut in_string = false;
    let mut current = String::new();
    for ch in text.chars() {
        if in_string {
            current.push(ch);
            if ch == '"' {
                in_string = false;
            }
            continue;
        }
        match ch {
            '"' => in_string = true,
            '(' | '[' | '{' => depth += 1,
            ')' | '}' => depth = depth.saturating_sub(1),
            ']' if depth == 0 => break,
            ']' => depth -= 1,
            ',' if depth == 0 => {
                args.push(current.trim().to_owned());
                current.clear();
                continue;
            }
            _ => {}
        }
        current.push(ch);
    }
    if !current.trim().is_empty() {
        args.push(current.trim().to_owned());
    }
    args
}
