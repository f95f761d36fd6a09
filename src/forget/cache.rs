//! The page-image cache (`data_dir/cache/pages/{item}-{page}-{dpi}.png`,
//! written by the board's page-image handler): bounded in size, pruned
//! oldest first, and never holding an image of an item whose content is
//! deleted. Images can always be rendered again from the content copy, so
//! removing one only costs a render.

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

/// The cache folder under a data folder.
pub fn dir(data_dir: &Path) -> PathBuf {
    crate::data_dir::DataDir::new(data_dir).page_cache()
}

/// What a cache pass did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct CacheOutcome {
    /// Images of items whose content is deleted (or that no longer exist).
    pub removed_forgotten: usize,
    /// Images removed to stay under the size bound.
    pub removed_for_size: usize,
    /// What is left.
    pub files: usize,
    pub bytes: u64,
}

struct Entry {
    path: PathBuf,
    item: Option<i64>,
    size: u64,
    modified: SystemTime,
}

/// The item a cache file belongs to (`{item}-{page}-{dpi}.png`).
fn item_of(name: &str) -> Option<i64> {
    name.strip_suffix(".png")?.split('-').next()?.parse().ok()
}

fn list(dir: &Path) -> std::io::Result<Vec<Entry>> {
    let entries = match std::fs::read_dir(dir) {
        Ok(e) => e,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(e),
    };
    let mut out = Vec::new();
    for entry in entries.flatten() {
        let Ok(meta) = entry.metadata() else { continue };
        if !meta.is_file() {
            continue;
        }
        let name = entry.file_name().to_string_lossy().into_owned();
        out.push(Entry {
            path: entry.path(),
            item: item_of(&name),
            size: meta.len(),
            modified: meta.modified().unwrap_or(SystemTime::UNIX_EPOCH),
        });
    }
    Ok(out)
}

fn remove(path: &Path) -> bool {
    match std::fs::remove_file(path) {
        Ok(()) => true,
        Err(e) => e.kind() == std::io::ErrorKind::NotFound,
    }
}

/// Removes every image whose item is not in `holding` (content deleted, or
/// the item is gone), half-written leftovers older than an hour, then the
/// oldest images until the cache is at most `max_bytes`.
pub fn sweep(dir: &Path, holding: &HashSet<i64>, max_bytes: u64) -> std::io::Result<CacheOutcome> {
    let mut outcome = CacheOutcome::default();
    let stale = SystemTime::now()
        .checked_sub(Duration::from_secs(3600))
        .unwrap_or(SystemTime::UNIX_EPOCH);
    let mut kept = Vec::new();
    for entry in list(dir)? {
        let orphan = match entry.item {
            Some(id) => !holding.contains(&id),
            None => entry.modified < stale,
        };
        if orphan {
            if remove(&entry.path) {
                outcome.removed_forgotten += 1;
            }
        } else {
            kept.push(entry);
        }
    }
    outcome.removed_for_size = prune_entries(&mut kept, max_bytes);
    outcome.files = kept.len();
    outcome.bytes = kept.iter().map(|e| e.size).sum();
    Ok(outcome)
}

/// Only the size bound (the handler calls this after caching a new image).
pub fn prune(dir: &Path, max_bytes: u64) -> std::io::Result<usize> {
    let mut entries = list(dir)?;
    Ok(prune_entries(&mut entries, max_bytes))
}

/// Removes the oldest entries until the total is at most `max_bytes`;
/// `entries` is left holding what remains.
fn prune_entries(entries: &mut Vec<Entry>, max_bytes: u64) -> usize {
    let mut total: u64 = entries.iter().map(|e| e.size).sum();
    if total <= max_bytes {
        return 0;
    }
    entries.sort_by_key(|e| e.modified);
    let mut removed = 0;
    let mut keep_from = 0;
    for (i, entry) in entries.iter().enumerate() {
        if total <= max_bytes {
            break;
        }
        if remove(&entry.path) {
            removed += 1;
        }
        total = total.saturating_sub(entry.size);
        keep_from = i + 1;
    }
    entries.drain(..keep_from);
    removed
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forgotten_items_lose_their_images_and_the_oldest_go_first() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path();
        let old = SystemTime::now() - Duration::from_secs(600);
        for (name, age) in [("1-1-110.png", 3), ("2-1-110.png", 2), ("3-1-110.png", 1)] {
            let path = dir.join(name);
            std::fs::write(&path, vec![0u8; 100]).unwrap();
            let f = std::fs::File::options().write(true).open(&path).unwrap();
            f.set_modified(old + Duration::from_secs(age * 10)).unwrap();
        }
        let holding: HashSet<i64> = [1, 3].into_iter().collect();
        let out = sweep(dir, &holding, 150).unwrap();
        assert_eq!(out.removed_forgotten, 1, "item 2's content is deleted");
        assert_eq!(out.removed_for_size, 1);
        // Item 3's image is the oldest left, so it goes for the size bound.
        assert!(dir.join("1-1-110.png").exists());
        assert!(!dir.join("2-1-110.png").exists());
        assert!(!dir.join("3-1-110.png").exists());
        assert_eq!(out.bytes, 100);
    }
}
