//! The content store: the service's own copy of every admitted file, so
//! nothing is lost when a person deletes the original too early (or the case
//! system takes it). Files are named by their SHA-256 under
//! `data_dir/content/<2 hex>/<64 hex>`; identical bytes are stored once.
//!
//! **Invariant:** a content file is complete or absent: bytes are written to
//! `content/tmp/`, fsync'ed, then renamed into place. Leftovers in `tmp/` are
//! from a crash and are removed at start-up.

use std::fs::{File, OpenOptions};
use std::io::{Read, Write};
use std::os::unix::fs::OpenOptionsExt;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

use sha2::Digest;

use crate::data_dir::DataDir;
use crate::item::Sha256;
use crate::safe_fs::{self, OwnDir};

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
        let tmp = DataDir::new(data_dir).content_tmp();
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
    /// read of the file). Blocking. Only a regular file is read (a FIFO or
    /// link is [`crate::safe_fs::not_regular`]).
    pub fn copy_in(&self, src: &Path) -> std::io::Result<Copied> {
        match self.copy_in_limited(src, u64::MAX)? {
            Intake::Copied(c) => Ok(c),
            Intake::TooLarge { .. } => Err(std::io::Error::other("for stor")),
        }
    }

    /// Like [`copy_in`](Self::copy_in), but a file above `max_bytes` is never
    /// copied: its size is checked on the open file before any byte is
    /// written, and again while copying (a file that grows past the limit),
    /// so a 2 GB file never puts 2 GB into the store. Such a file is only
    /// hashed, for its item row.
    pub fn copy_in_limited(&self, src: &Path, max_bytes: u64) -> std::io::Result<Intake> {
        let mut input = safe_fs::open_regular(src)?;
        let size = input.metadata()?.len();
        if size > max_bytes {
            let sha256 = Sha256::of_reader(&mut input)?;
            return Ok(Intake::TooLarge { sha256, size });
        }
        let n = self.counter.fetch_add(1, Ordering::Relaxed);
        let name = format!("{}-{n}", std::process::id());
        let tmp_dir = OwnDir::open(&DataDir::new(&self.data_dir).content_tmp(), true)
            .map_err(safe_fs::DirProblem::into_io)?;
        let tmp = tmp_dir.path().join(&name);
        let result = self.copy_via(&mut input, &tmp_dir, &name, max_bytes);
        if !matches!(result, Ok(Intake::Copied(_))) {
            let _ = std::fs::remove_file(&tmp);
        }
        match result {
            Ok(Intake::TooLarge { .. }) => {
                // It grew past the limit while we copied: hash it whole.
                let mut input = safe_fs::open_regular(src)?;
                let size = input.metadata()?.len();
                let sha256 = Sha256::of_reader(&mut input)?;
                Ok(Intake::TooLarge { sha256, size })
            }
            other => other,
        }
    }

    fn copy_via(
        &self,
        input: &mut File,
        tmp_dir: &OwnDir,
        name: &str,
        max_bytes: u64,
    ) -> std::io::Result<Intake> {
        tmp_dir.create_new(name.as_ref(), b"", 0o640)?;
        let tmp = tmp_dir.path().join(name);
        let mut output = OpenOptions::new()
            .write(true)
            .custom_flags(nix::libc::O_NOFOLLOW)
            .open(&tmp)?;
        let mut hasher = sha2::Sha256::new();
        let mut buf = vec![0u8; 256 * 1024];
        let mut size = 0u64;
        loop {
            let n = input.read(&mut buf)?;
            if n == 0 {
                break;
            }
            size += n as u64;
            if size > max_bytes {
                return Ok(Intake::TooLarge {
                    sha256: Sha256([0; 32]),
                    size,
                });
            }
            hasher.update(&buf[..n]);
            output.write_all(&buf[..n])?;
        }
        output.sync_all()?;
        drop(output);
        let sha256 = Sha256(hasher.finalize().into());
        let hex = sha256.to_hex();
        let rel = DataDir::content_relative(&hex);
        let dest = self.data_dir.join(&rel);
        if dest.exists() {
            std::fs::remove_file(&tmp)?;
        } else {
            let dir = dest.parent().unwrap_or(&self.data_dir);
            std::fs::create_dir_all(dir)?;
            std::fs::rename(&tmp, &dest)?;
            // The rename must survive a power cut before the row that points to it.
            File::open(dir)?.sync_all()?;
        }
        Ok(Intake::Copied(Copied {
            sha256,
            content_path: rel,
            size,
        }))
    }
}

/// What [`ContentStore::copy_in_limited`] did.
#[derive(Debug, Clone)]
pub enum Intake {
    Copied(Copied),
    /// Above the limit: not copied, only hashed.
    TooLarge {
        sha256: Sha256,
        size: u64,
    },
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

    #[test]
    fn a_file_above_the_limit_is_hashed_but_never_copied() {
        let dir = tempfile::tempdir().unwrap();
        let store = ContentStore::open(&dir.path().join("data")).unwrap();
        let src = dir.path().join("big.pdf");
        // Sparse: 64 MiB that take no disk.
        let f = File::create(&src).unwrap();
        f.set_len(64 << 20).unwrap();
        drop(f);
        let got = store.copy_in_limited(&src, 1 << 20).unwrap();
        assert!(
            matches!(got, Intake::TooLarge { size, .. } if size == 64 << 20),
            "{got:?}"
        );
        let stored: u64 = walk(&dir.path().join("data/content"));
        assert_eq!(stored, 0, "nothing of the big file was stored");
    }

    fn walk(dir: &Path) -> u64 {
        std::fs::read_dir(dir)
            .unwrap()
            .flatten()
            .map(|e| {
                let m = e.metadata().unwrap();
                if m.is_dir() {
                    walk(&e.path())
                } else {
                    m.len()
                }
            })
            .sum()
    }
}
