//! ARCHITECTURE.md: "Role rules live in one place, `src/access.rs`". This
//! test reads `src/**/*.rs` and fails when a role decision is written
//! anywhere else: a `Role::` variant, a role code in a string or SQL
//! literal, or a comparison or match on a role. The role's definition and
//! parsing (`src/item.rs`) and the rules (`src/access.rs`) are exempt;
//! unit-test modules are not scanned (they build users of every role), and
//! the migrations' seed data is SQL, not `.rs`.

use std::path::Path;

use regex::Regex;

mod common;
use common::rust_files;

/// Where role names and role comparisons belong.
const ALLOWED_FILES: &[&str] = &["src/item.rs", "src/access.rs"];

/// Single hits that look like a role but are not a decision: (file, text of
/// the line after trimming, why).
const ALLOWED_LINES: &[(&str, &str, &str)] = &[(
    "src/web/actions.rs",
    r#"const PAGES: &[&str] = &["", "items", "shelves", "reports", "audit", "admin"];"#,
    "the path segment of the /admin page, not the role",
)];

const CODES: &str = "clerk|caseworker|leader|records_officer|admin";

fn patterns() -> Vec<(&'static str, Regex)> {
    let re = |s: &str| Regex::new(s).expect("pattern compiles");
    vec![
        (
            "a Role variant",
            re(r"\bRole::(Clerk|Caseworker|Leader|RecordsOfficer|Admin)\b"),
        ),
        ("a role code in a string", re(&format!(r#""({CODES})""#))),
        ("a role code in SQL", re(&format!(r"'({CODES})'"))),
        (
            "a comparison with a role",
            re(r"\brole(\(\))?\s*[!=]=|[!=]=\s*[\w.]*\brole\b(\(\))?|label_nb\(\)\s*[!=]="),
        ),
        (
            "a match on a role",
            re(r"\bmatch\s+[\w.]*\brole\b|matches!\(\s*[\w.]*\brole\b"),
        ),
    ]
}

/// The code of a source file as the scan reads it: comment lines dropped,
/// and the unit-test module at the end left out.
fn code_lines(text: &str) -> Vec<(usize, &str)> {
    let mut out = Vec::new();
    let mut lines = text.lines().enumerate().peekable();
    while let Some((n, line)) = lines.next() {
        let trimmed = line.trim();
        if trimmed == "#[cfg(test)]"
            && lines
                .peek()
                .is_some_and(|(_, next)| next.trim_start().starts_with("mod "))
        {
            break;
        }
        if trimmed.starts_with("//") {
            continue;
        }
        out.push((n + 1, line));
    }
    out
}

/// Every role decision in `text` that the rules do not allow, as
/// `file:line: what: the line`.
fn findings(file: &str, text: &str) -> Vec<String> {
    if ALLOWED_FILES.contains(&file) {
        return Vec::new();
    }
    let patterns = patterns();
    let mut out = Vec::new();
    for (n, line) in code_lines(text) {
        let trimmed = line.trim();
        if ALLOWED_LINES
            .iter()
            .any(|(f, allowed, _)| *f == file && *allowed == trimmed)
        {
            continue;
        }
        for (what, re) in &patterns {
            if re.is_match(line) {
                out.push(format!("{file}:{n}: {what}: {trimmed}"));
            }
        }
    }
    out
}

#[test]
fn role_decisions_live_only_in_the_access_module() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    rust_files(&root.join("src"), &mut files);
    files.sort();
    assert!(files.len() > 50, "the scan found the sources");
    let mut all = Vec::new();
    for path in &files {
        let rel = path
            .strip_prefix(root)
            .expect("under the crate")
            .to_string_lossy()
            .replace('\\', "/");
        let text = std::fs::read_to_string(path).expect("source is UTF-8");
        all.extend(findings(&rel, &text));
    }
    assert!(
        all.is_empty(),
        "role decisions outside src/access.rs (ask access instead):\n{}",
        all.join("\n")
    );
}

#[test]
fn the_scan_sees_each_kind_of_role_decision() {
    let decisions = [
        "    if user.role != Role::RecordsOfficer {",
        "    if matches!(viewer.user.role, Role::Clerk | Role::Leader) {",
        "    let only_me = (viewer.user.role != role).then_some(me);",
        "    match user.role {",
        "         WHERE u.role IN ('caseworker', 'leader')",
        "    if user.role.as_str() == \"admin\" {",
        "    if user.role.label_nb() == leader_label {",
    ];
    for line in decisions {
        let text = format!("fn f() {{\n{line}\n}}\n");
        assert!(
            !findings("src/web/example.rs", &text).is_empty(),
            "not seen: {line}"
        );
        assert!(
            findings("src/access.rs", &text).is_empty(),
            "the access module may decide: {line}"
        );
    }
    let fine = "fn f() {\n    // Role::Clerk in a comment\n    if access::can_audit(&user) {}\n}\n\
                #[cfg(test)]\nmod tests {\n    const R: Role = Role::Admin;\n}\n";
    assert!(findings("src/web/example.rs", fine).is_empty());
}
