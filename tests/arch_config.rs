//! The config knot stays untied (issue 10): the shared config vocabulary
//! lives in leaf modules that use nothing from the crate, and no file that
//! `src/config.rs` reaches through `crate::` / `super::` / child-module paths
//! leads back to it.
//!
//! A plain reading of the sources, no tool needed: every path the compiler
//! would resolve to a module file is an edge from the file that names it.
//! Comments and `#[cfg(test)]` modules are left out (test code may use
//! anything).

use std::collections::{BTreeMap, BTreeSet, VecDeque};
use std::path::{Path, PathBuf};

/// Modules that must depend on nothing in the crate.
const LEAVES: &[&str] = &["src/issues.rs", "src/paths.rs", "src/data_dir.rs"];

fn src_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src")
}

/// Every `.rs` file under `src/`, by its path relative to the crate root.
fn sources() -> BTreeMap<String, String> {
    fn walk(dir: &Path, out: &mut BTreeMap<String, String>) {
        let mut entries: Vec<_> = std::fs::read_dir(dir)
            .expect("src is readable")
            .map(|e| e.expect("dir entry").path())
            .collect();
        entries.sort();
        for path in entries {
            if path.is_dir() {
                walk(&path, out);
            } else if path.extension().is_some_and(|e| e == "rs") {
                let rel = path
                    .strip_prefix(env!("CARGO_MANIFEST_DIR"))
                    .expect("under the crate")
                    .to_string_lossy()
                    .replace('\\', "/");
                let text = std::fs::read_to_string(&path).expect("source is UTF-8");
                out.insert(rel, code_only(&text));
            }
        }
    }
    let mut out = BTreeMap::new();
    walk(&src_root(), &mut out);
    out
}

/// The text without comments and without `#[cfg(test)]` items.
fn code_only(text: &str) -> String {
    let mut out = String::new();
    // Inside a `#[cfg(test)]` item: the brace depth, once its body opened.
    let mut skipping: Option<i32> = None;
    for line in text.lines() {
        let code = match line.find(" //") {
            Some(at) => &line[..at],
            None => line,
        };
        if code.trim_start().starts_with("//") {
            continue;
        }
        if code.trim_start().starts_with("#[cfg(test)]") {
            skipping = Some(0);
            continue;
        }
        if let Some(depth) = skipping.as_mut() {
            let opened = code.matches('{').count() as i32;
            let closed = code.matches('}').count() as i32;
            let was = *depth;
            *depth += opened - closed;
            // Ends with the line that closes its body, or with a body-less
            // item (`mod tests;`, `use …;`).
            if *depth <= 0 && (was > 0 || opened > 0 || code.trim_end().ends_with(';')) {
                skipping = None;
            }
            continue;
        }
        out.push_str(code);
        out.push('\n');
    }
    out
}

/// The module path of a file: `src/web/mod.rs` → `["web"]`.
fn module_of(file: &str) -> Vec<String> {
    let rel = file.trim_start_matches("src/").trim_end_matches(".rs");
    let mut parts: Vec<String> = rel.split('/').map(str::to_owned).collect();
    if matches!(
        parts.last().map(String::as_str),
        Some("mod" | "lib" | "main")
    ) {
        parts.pop();
    }
    parts
}

/// The file of the longest prefix of `path` that is a module file.
fn file_of(path: &[String], files: &BTreeMap<String, String>) -> Option<String> {
    (1..=path.len()).rev().find_map(|n| {
        let joined = path[..n].join("/");
        [format!("src/{joined}.rs"), format!("src/{joined}/mod.rs")]
            .into_iter()
            .find(|f| files.contains_key(f))
    })
}

fn ident_at(chars: &[char], mut i: usize) -> (String, usize) {
    let start = i;
    while i < chars.len() && (chars[i].is_alphanumeric() || chars[i] == '_') {
        i += 1;
    }
    (chars[start..i].iter().collect(), i)
}

fn skip_ws(chars: &[char], mut i: usize) -> usize {
    while i < chars.len() && chars[i].is_whitespace() {
        i += 1;
    }
    i
}

/// Parses a use tree at `i` (after `prefix::`), collecting full paths.
fn tree(chars: &[char], i: usize, prefix: &[String], out: &mut Vec<Vec<String>>) -> usize {
    let i = skip_ws(chars, i);
    if chars.get(i) == Some(&'{') {
        let mut i = i + 1;
        loop {
            i = skip_ws(chars, i);
            match chars.get(i) {
                Some('}') => return i + 1,
                Some(',') => i += 1,
                None => return i,
                _ => i = tree(chars, i, prefix, out),
            }
        }
    }
    let (name, next) = ident_at(chars, i);
    if name.is_empty() {
        out.push(prefix.to_vec());
        return i + 1;
    }
    let mut path = prefix.to_vec();
    path.push(name);
    if chars.get(next) == Some(&':') && chars.get(next + 1) == Some(&':') {
        tree(chars, next + 2, &path, out)
    } else {
        out.push(path);
        next
    }
}

/// Every file this file names.
fn edges(file: &str, text: &str, files: &BTreeMap<String, String>) -> BTreeSet<String> {
    let here = module_of(file);
    // `super` of `src/a/b.rs` is `a`; of `src/a/b/mod.rs` also `a`.
    let parent: Vec<String> = here[..here.len().saturating_sub(1)].to_vec();
    let children: BTreeSet<String> = text
        .lines()
        .filter_map(|l| {
            let l = l.trim_start().trim_start_matches("pub ").trim_start();
            let l = l.strip_prefix("pub(crate) ").unwrap_or(l);
            l.strip_prefix("mod ")
                .map(|rest| rest.trim_end_matches(';').trim().to_owned())
        })
        .collect();
    let chars: Vec<char> = text.chars().collect();
    let mut paths = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let boundary = i == 0 || !(chars[i - 1].is_alphanumeric() || chars[i - 1] == '_');
        let (word, next) = ident_at(&chars, i);
        if word.is_empty() {
            i += 1;
            continue;
        }
        let followed = chars.get(next) == Some(&':') && chars.get(next + 1) == Some(&':');
        if boundary && followed && (i == 0 || chars[i - 1] != ':') {
            let base: Option<Vec<String>> = match word.as_str() {
                "crate" => Some(Vec::new()),
                "super" => Some(parent.clone()),
                "self" => Some(here.clone()),
                w if children.contains(w) => {
                    let mut p = here.clone();
                    p.push(w.to_owned());
                    Some(p)
                }
                _ => None,
            };
            if let Some(base) = base {
                i = tree(&chars, next + 2, &base, &mut paths);
                continue;
            }
        }
        i = next;
    }
    paths
        .iter()
        .filter_map(|p| file_of(p, files))
        .filter(|f| f != file && f != "src/lib.rs")
        .collect()
}

fn graph() -> BTreeMap<String, BTreeSet<String>> {
    let files = sources();
    files
        .iter()
        .map(|(f, text)| (f.clone(), edges(f, text, &files)))
        .collect()
}

/// A shortest way from `from` back to `to`, if there is one.
fn path_between(
    graph: &BTreeMap<String, BTreeSet<String>>,
    from: &str,
    to: &str,
) -> Option<Vec<String>> {
    let mut came_from: BTreeMap<String, String> = BTreeMap::new();
    let mut queue = VecDeque::from([from.to_owned()]);
    while let Some(at) = queue.pop_front() {
        for next in graph.get(&at).into_iter().flatten() {
            if next == to {
                let mut way = vec![to.to_owned(), at.clone()];
                let mut cur = at.clone();
                while let Some(prev) = came_from.get(&cur) {
                    way.push(prev.clone());
                    cur = prev.clone();
                }
                way.reverse();
                return Some(way);
            }
            if next != from && !came_from.contains_key(next) {
                came_from.insert(next.clone(), at.clone());
                queue.push_back(next.clone());
            }
        }
    }
    None
}

#[test]
fn leaf_modules_use_nothing_from_the_crate() {
    let graph = graph();
    for leaf in LEAVES {
        let uses = graph
            .get(*leaf)
            .unwrap_or_else(|| panic!("{leaf} is missing"));
        assert!(uses.is_empty(), "{leaf} must be a leaf but uses {uses:?}");
    }
}

#[test]
fn nothing_config_uses_leads_back_to_config() {
    let graph = graph();
    let config = "src/config.rs";
    for first in &graph[config] {
        if let Some(way) = path_between(&graph, first, config) {
            panic!(
                "dependency circle through config: {config} → {}",
                way.join(" → ")
            );
        }
    }
}

#[test]
fn the_reader_sees_real_edges() {
    // Guards the parser itself: known edges of today's code must be found,
    // so the tests above cannot pass by reading nothing.
    let graph = graph();
    let daemon = &graph["src/daemon.rs"];
    assert!(daemon.contains("src/config.rs"), "{daemon:?}");
    assert!(daemon.contains("src/ingest/intake.rs"), "{daemon:?}");
    let watch = &graph["src/watch/mod.rs"];
    assert!(watch.contains("src/watch/ignore.rs"), "{watch:?}");
    let config = &graph["src/config.rs"];
    assert!(config.contains("src/issues.rs"), "{config:?}");
}
