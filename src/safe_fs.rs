//! Safe file access for paths a stranger can reach: inbox folders are shares
//! that any member of the department (and a careless script) can write to.
//!
//! **Invariant:** the daemon never opens anything in an inbox but a regular
//! file, and never writes through a symbolic link. [`open_regular`] refuses a
//! FIFO, socket, device or link before opening (`symlink_metadata`), opens
//! with `O_NONBLOCK | O_NOFOLLOW` so a file swapped for a FIFO or link in
//! between cannot block or redirect us, and checks again on the open file
//! (`fstat`). Writes go through a directory opened with `O_NOFOLLOW` and
//! checked to be a real directory owned by the service ([`OwnDir`]); files
//! are created there with `O_EXCL | O_NOFOLLOW` and renamed into place
//! relative to that directory, so a link planted under the name is replaced,
//! never followed.

use std::ffi::OsStr;
use std::fs::{File, OpenOptions};
use std::io::Write;
use std::os::fd::AsRawFd;
use std::os::unix::fs::{MetadataExt, OpenOptionsExt};
use std::path::{Path, PathBuf};

use nix::fcntl::{openat, renameat, OFlag};
use nix::sys::stat::Mode;

/// The error for "this is not a regular file" (a FIFO, socket, device,
/// folder or link where a file was expected).
pub fn not_regular(_path: &Path) -> std::io::Error {
    std::io::Error::new(std::io::ErrorKind::InvalidInput, NotRegular)
}

/// Marker inside the `io::Error` of [`not_regular`]; says only the kind of
/// problem (a file name can carry personal data).
#[derive(Debug)]
struct NotRegular;

impl std::fmt::Display for NotRegular {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ikke en vanlig fil (lenke, FIFO, socket, enhet eller mappe)")
    }
}

impl std::error::Error for NotRegular {}

/// Whether `err` came from [`not_regular`].
pub fn is_not_regular(err: &std::io::Error) -> bool {
    err.get_ref().is_some_and(|e| e.is::<NotRegular>())
}

/// Opens a regular file for reading without following a link and without
/// blocking on a FIFO or device. Anything else is [`not_regular`].
pub fn open_regular(path: &Path) -> std::io::Result<File> {
    let before = std::fs::symlink_metadata(path)?;
    if !before.file_type().is_file() {
        return Err(not_regular(path));
    }
    let file = OpenOptions::new()
        .read(true)
        .custom_flags(nix::libc::O_NONBLOCK | nix::libc::O_NOFOLLOW | nix::libc::O_NOCTTY)
        .open(path)
        .map_err(|e| {
            // ELOOP: the name became a link after our look.
            if e.raw_os_error() == Some(nix::libc::ELOOP) {
                not_regular(path)
            } else {
                e
            }
        })?;
    let after = file.metadata()?;
    if !after.file_type().is_file() || after.ino() != before.ino() || after.dev() != before.dev() {
        return Err(not_regular(path));
    }
    Ok(file)
}

/// A directory the service may write into: opened without following a
/// link, a real directory, owned by the user the service runs as.
#[derive(Debug)]
pub struct OwnDir {
    dir: File,
    path: PathBuf,
}

/// Why a folder may not be written into.
#[derive(Debug, thiserror::Error)]
pub enum DirProblem {
    #[error("{0} er en lenke eller en fil, ikke en mappe; ingenting skrives dit")]
    NotADirectory(PathBuf),
    #[error("{path} eies av en annen bruker (uid {uid}); ingenting skrives dit")]
    NotOwned { path: PathBuf, uid: u32 },
    #[error("kan ikke åpne mappen {path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
}

impl DirProblem {
    fn io(path: &Path, source: std::io::Error) -> DirProblem {
        DirProblem::Io {
            path: path.to_owned(),
            source,
        }
    }

    pub fn into_io(self) -> std::io::Error {
        match self {
            DirProblem::Io { source, .. } => source,
            other => std::io::Error::new(std::io::ErrorKind::PermissionDenied, other),
        }
    }
}

impl OwnDir {
    /// Opens `path` (creating it, mode 0750, when `create` and it is absent)
    /// and checks it is a real directory owned by us.
    pub fn open(path: &Path, create: bool) -> Result<OwnDir, DirProblem> {
        let opened = Self::open_dir(path);
        let dir = match opened {
            Err(e) if create && e.kind() == std::io::ErrorKind::NotFound => {
                match nix::unistd::mkdir(path, Mode::from_bits_truncate(0o750)) {
                    Ok(()) | Err(nix::errno::Errno::EEXIST) => {}
                    Err(e) => return Err(DirProblem::io(path, e.into())),
                }
                Self::open_dir(path)
            }
            other => other,
        };
        let dir = dir.map_err(|e| match e.raw_os_error() {
            Some(nix::libc::ELOOP) | Some(nix::libc::ENOTDIR) => {
                DirProblem::NotADirectory(path.to_owned())
            }
            _ => DirProblem::io(path, e),
        })?;
        let meta = dir.metadata().map_err(|e| DirProblem::io(path, e))?;
        if !meta.is_dir() {
            return Err(DirProblem::NotADirectory(path.to_owned()));
        }
        if meta.uid() != nix::unistd::geteuid().as_raw() {
            return Err(DirProblem::NotOwned {
                path: path.to_owned(),
                uid: meta.uid(),
            });
        }
        Ok(OwnDir {
            dir,
            path: path.to_owned(),
        })
    }

    fn open_dir(path: &Path) -> std::io::Result<File> {
        OpenOptions::new()
            .read(true)
            .custom_flags(nix::libc::O_DIRECTORY | nix::libc::O_NOFOLLOW)
            .open(path)
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Whether `name` exists here (as anything, links included).
    pub fn contains(&self, name: &OsStr) -> bool {
        std::fs::symlink_metadata(self.path.join(name)).is_ok()
    }

    /// Creates `name` fresh (never through a link, never over an existing
    /// file) with `mode`, writes `bytes`, fsyncs. Fails if `name` exists.
    pub fn create_new(&self, name: &OsStr, bytes: &[u8], mode: u32) -> std::io::Result<()> {
        let fd = openat(
            Some(self.dir.as_raw_fd()),
            name,
            OFlag::O_CREAT | OFlag::O_EXCL | OFlag::O_WRONLY | OFlag::O_NOFOLLOW | OFlag::O_CLOEXEC,
            Mode::from_bits_truncate(mode),
        )?;
        // SAFETY: openat returned a fresh descriptor that nothing else owns.
        let mut file = unsafe { <File as std::os::fd::FromRawFd>::from_raw_fd(fd) };
        file.write_all(bytes)?;
        file.sync_all()
    }

    /// Writes `name` atomically ([`crate::atomic_file`]): a fresh temporary
    /// file (`O_EXCL`, so never through a link), then a rename over `name`
    /// (which replaces a planted link instead of following it). Both go
    /// through `/proc/self/fd/N`, i.e. the directory opened and checked
    /// here, even if its path has been swapped since.
    pub fn write_atomic(&self, name: &OsStr, bytes: &[u8], mode: u32) -> std::io::Result<()> {
        let here = PathBuf::from(format!("/proc/self/fd/{}", self.dir.as_raw_fd()));
        crate::atomic_file::write(
            &here.join(name),
            bytes,
            mode,
            crate::atomic_file::Durability::File,
        )
    }

    /// Moves `name` from directory `from` into this one as `to`; links in
    /// either directory's path are not followed past the opened handles.
    pub fn move_in(&self, from: &File, name: &OsStr, to: &OsStr) -> std::io::Result<()> {
        Ok(renameat(
            Some(from.as_raw_fd()),
            name,
            Some(self.dir.as_raw_fd()),
            to,
        )?)
    }

    pub fn sync(&self) -> std::io::Result<()> {
        self.dir.sync_all()
    }
}

/// Removes every permission for "others" from `path` (mode & !0o007).
pub fn close_to_others(path: &Path) -> std::io::Result<()> {
    use std::os::unix::fs::PermissionsExt;
    let meta = std::fs::metadata(path)?;
    let mode = meta.permissions().mode();
    if mode & 0o007 != 0 {
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode & !0o007))?;
    }
    Ok(())
}

/// Opens a directory (any owner: an inbox belongs to its users) without
/// following a link in its last component.
pub fn open_dir_nofollow(path: &Path) -> std::io::Result<File> {
    OwnDir::open_dir(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_regular_files_open_and_fifos_do_not_block() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("a.pdf");
        std::fs::write(&file, b"x").unwrap();
        assert!(open_regular(&file).is_ok());
        let fifo = dir.path().join("fifo.pdf");
        nix::unistd::mkfifo(&fifo, Mode::from_bits_truncate(0o600)).unwrap();
        assert!(is_not_regular(&open_regular(&fifo).unwrap_err()));
        let link = dir.path().join("link.pdf");
        std::os::unix::fs::symlink(&file, &link).unwrap();
        assert!(is_not_regular(&open_regular(&link).unwrap_err()));
        assert!(is_not_regular(&open_regular(dir.path()).unwrap_err()));
    }

    #[test]
    fn a_linked_folder_is_refused_and_a_planted_link_is_replaced_not_followed() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("target");
        std::fs::create_dir(&target).unwrap();
        let link = dir.path().join("_avvist");
        std::os::unix::fs::symlink(&target, &link).unwrap();
        assert!(matches!(
            OwnDir::open(&link, true),
            Err(DirProblem::NotADirectory(_))
        ));
        let plain = dir.path().join("plain");
        std::fs::write(&plain, b"").unwrap();
        assert!(matches!(
            OwnDir::open(&plain, true),
            Err(DirProblem::NotADirectory(_))
        ));
        let own = OwnDir::open(&dir.path().join("own"), true).unwrap();
        let victim = dir.path().join("victim");
        std::fs::write(&victim, b"keep").unwrap();
        std::os::unix::fs::symlink(&victim, own.path().join("status.json")).unwrap();
        own.write_atomic(OsStr::new("status.json"), b"new", 0o640)
            .unwrap();
        assert_eq!(std::fs::read(&victim).unwrap(), b"keep");
        assert_eq!(
            std::fs::read(own.path().join("status.json")).unwrap(),
            b"new"
        );
        assert!(own
            .create_new(OsStr::new("status.json"), b"x", 0o600)
            .is_err());
    }

    /// The page-image cache: two board requests for the same page write the
    /// same cache file at once. With one temporary name per process they
    /// unlinked or clobbered each other's file and one write failed.
    #[test]
    fn concurrent_atomic_writes_of_one_name_all_succeed() {
        let dir = tempfile::tempdir().unwrap();
        let own = std::sync::Arc::new(OwnDir::open(dir.path(), false).unwrap());
        let barrier = std::sync::Arc::new(std::sync::Barrier::new(6));
        let writers: Vec<_> = (0..6u8)
            .map(|n| {
                let (own, barrier) = (own.clone(), barrier.clone());
                std::thread::spawn(move || {
                    barrier.wait();
                    (0..25).try_for_each(|_| {
                        own.write_atomic(OsStr::new("p1.png"), &[n; 64 * 1024], 0o640)
                    })
                })
            })
            .collect();
        for w in writers {
            w.join().unwrap().expect("no writer loses the race");
        }
        let bytes = std::fs::read(dir.path().join("p1.png")).unwrap();
        assert!(bytes.len() == 64 * 1024 && bytes.iter().all(|b| *b == bytes[0]));
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[test]
    fn an_atomic_write_stays_in_the_opened_folder_when_its_path_is_swapped() {
        let dir = tempfile::tempdir().unwrap();
        let own = OwnDir::open(&dir.path().join("_avvist"), true).unwrap();
        let elsewhere = dir.path().join("elsewhere");
        std::fs::create_dir(&elsewhere).unwrap();
        std::fs::rename(dir.path().join("_avvist"), dir.path().join("moved")).unwrap();
        std::os::unix::fs::symlink(&elsewhere, dir.path().join("_avvist")).unwrap();
        own.write_atomic(OsStr::new("a.pdf.txt"), b"reason", 0o640)
            .unwrap();
        assert_eq!(std::fs::read_dir(&elsewhere).unwrap().count(), 0);
        assert_eq!(
            std::fs::read(dir.path().join("moved/a.pdf.txt")).unwrap(),
            b"reason"
        );
    }
}
