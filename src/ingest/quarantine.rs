//! Quarantine: a refused file is moved to its inbox folder's `_avvist/` with
//! a reason file in Norwegian beside it, so the staff who dropped it see what
//! happened and what to do. The item row (state `rejected`, code) is committed
//! before the move; a crash in between is finished by the next rescan.

use std::io::Write;
use std::path::{Path, PathBuf};

use chrono::{DateTime, Local, Utc};

use crate::config::QUARANTINE_DIR;
use crate::item::{ItemId, RejectCode, Sha256};

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
pub fn quarantine(
    inbox: &Path,
    source: &Path,
    expected: &Sha256,
    refusal: &Refusal<'_>,
) -> std::io::Result<Moved> {
    match Sha256::of_file(source) {
        Ok(sha) if &sha == expected => {}
        Ok(_) => return Ok(Moved::Replaced),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Moved::AlreadyGone),
        Err(e) => return Err(e),
    }
    let dir = inbox.join(QUARANTINE_DIR);
    std::fs::create_dir_all(&dir)?;
    let target = free_name(&dir, refusal.file_name);
    let target_name = target
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    // Reason first: if the disk is full we fail before moving, and retry.
    let reason_path = dir.join(format!("{target_name}{REASON_SUFFIX}"));
    let tmp = dir.join(format!(".{target_name}.tmp"));
    {
        let mut f = std::fs::File::create(&tmp)?;
        f.write_all(reason_text(refusal).as_bytes())?;
        f.sync_all()?;
    }
    std::fs::rename(&tmp, &reason_path)?;
    std::fs::rename(source, &target)?;
    Ok(Moved::To(target))
}

/// `name`, or `name (2).ext`, … — never overwrite an earlier refusal.
fn free_name(dir: &Path, name: &str) -> PathBuf {
    let first = dir.join(name);
    if !first.exists() {
        return first;
    }
    let (stem, ext) = match name.rfind('.') {
        Some(i) if i > 0 => (&name[..i], &name[i..]),
        _ => (name, ""),
    };
    (2..)
        .map(|n| dir.join(format!("{stem} ({n}){ext}")))
        .find(|p| !p.exists())
        .unwrap_or(first)
}

pub fn reason_text(r: &Refusal<'_>) -> String {
    let when = r.at.with_timezone(&Local).format("%d.%m.%Y kl. %H:%M");
    format!(
        "Filen «{name}» ble avvist av postmottak {when} (sak {id}).\n\
         \n\
         Årsak: {reason}\n\
         Detaljer: {detail}\n\
         Feilkode: {code}\n\
         \n\
         Hva nå: Skann dokumentet på nytt, eller be avsender om en ny utgave, og legg\n\
         den nye filen i innboksmappen. Denne filen kan slettes når saken er ordnet.\n",
        name = r.file_name,
        id = r.item,
        reason = r.code.message_nb(),
        detail = r.detail,
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
}
