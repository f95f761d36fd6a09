//! Quarantine: a refused file is moved to its inbox folder's `_avvist/` with
//! a reason file in Norwegian beside it, so the staff who dropped it see what
//! happened and what to do. The item row (state `rejected`, code) is committed
//! before the move; a crash in between is finished by the next rescan.

use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};

use super::folders::QUARANTINE_DIR;
use crate::item::{ItemId, RejectCode, Sha256};
use crate::safe_fs::{self, OwnDir};

/// Suffix of the reason file next to the refused file.
pub const REASON_SUFFIX: &str = ".årsak.txt";

#[derive(Debug, Clone)]
pub struct Refusal<'a> {
    pub item: ItemId,
    pub file_name: &'a str,
    pub code: RejectCode,
    /// Extraction's Norwegian detail; never letter text.
    pub detail: &'a str,
    pub at: DateTime<Utc>,
}

/// What the move did.
#[derive(Debug, PartialEq, Eq)]
pub enum Moved {
    To(PathBuf),
    /// The file was already gone (moved before a crash, or taken by a person).
    AlreadyGone,
    /// Other bytes now have that name; they are a new arrival, left alone.
    Replaced,
}

/// Moves `source` into `inbox/_avvist/` and writes the reason file. Blocking.
///
/// Only a regular file is moved (a FIFO or link now under the name is
/// someone else's: [`Moved::Replaced`]). `_avvist/` must be a real folder
/// owned by the service: a link or file planted under that name is a folder
/// problem ([`is_folder_problem`]); the refused file then stays where it is
/// and nothing is written through the link.
pub fn quarantine(
    inbox: &Path,
    source: &Path,
    expected: &Sha256,
    refusal: &Refusal<'_>,
) -> std::io::Result<Moved> {
    let Some(source_name) = source.file_name() else {
        return Ok(Moved::AlreadyGone);
    };
    let mut file = match safe_fs::open_regular(source) {
        Ok(f) => f,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Moved::AlreadyGone),
        Err(e) if safe_fs::is_not_regular(&e) => return Ok(Moved::Replaced),
        Err(e) => return Err(e),
    };
    if &Sha256::of_reader(&mut file)? != expected {
        return Ok(Moved::Replaced);
    }
    let inbox_dir = std::fs::File::open(inbox)?;
    let dir = OwnDir::open(&inbox.join(QUARANTINE_DIR), true)
        .map_err(|p| std::io::Error::new(std::io::ErrorKind::PermissionDenied, FolderProblem(p)))?;
    let target_name = free_name(&dir, refusal.file_name);
    // Reason first: if the disk is full we fail before moving, and retry.
    let reason_name = format!("{target_name}{REASON_SUFFIX}");
    dir.write_atomic(reason_name.as_ref(), reason_text(refusal).as_bytes(), 0o640)?;
    dir.move_in(&inbox_dir, source_name, target_name.as_ref())?;
    dir.sync()?;
    Ok(Moved::To(dir.path().join(target_name)))
}

/// The quarantine folder cannot be used (a link, a file, someone else's).
#[derive(Debug, thiserror::Error)]
#[error(transparent)]
pub struct FolderProblem(pub safe_fs::DirProblem);

/// Whether a quarantine error is about the `_avvist` folder itself (an admin
/// must look) rather than a passing IO error.
pub fn is_folder_problem(err: &std::io::Error) -> bool {
    err.get_ref().is_some_and(|e| e.is::<FolderProblem>())
}

/// Records or clears the `_avvist` folder problem of the inbox `source_path`
/// lies in, from the outcome of a move.
pub fn report_folder(
    health: &crate::ingest::Health,
    source_path: &str,
    moved: &std::io::Result<Moved>,
) {
    let inbox = Path::new(source_path).parent().unwrap_or(Path::new(""));
    let key = format!("avvist:{}", inbox.display());
    match moved {
        Err(err) if is_folder_problem(err) => {
            tracing::error!(folder = %inbox.display(), error = %err, "avvist-mappen kan ikke brukes; avviste filer blir liggende");
            health.set_problem(
                &key,
                format!("{err}. Avviste filer blir liggende i innboksen til dette er rettet."),
            );
        }
        Ok(_) => health.clear_problem(&key),
        Err(_) => {}
    }
}

/// `name`, or `name (2).ext`, … — never overwrite an earlier refusal. A name
/// that is not a plain file name (`..`, a `/`) is replaced by a neutral one.
fn free_name(dir: &OwnDir, name: &str) -> String {
    let name = if name.is_empty() || name == "." || name == ".." || name.contains('/') {
        "avvist-fil"
    } else {
        name
    };
    if !dir.contains(name.as_ref()) {
        return name.to_owned();
    }
    let (stem, ext) = match name.rfind('.') {
        Some(i) if i > 0 => (&name[..i], &name[i..]),
        _ => (name, ""),
    };
    (2..)
        .map(|n| format!("{stem} ({n}){ext}"))
        .find(|p| !dir.contains(p.as_ref()))
        .unwrap_or_else(|| name.to_owned())
}

pub fn reason_text(r: &Refusal<'_>) -> String {
    // Staff read this in Norway whatever the host's time zone is.
    let when =
        r.at.with_timezone(&chrono_tz::Europe::Oslo)
            .format("%d.%m.%Y kl. %H:%M");
    let reason = r.code.message_nb();
    let detail = if r.detail.trim().is_empty() || r.detail.trim() == reason {
        String::new()
    } else {
        format!("Detaljer: {}\n", r.detail.trim())
    };
    format!(
        "Filen «{name}» ble avvist av postmottak {when} (sak {id}).\n\
         \n\
         Årsak: {reason}\n\
         {detail}\
         Feilkode: {code}\n\
         \n\
         Hva nå: Skann dokumentet på nytt, eller be avsender om en ny utgave, og legg\n\
         den nye filen i innboksmappen. Denne filen kan slettes når saken er ordnet.\n",
        name = r.file_name,
        id = r.item,
        code = r.code.as_str(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refused_file_moves_with_a_reason_and_never_overwrites() {
        let dir = tempfile::tempdir().unwrap();
        let refusal = Refusal {
            item: ItemId(7),
            file_name: "brev.pdf",
            code: RejectCode::Encrypted,
            detail: "PDF-en er kryptert",
            at: Utc::now(),
        };
        for round in 0..2 {
            let src = dir.path().join("brev.pdf");
            std::fs::write(&src, b"secret").unwrap();
            let moved =
                quarantine(dir.path(), &src, &Sha256::of_bytes(b"secret"), &refusal).unwrap();
            let expected = if round == 0 {
                "brev.pdf"
            } else {
                "brev (2).pdf"
            };
            assert_eq!(moved, Moved::To(dir.path().join("_avvist").join(expected)));
            let reason = std::fs::read_to_string(
                dir.path()
                    .join("_avvist")
                    .join(format!("{expected}{REASON_SUFFIX}")),
            )
            .unwrap();
            assert!(
                reason.contains("passordbeskyttet") && reason.contains("encrypted"),
                "{reason}"
            );
            assert!(!src.exists());
        }
        let src = dir.path().join("brev.pdf");
        assert_eq!(
            quarantine(dir.path(), &src, &Sha256::of_bytes(b"x"), &refusal).unwrap(),
            Moved::AlreadyGone
        );
    }

    #[test]
    fn a_linked_avvist_is_a_folder_problem_and_nothing_is_written_through_it() {
        let dir = tempfile::tempdir().unwrap();
        let inbox = dir.path().join("inbox");
        let cache = dir.path().join("cache");
        std::fs::create_dir_all(&inbox).unwrap();
        std::fs::create_dir_all(&cache).unwrap();
        std::os::unix::fs::symlink(&cache, inbox.join("_avvist")).unwrap();
        let src = inbox.join("10-1-110.png");
        std::fs::write(&src, b"corrupt").unwrap();
        let refusal = Refusal {
            item: ItemId(1),
            file_name: "10-1-110.png",
            code: RejectCode::Corrupt,
            detail: "",
            at: Utc::now(),
        };
        let err = quarantine(&inbox, &src, &Sha256::of_bytes(b"corrupt"), &refusal).unwrap_err();
        assert!(is_folder_problem(&err), "{err}");
        assert!(src.exists(), "the refused file stays in place");
        assert_eq!(std::fs::read_dir(&cache).unwrap().count(), 0);
    }

    #[test]
    fn a_fifo_under_a_refused_name_is_left_alone_without_blocking() {
        let dir = tempfile::tempdir().unwrap();
        let src = dir.path().join("15067940013.txt");
        nix::unistd::mkfifo(&src, nix::sys::stat::Mode::from_bits_truncate(0o600)).unwrap();
        let refusal = Refusal {
            item: ItemId(1),
            file_name: "15067940013.txt",
            code: RejectCode::Corrupt,
            detail: "",
            at: Utc::now(),
        };
        assert_eq!(
            quarantine(dir.path(), &src, &Sha256::of_bytes(b"x"), &refusal).unwrap(),
            Moved::Replaced
        );
    }

    #[test]
    fn the_reason_file_uses_oslo_time() {
        let refusal = Refusal {
            item: ItemId(1),
            file_name: "a.pdf",
            code: RejectCode::Corrupt,
            detail: "",
            // 23:30 UTC in winter is 00:30 the next day in Oslo.
            at: "2026-11-04T23:30:00Z".parse().unwrap(),
        };
        assert!(reason_text(&refusal).contains("05.11.2026 kl. 00:30"));
    }
}
