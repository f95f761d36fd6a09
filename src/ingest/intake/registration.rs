//! Registration: an item whose file left its inbox folder was taken into
//! the case system, unless the same bytes now lie under another name in the
//! same folder (a rename: the same arrival, which keeps its state).

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

use chrono::Utc;

use super::{bounded, device_of, Intake};
use crate::store::arrivals;
use crate::store::items;
use crate::watch::settle::FileStamp;

impl Intake {
    /// Items whose file left its folder are registered (taken into the case
    /// system), unless the same bytes now lie under another name in the same
    /// folder: that is a rename, and the item keeps its state and learns the
    /// name. `only`: just the item(s) at this path. A full check (rescans)
    /// also finishes moves of refused files into `_avvist/` that failed.
    pub(super) async fn check_registrations(&mut self, only: Option<PathBuf>) {
        let folders: Vec<PathBuf> = self
            .folders
            .iter()
            .filter(|w| w.device.is_some() && device_of(&w.folder.path) == w.device)
            .map(|w| w.folder.path.clone())
            .collect();
        let full = only.is_none();
        let found = self
            .db
            .run(move |s| -> Result<_, crate::store::StoreError> {
                let watched = |path: &Path| {
                    path.parent()
                        .is_some_and(|p| folders.iter().any(|f| f == p))
                };
                let live = arrivals::live_files(s)?;
                let live_paths: HashSet<PathBuf> =
                    live.iter().map(|l| PathBuf::from(&l.source_path)).collect();
                let gone: Vec<arrivals::LiveFile> = live
                    .into_iter()
                    .filter(|l| {
                        let path = Path::new(&l.source_path);
                        only.as_deref().is_none_or(|o| o == path)
                            && watched(path)
                            && std::fs::symlink_metadata(path).is_err()
                    })
                    .collect();
                let mut stranded = Vec::new();
                if full {
                    for item in items::rejected_items(s)? {
                        let path = Path::new(&item.source_path);
                        if watched(path) && path.exists() {
                            stranded.push(item.id);
                        }
                    }
                }
                Ok((gone, live_paths, stranded))
            })
            .await;
        let (gone, live_paths, stranded) = match found {
            Ok(found) => found,
            Err(err) => return self.survive(format!("registreringssjekk feilet: {err}")),
        };
        let renames = if gone.is_empty() {
            Vec::new()
        } else {
            let g = gone.clone();
            match bounded(move || Ok(find_renames(&g, &live_paths))).await {
                Ok(r) => r,
                // Unsure whether they were renamed: decide at the next check.
                Err(err) => return self.survive(format!("registreringssjekk feilet: {err}")),
            }
        };
        for (id, new_path) in &renames {
            if let Some(old) = gone.iter().find(|g| g.id == *id) {
                let old = PathBuf::from(&old.source_path);
                if let Some(stamp) = self.known.remove(&old) {
                    self.known.insert(new_path.clone(), stamp);
                }
            }
        }
        let result = self
            .db
            .run(move |s| -> Result<_, crate::store::StoreError> {
                let mut registered = Vec::new();
                let mut renamed = Vec::new();
                for item in &gone {
                    let new = renames.iter().find(|(id, _)| *id == item.id);
                    if let Some((id, path)) = new {
                        let name = path
                            .file_name()
                            .map(|n| n.to_string_lossy().into_owned())
                            .unwrap_or_default();
                        if arrivals::record_rename(s, *id, &path.to_string_lossy(), &name)? {
                            renamed.push(*id);
                        }
                    } else if items::mark_registered(s, item.id, Utc::now())? {
                        registered.push(item.id);
                    }
                }
                Ok((registered, renamed))
            })
            .await;
        match result {
            Ok((registered, renamed)) => {
                for id in registered {
                    tracing::info!(item = %id, "filen er tatt ut av mappen: registrert");
                }
                for id in renamed {
                    tracing::info!(item = %id, "filen har fått nytt navn i samme mappe; samme sak");
                }
                for id in stranded {
                    self.requarantine(id).await;
                }
            }
            Err(err) => self.survive(format!("registreringssjekk feilet: {err}")),
        }
    }
}

/// For each gone item, the path in its own folder that now holds the same
/// bytes (same size and mtime, which a rename keeps, then the same SHA-256),
/// if any. Paths of other live items are not candidates. Blocking.
fn find_renames(
    gone: &[arrivals::LiveFile],
    live_paths: &HashSet<PathBuf>,
) -> Vec<(crate::item::ItemId, PathBuf)> {
    let mut listings: HashMap<PathBuf, Vec<(PathBuf, FileStamp)>> = HashMap::new();
    let mut taken: HashSet<PathBuf> = HashSet::new();
    let mut found = Vec::new();
    for item in gone {
        let Some(folder) = Path::new(&item.source_path).parent() else {
            continue;
        };
        let listing = listings.entry(folder.to_owned()).or_insert_with(|| {
            std::fs::read_dir(folder)
                .map(|entries| {
                    entries
                        .flatten()
                        .filter(|e| e.file_type().is_ok_and(|t| t.is_file()))
                        .filter(|e| e.file_name().to_str().is_some())
                        .filter_map(|e| Some((e.path(), FileStamp::of(&e.metadata().ok()?))))
                        .collect()
                })
                .unwrap_or_default()
        });
        let candidate = listing.iter().find(|(path, stamp)| {
            stamp.size == item.size
                && Some(stamp.mtime_ns) == item.mtime_ns
                && !live_paths.contains(path)
                && !taken.contains(path)
                && crate::item::Sha256::of_file(path).is_ok_and(|sha| sha.to_hex() == item.sha256)
        });
        if let Some((path, _)) = candidate {
            taken.insert(path.clone());
            found.push((item.id, path.clone()));
        }
    }
    found
}
