//! Folder problems the intake finds while listing: names it cannot take in
//! and a quarantine folder it must not write into. Each is a problem in
//! [`Health`] (named in `status`, which then exits non-zero) until fixed.

use std::path::Path;

use crate::ingest::health::Health;
use crate::safe_fs;

/// Files whose names are not UTF-8 cannot be admitted (their path could
/// not be stored and found again); they are named as a folder problem in
/// `status`, with the names shown lossily, until someone renames them.
pub(super) fn report_unreadable_names(health: &Health, folder: &Path, names: &[String]) {
    let key = format!("names:{}", folder.display());
    if names.is_empty() {
        health.clear_problem(&key);
        return;
    }
    let shown: Vec<&str> = names.iter().take(3).map(String::as_str).collect();
    health.set_problem(
        &key,
        format!(
            "{} fil(er) i {} har navn som ikke kan leses (ikke UTF-8) og tas ikke inn: {}; gi dem nytt navn",
            names.len(),
            folder.display(),
            shown.join(", ")
        ),
    );
}

/// A planted `_avvist` (a link, a file, someone else's folder) is reported at
/// once, not only when a refusal needs it; a fixed one clears the problem.
pub(super) fn check_quarantine_dir(health: &Health, inbox: &Path) {
    let dir = inbox.join(crate::ingest::folders::QUARANTINE_DIR);
    let key = format!("avvist:{}", inbox.display());
    match safe_fs::OwnDir::open(&dir, false) {
        Ok(_) => health.clear_problem(&key),
        Err(safe_fs::DirProblem::Io { source, .. })
            if source.kind() == std::io::ErrorKind::NotFound =>
        {
            health.clear_problem(&key)
        }
        Err(problem) => health.set_problem(
            &key,
            format!("{problem}. Avviste filer blir liggende i innboksen til dette er rettet."),
        ),
    }
}
