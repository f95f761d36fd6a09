//! What lies inside an inbox folder besides arrivals: the quarantine folder
//! and caseworkers' scanner shelves. Config assembly lists the shelves
//! (`Config::inbox_folders`), so this file uses nothing from the crate.

use std::path::{Path, PathBuf};

/// The quarantine folder inside every inbox folder (refused files and their
/// reason files).
pub const QUARANTINE_DIR: &str = "_avvist";

/// Whether a sub-folder of a scan folder named `name` is a caseworker's
/// shelf: not the quarantine, not hidden or a system folder.
pub fn is_shelf_name(name: &str) -> bool {
    name != QUARANTINE_DIR && !name.starts_with(['.', '_', '~'])
}

/// The caseworker shelves in a unit's scan folder: its sub-folders, one level
/// deep, except the quarantine and hidden or system folders.
pub fn shelf_folders(scan_folder: &Path) -> Vec<PathBuf> {
    let Ok(entries) = std::fs::read_dir(scan_folder) else {
        return Vec::new();
    };
    let mut out: Vec<PathBuf> = entries
        .flatten()
        .filter(|e| e.file_type().is_ok_and(|t| t.is_dir()))
        .filter(|e| e.file_name().to_str().is_some_and(is_shelf_name))
        .map(|e| e.path())
        .collect();
    out.sort();
    out
}
