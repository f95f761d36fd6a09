//! Whole-or-nothing file writes: the bytes go into a fresh temporary file
//! beside the target, are fsynced, and are renamed over the target, so a
//! reader (or a crash) sees the old file or the new one, never half of one.
//!
//! The temporary file gets a random name, created `O_EXCL` by `tempfile`:
//! two writers of the same target at once (two board requests caching the
//! same page image) each write their own file and the last rename wins,
//! where a fixed `.tmp` name let one writer unlink or overwrite the other's.
//! The name starts with `.` and ends in `.tmp`, so a watched folder ignores
//! it (`watch::ignore`), and it is removed when the write fails.

use std::fs::{File, Permissions};
use std::io::{self, Write};
use std::os::unix::fs::PermissionsExt;
use std::path::Path;

/// The mode `File::create` asks for; the process umask decides the rest.
pub const CREATE_MODE: u32 = 0o666;

/// How far a write goes towards the disk before it returns.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Durability {
    /// The file's bytes are fsynced before the rename: after a crash the
    /// target holds the old bytes or the new ones, never a torn file.
    File,
    /// The folder is fsynced after the rename as well: once the write has
    /// returned, the new file survives a power cut (what a row that points
    /// to it, or an arrival handed on, relies on).
    FileAndFolder,
}

/// Writes `bytes` to `target` whole or not at all. `mode` is the mode the
/// temporary file is created with (the umask applies, as for `open(2)`).
pub fn write(target: &Path, bytes: &[u8], mode: u32, durability: Durability) -> io::Result<()> {
    write_with(target, mode, durability, |file| file.write_all(bytes))
}

/// Like [`write`], with `fill` writing the content (streamed, hashed,
/// checked, its times or permissions set). An error from `fill` leaves
/// `target` untouched and removes the temporary file.
pub fn write_with<T, E: From<io::Error>>(
    target: &Path,
    mode: u32,
    durability: Durability,
    fill: impl FnOnce(&mut File) -> Result<T, E>,
) -> Result<T, E> {
    let dir = match target.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir,
        _ => Path::new("."),
    };
    let name = target
        .file_name()
        .ok_or_else(|| io::Error::new(io::ErrorKind::InvalidInput, "target has no file name"))?;
    let mut prefix = std::ffi::OsString::from(".");
    prefix.push(name);
    prefix.push(".");
    let mut tmp = tempfile::Builder::new()
        .prefix(&prefix)
        .suffix(".tmp")
        .permissions(Permissions::from_mode(mode))
        .tempfile_in(dir)
        .map_err(without_path)?;
    let value = fill(tmp.as_file_mut())?;
    tmp.as_file().sync_all()?;
    tmp.persist(target).map_err(|e| e.error)?;
    if durability == Durability::FileAndFolder {
        sync_folder(dir)?;
    }
    Ok(value)
}

/// `tempfile` names the path in its errors; the name may be a letter's file
/// name (a refusal's reason file), and errors end up in logs. The OS error
/// alone, as `std::fs` gives it, says enough.
fn without_path(e: io::Error) -> io::Error {
    let os = e
        .get_ref()
        .and_then(|inner| inner.source())
        .and_then(|source| source.downcast_ref::<io::Error>())
        .and_then(io::Error::raw_os_error)
        .or(e.raw_os_error());
    match os {
        Some(code) => io::Error::from_raw_os_error(code),
        None => io::Error::from(e.kind()),
    }
}

/// Fsyncs a folder so a rename in it is durable. A file system that cannot
/// fsync a folder (some network shares answer `EINVAL`) has nothing more to
/// give, so that answer counts as done.
pub fn sync_folder(dir: &Path) -> io::Result<()> {
    match File::open(dir).and_then(|d| d.sync_all()) {
        Err(e)
            if matches!(
                e.kind(),
                io::ErrorKind::InvalidInput | io::ErrorKind::Unsupported
            ) =>
        {
            Ok(())
        }
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::{Arc, Barrier};

    #[test]
    fn concurrent_writers_of_one_target_never_collide() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("page-1.png");
        let writers = 8;
        let barrier = Arc::new(Barrier::new(writers));
        let handles: Vec<_> = (0..writers)
            .map(|n| {
                let (target, barrier) = (target.clone(), barrier.clone());
                std::thread::spawn(move || {
                    let bytes = vec![n as u8; 256 * 1024];
                    barrier.wait();
                    (0..20)
                        .map(|_| write(&target, &bytes, 0o640, Durability::File))
                        .collect::<io::Result<Vec<()>>>()
                })
            })
            .collect();
        for h in handles {
            h.join().unwrap().expect("every write succeeds");
        }
        // One writer's bytes, whole, and no temporary file left behind.
        let bytes = std::fs::read(&target).unwrap();
        assert_eq!(bytes.len(), 256 * 1024);
        assert!(bytes.iter().all(|b| *b == bytes[0]));
        let names: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names, vec![std::ffi::OsString::from("page-1.png")]);
    }

    #[test]
    fn a_failed_fill_leaves_the_old_file_and_no_temporary() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("LATEST");
        write(&target, b"old", CREATE_MODE, Durability::FileAndFolder).unwrap();
        let result: io::Result<()> = write_with(&target, CREATE_MODE, Durability::File, |f| {
            f.write_all(b"half")?;
            Err(io::Error::other("checksum differs"))
        });
        assert!(result.is_err());
        assert_eq!(std::fs::read(&target).unwrap(), b"old");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[test]
    fn an_error_does_not_name_the_file() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("gone/Kari Nordmann.pdf.txt");
        let err = write(&target, b"x", CREATE_MODE, Durability::File).unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::NotFound);
        assert!(!err.to_string().contains("Nordmann"), "{err}");
    }

    #[test]
    fn the_mode_is_the_one_asked_for_under_the_umask() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("status.json");
        write(&target, b"{}", 0o600, Durability::File).unwrap();
        let mode = std::fs::metadata(&target).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
    }
}
