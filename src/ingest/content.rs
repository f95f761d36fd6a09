//! The content store: the service's own copy of every admitted file, so
//! nothing is lost when a person deletes the original too early (or the case
//! system takes it). Files are named by their SHA-256 under
//! `data_dir/content/<2 hex>/<64 hex>`; identical bytes are stored once.
//!
//! **Invariant:** a content file is complete or absent: bytes are written to
//! `content/tmp/`, fsync'ed, then renamed into place. Leftovers in `tmp/` are
//! from a crash and are removed at start-up.

use std::fs::File;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

use sha2::Digest;

use crate::item::Sha256;

#[derive(Debug)]
pub struct ContentStore {
    data_dir: PathBuf,
    counter: AtomicU64,
}

/// A file copied into the store.
#[derive(Debug, Clone)]
pub struct Copied {
    pub sha256: Sha256,
    /// Relative to `data_dir`.
    pub content_path: String,
    pub size: u64,
}

impl ContentStore {
    /// Creates the folders; removes crash leftovers.
    pub fn open(data_dir: &Path) -> std::io::Result<ContentStore> {
        let tmp = data_dir.join("content").join("tmp");
        if tmp.exists() {
            std::fs::remove_dir_all(&tmp)?;
        }
        std::fs::create_dir_all(&tmp)?;
        Ok(ContentStore {
            data_dir: data_dir.to_owned(),
            counter: AtomicU64::new(0),
        })
    }

    pub fn path_of(&self, content_path: &str) -> PathBuf {
        self.data_dir.join(content_path)
    }

    /// Copies `src` into the store, hashing the bytes as they are copied (one
    /// read of the file). Blocking.
    pub fn copy_in(&self, src: &Path) -> std::io::Result<Copied> {
        let n = self.counter.fetch_add(1, Ordering::Relaxed);
        let tmp = self
            .data_dir
            .join("content/tmp")
            .join(format!("{}-{n}", std::process::id()));
        let result = self.copy_via(src, &tmp);
        if result.is_err() {
            let _ = std::fs::remove_file(&tmp);
        }
        result
    }

    fn copy_via(&self, src: &Path, tmp: &Path) -> std::io::Result<Copied> {
        let mut input = File::open(src)?;
        let mut output = File::create(tmp)?;
        let mut hasher = sha2::Sha256::new();
        let mut buf = vec![0u8; 256 * 1024];
        let mut size = 0u64;
        loop {
            let n = input.read(&mut buf)?;
            if n == 0 {
                break;
            }
            hasher.update(&buf[..n]);
            output.write_all(&buf[..n])?;
            size += n as u64;
        }
        output.sync_all()?;
        drop(output);
        let sha256 = Sha256(hasher.finalize().into());
        let hex = sha256.to_hex();
        let rel = format!("content/{}/{hex}", &hex[..2]);
        let dest = self.data_dir.join(&rel);
        if dest.exists() {
            std::fs::remove_file(tmp)?;
        } else {
            let dir = dest.parent().unwrap_or(&self.data_dir);
            std::fs::create_dir_all(dir)?;
            std::fs::rename(tmp, &dest)?;
            // The rename must survive a power cut before the row that points to it.
            File::open(dir)?.sync_all()?;
        }
        Ok(Copied {
            sha256,
            content_path: rel,
            size,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn copies_are_content_addressed_and_complete() {
        let dir = tempfile::tempdir().unwrap();
        let store = ContentStore::open(&dir.path().join("data")).unwrap();
        let src = dir.path().join("a.pdf");
        std::fs::write(&src, b"hello").unwrap();
        let a = store.copy_in(&src).unwrap();
        let b = store.copy_in(&src).unwrap();
        assert_eq!(a.content_path, b.content_path);
        assert_eq!(a.sha256, Sha256::of_bytes(b"hello"));
        assert_eq!(
            std::fs::read(store.path_of(&a.content_path)).unwrap(),
            b"hello"
        );
        assert_eq!(
            std::fs::read_dir(dir.path().join("data/content/tmp"))
                .unwrap()
                .count(),
            0
        );
        assert!(store.copy_in(&dir.path().join("missing")).is_err());
    }
}
