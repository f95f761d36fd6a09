//! A delivery's original in `_originaler/`: once its printout is handed over
//! the original (and its SvarInn sidecar) moves there from the inbox
//! (`ingest::printout`), and it goes when the item's content is forgotten,
//! under the same policy as our own copies.
//!
//! The move may have prefixed the name with `N-` (an earlier original had
//! the same name), so a file is taken to be the item's only when its name
//! fits and its bytes are the item's: a stranger's file, or another item's
//! original with the same name, is never removed.

use std::ffi::OsStr;
use std::path::{Path, PathBuf};

use crate::config::Config;
use crate::extract::delivery::sidecar;
use crate::ingest::printout::ORIGINALS_DIR;
use crate::item::{Sha256, UnitId};
use crate::store::forget::MovedOriginal;

/// The inboxes an original may have come from, resolved from the config.
#[derive(Debug, Clone, Default)]
pub struct Inboxes {
    digital: Option<PathBuf>,
    units: Vec<(UnitId, PathBuf)>,
}

impl Inboxes {
    pub fn of(config: &Config) -> Self {
        Inboxes {
            digital: Some(config.resolve(&config.raw.digital.folder)),
            units: config
                .raw
                .units
                .iter()
                .map(|u| (u.id.clone(), config.resolve(&u.scan_folder)))
                .collect(),
        }
    }

    /// The `_originaler/` folder of the inbox the item arrived in.
    fn originals_of(&self, folder_unit: Option<&UnitId>) -> Option<PathBuf> {
        let inbox = match folder_unit {
            None => self.digital.as_ref(),
            Some(unit) => self.units.iter().find(|(u, _)| u == unit).map(|(_, p)| p),
        }?;
        Some(inbox.join(ORIGINALS_DIR))
    }
}

/// The files in `_originaler/` that are an item's original and its sidecar,
/// each as it was when its bytes were checked.
#[derive(Debug, Default)]
pub struct Located {
    files: Vec<(PathBuf, Seen)>,
}

/// What a file was when it was hashed: the same inode, size and change time
/// later means the same bytes, without reading them again.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Seen {
    inode: u64,
    size: u64,
    changed: (i64, i64),
}

impl Seen {
    fn of(path: &Path) -> std::io::Result<Option<Self>> {
        use std::os::unix::fs::MetadataExt;
        match std::fs::symlink_metadata(path) {
            Ok(m) if m.is_file() => Ok(Some(Seen {
                inode: m.ino(),
                size: m.len(),
                changed: (m.ctime(), m.ctime_nsec()),
            })),
            Ok(_) => Ok(None),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(e),
        }
    }
}

/// Finds `original` and its sidecar in `_originaler/` by name and bytes.
/// Hashing is file IO: the sweep does it before it takes the store's write
/// lock, so intake never waits for it. `data_dir` is the data folder, where
/// the content copy's sidecar tells the moved sidecar's bytes. Missing files
/// (already removed, a unit no longer configured) are not an error.
pub fn locate(
    inboxes: &Inboxes,
    data_dir: &Path,
    original: &MovedOriginal,
) -> std::io::Result<Located> {
    let mut located = Located::default();
    let Some(dir) = inboxes.originals_of(original.folder_unit.as_ref()) else {
        return Ok(located);
    };
    let names = match list(&dir) {
        Ok(names) => names,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(located),
        Err(e) => return Err(e),
    };
    let document = Path::new(&original.file_name);
    located.push(find(&dir, &names, document, |bytes_of| {
        Ok(bytes_of.size == original.size && bytes_of.sha256()? == Some(original.sha256))
    })?)?;
    // The sidecar's bytes are the copy kept beside the content copy.
    let content = data_dir.join(&original.content_path);
    let kept = sidecar::candidates(&content).remove(0);
    let Some(expected) = read_if_present(&kept)? else {
        return Ok(located);
    };
    let expected_sha = Sha256::of_bytes(&expected);
    for name in sidecar::candidates(document) {
        if let Some(found) = find(&dir, &names, &name, |f| {
            Ok(f.size == expected.len() as u64 && f.sha256()? == Some(expected_sha))
        })? {
            located.push(Some(found))?;
            break;
        }
    }
    Ok(located)
}

impl Located {
    /// Notes a found file as it is now. The inode and change time are read
    /// after the hash: a file swapped in the meantime then fails
    /// [`Self::remove`]'s check, never the other way round.
    fn push(&mut self, found: Option<PathBuf>) -> std::io::Result<()> {
        if let Some(path) = found {
            if let Some(seen) = Seen::of(&path)? {
                self.files.push((path, seen));
            }
        }
        Ok(())
    }

    /// Removes the files found, each only if it is still the file whose
    /// bytes were checked (a cheap stat, fit for inside the write lock). A
    /// file replaced since is kept and the removal fails: the item keeps its
    /// content and the next sweep looks again.
    pub fn remove(&self) -> std::io::Result<()> {
        for (path, seen) in &self.files {
            match Seen::of(path)? {
                None => {}
                Some(now) if now == *seen => remove_if_present(path)?,
                Some(_) => {
                    return Err(std::io::Error::other(
                        "filen er endret etter at den ble kontrollert",
                    ))
                }
            }
        }
        Ok(())
    }
}

/// Finds and removes at once (see [`locate`] and [`Located::remove`]).
pub fn remove(inboxes: &Inboxes, data_dir: &Path, original: &MovedOriginal) -> std::io::Result<()> {
    locate(inboxes, data_dir, original)?.remove()
}

fn list(dir: &Path) -> std::io::Result<Vec<String>> {
    let mut names = Vec::new();
    for entry in std::fs::read_dir(dir)? {
        let entry = entry?;
        // Only regular files: a link or FIFO planted here is never followed.
        if entry.file_type()?.is_file() {
            names.push(entry.file_name().to_string_lossy().into_owned());
        }
    }
    names.sort();
    Ok(names)
}

/// A file in `_originaler/` that may be the one wanted.
struct Candidate {
    path: PathBuf,
    size: u64,
}

impl Candidate {
    /// Its bytes' hash; `None` for what is not a regular file by the time
    /// it is opened (swapped for a link or FIFO: never ours).
    fn sha256(&self) -> std::io::Result<Option<Sha256>> {
        let mut file = match crate::safe_fs::open_regular(&self.path) {
            Ok(file) => file,
            Err(e) if crate::safe_fs::is_not_regular(&e) => return Ok(None),
            Err(e) => return Err(e),
        };
        Sha256::of_reader(&mut file).map(Some)
    }
}

/// The first file named `name` or `N-name` for which `is_it` holds.
fn find(
    dir: &Path,
    names: &[String],
    name: &Path,
    is_it: impl Fn(&Candidate) -> std::io::Result<bool>,
) -> std::io::Result<Option<PathBuf>> {
    let Some(name) = name.file_name().and_then(OsStr::to_str) else {
        return Ok(None);
    };
    for listed in names {
        if !fits(listed, name) {
            continue;
        }
        let path = dir.join(listed);
        let size = match std::fs::symlink_metadata(&path) {
            Ok(m) if m.is_file() => m.len(),
            _ => continue,
        };
        if is_it(&Candidate {
            path: path.clone(),
            size,
        })? {
            return Ok(Some(path));
        }
    }
    Ok(None)
}

/// `listed` is `name` itself or the move's `N-name`.
fn fits(listed: &str, name: &str) -> bool {
    if listed == name {
        return true;
    }
    listed
        .strip_suffix(name)
        .and_then(|prefix| prefix.strip_suffix('-'))
        .is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
}

fn remove_if_present(path: &Path) -> std::io::Result<()> {
    match std::fs::remove_file(path) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(e),
        _ => Ok(()),
    }
}

fn read_if_present(path: &Path) -> std::io::Result<Option<Vec<u8>>> {
    match std::fs::read(path) {
        Ok(bytes) => Ok(Some(bytes)),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(e),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A SvarInn document and its JSON went to `_originaler/` (the JSON
    /// under the move's numbered name); a stranger's file with the
    /// document's name but other bytes lies beside them.
    /// A digital inbox with its `_originaler/` folder, and the moved
    /// original of an item whose document held `pdf`.
    fn digital_inbox(dir: &Path, pdf: &[u8]) -> (Inboxes, PathBuf, MovedOriginal) {
        let inbox = dir.join("digital");
        let originals = inbox.join(ORIGINALS_DIR);
        std::fs::create_dir_all(&originals).unwrap();
        let inboxes = Inboxes {
            digital: Some(inbox),
            units: Vec::new(),
        };
        let original = MovedOriginal {
            folder_unit: None,
            file_name: "vedtak.pdf".into(),
            sha256: Sha256::of_bytes(pdf),
            size: pdf.len() as u64,
            content_path: "content/abc".into(),
        };
        (inboxes, originals, original)
    }

    #[test]
    fn a_document_and_its_sidecar_go_and_other_bytes_stay() {
        let dir = tempfile::tempdir().unwrap();
        let data = dir.path().join("var");
        std::fs::create_dir_all(data.join("content")).unwrap();
        let (pdf, json) = (b"%PDF-1.7 vedtak".as_slice(), b"{\"id\":1}".as_slice());
        let (inboxes, originals, original) = digital_inbox(dir.path(), pdf);
        std::fs::write(originals.join("vedtak.pdf"), b"andre bytes").unwrap();
        std::fs::write(originals.join("1-vedtak.pdf"), pdf).unwrap();
        std::fs::write(originals.join("2-vedtak.json"), json).unwrap();
        std::fs::write(data.join("content/abc.json"), json).unwrap();
        remove(&inboxes, &data, &original).unwrap();
        let left: Vec<String> = std::fs::read_dir(&originals)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        assert_eq!(left, ["vedtak.pdf"]);
        // Again, and for a unit no longer configured: nothing to do, no error.
        remove(&inboxes, &data, &original).unwrap();
        let gone_unit = MovedOriginal {
            folder_unit: Some(UnitId::new("omsorg").unwrap()),
            ..original
        };
        remove(&inboxes, &data, &gone_unit).unwrap();
    }

    /// The files are found (hashed) before the store's write lock and only
    /// removed inside it: one replaced in between is not the one checked,
    /// and stays.
    #[test]
    fn a_file_replaced_after_it_was_checked_is_kept() {
        let dir = tempfile::tempdir().unwrap();
        let pdf = b"%PDF-1.7 vedtak".as_slice();
        let (inboxes, originals, original) = digital_inbox(dir.path(), pdf);
        std::fs::write(originals.join("vedtak.pdf"), pdf).unwrap();
        let located = locate(&inboxes, dir.path(), &original).unwrap();
        // Someone puts other bytes under the name (a new file renamed in).
        std::fs::write(originals.join("ny.tmp"), b"%PDF-1.7 ANNET!!").unwrap();
        std::fs::rename(originals.join("ny.tmp"), originals.join("vedtak.pdf")).unwrap();
        assert!(located.remove().is_err());
        assert_eq!(
            std::fs::read(originals.join("vedtak.pdf")).unwrap(),
            b"%PDF-1.7 ANNET!!"
        );
        // Found again, the stranger's bytes do not fit: nothing is removed.
        let again = locate(&inboxes, dir.path(), &original).unwrap();
        again.remove().unwrap();
        assert!(originals.join("vedtak.pdf").exists());
        // The item's own file, unchanged since it was checked, goes.
        std::fs::write(originals.join("vedtak.pdf"), pdf).unwrap();
        let located = locate(&inboxes, dir.path(), &original).unwrap();
        located.remove().unwrap();
        assert!(!originals.join("vedtak.pdf").exists());
    }

    #[test]
    fn only_the_name_or_the_moves_numbered_name_fits() {
        assert!(fits("melding.eml", "melding.eml"));
        assert!(fits("12-melding.eml", "melding.eml"));
        assert!(!fits("-melding.eml", "melding.eml"));
        assert!(!fits("x-melding.eml", "melding.eml"));
        assert!(!fits("annen-melding.eml", "melding.eml"));
        assert!(!fits("melding.eml.json", "melding.eml"));
    }
}
