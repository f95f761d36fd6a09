//! SvarInn's JSON beside a single document ("sidecar"): `brev.pdf` with
//! `brev.json` (or `brev.pdf.json`) in the digital share. The intake keeps a
//! copy of the JSON beside the document's content copy (`<content>.json`),
//! so reading the content copy later finds it the same way.

use std::io::Read;
use std::path::{Path, PathBuf};

use super::svarinn::is_forsendelse;

/// Largest metadata file read (SvarInn's JSON is a few kB).
const MAX_JSON_BYTES: u64 = 1024 * 1024;

/// Where a document's sidecar may be: `<name>.json`, then `<stem>.json`.
pub fn candidates(document: &Path) -> Vec<PathBuf> {
    let mut with_suffix = document.as_os_str().to_owned();
    with_suffix.push(".json");
    let mut out = vec![PathBuf::from(with_suffix)];
    if document.extension().is_some() {
        out.push(document.with_extension("json"));
    }
    out
}

fn read_small(path: &Path) -> Option<Vec<u8>> {
    // Never a plain open in the share: a FIFO named `x.json` would block the
    // intake, a link would read elsewhere (issue 9).
    let file = crate::safe_fs::open_regular(path).ok()?;
    let mut bytes = Vec::new();
    file.take(MAX_JSON_BYTES + 1).read_to_end(&mut bytes).ok()?;
    (bytes.len() as u64 <= MAX_JSON_BYTES).then_some(bytes)
}

/// The SvarInn metadata beside `document`, if there is any.
pub fn find(document: &Path) -> Option<(PathBuf, Vec<u8>)> {
    candidates(document).into_iter().find_map(|p| {
        let bytes = read_small(&p)?;
        is_forsendelse(&bytes).then_some((p, bytes))
    })
}

/// A `.json` file that is SvarInn metadata for a document lying beside it:
/// it travels with that document and is not an item of its own.
pub fn is_sidecar(path: &Path) -> bool {
    let is_json = path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("json"));
    if !is_json {
        return false;
    }
    let Some(bytes) = read_small(path) else {
        return false;
    };
    let Ok(value) = serde_json::from_slice::<serde_json::Value>(&bytes) else {
        return false;
    };
    let Some(folder) = path.parent() else {
        return false;
    };
    value
        .get("filmetadata")
        .and_then(|f| f.as_array())
        .is_some_and(|files| {
            files.iter().any(|f| {
                f.get("filnavn")
                    .and_then(|n| n.as_str())
                    .and_then(|n| Path::new(n).file_name())
                    .is_some_and(|n| folder.join(n).is_file())
            })
        })
}

/// Keeps a copy of `document`'s sidecar beside its content copy. Returns
/// the sidecar's path in the inbox, if there was one.
pub fn keep_beside(document: &Path, content: &Path) -> std::io::Result<Option<PathBuf>> {
    let Some((found, bytes)) = find(document) else {
        return Ok(None);
    };
    let target = candidates(content).remove(0);
    // Part of the arrival: durable before the item's row points to it.
    crate::atomic_file::write(
        &target,
        &bytes,
        crate::atomic_file::CREATE_MODE,
        crate::atomic_file::Durability::FileAndFolder,
    )?;
    Ok(Some(found))
}
