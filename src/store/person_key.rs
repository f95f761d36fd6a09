//! The per-installation key for person-ID hashes. `item_person_ids` never
//! holds a person number, only HMAC-SHA256(key, number): letters about the
//! same person can be linked, but a stolen database cannot be reversed by
//! hashing all ~10^9 possible numbers without also stealing the key file.
//!
//! The key is 32 random bytes in `data_dir/person_id.key`, created mode 0600
//! on first start and never rewritten (a new key would break every link).

use std::io::Write;
use std::os::unix::fs::OpenOptionsExt;
use std::path::{Path, PathBuf};

use hmac::{Hmac, Mac};
use rand::RngCore;

/// File name of the key inside `data_dir`.
pub const KEY_FILE: &str = crate::data_dir::DataDir::PERSON_ID_KEY;

#[derive(Clone)]
pub struct PersonIdKey([u8; 32]);

impl std::fmt::Debug for PersonIdKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("PersonIdKey(..)")
    }
}

#[derive(Debug, thiserror::Error)]
pub enum KeyError {
    #[error("nøkkelfilen {path} kan ikke leses eller lages: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("nøkkelfilen {path} er ødelagt (skal være 32 byte, er {len}); gjenopprett den fra sikkerhetskopi")]
    Corrupt { path: PathBuf, len: usize },
}

impl PersonIdKey {
    /// Reads the key, creating it (0600, exclusive create) when missing.
    pub fn load_or_create(data_dir: &Path) -> Result<PersonIdKey, KeyError> {
        let path = crate::data_dir::DataDir::new(data_dir).person_id_key();
        let io = |source| KeyError::Io {
            path: path.clone(),
            source,
        };
        match std::fs::read(&path) {
            Ok(bytes) => {
                let arr: [u8; 32] = bytes.as_slice().try_into().map_err(|_| KeyError::Corrupt {
                    path: path.clone(),
                    len: bytes.len(),
                })?;
                Ok(PersonIdKey(arr))
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                let mut key = [0u8; 32];
                rand::rngs::OsRng.fill_bytes(&mut key);
                // Write to a temporary name and link into place, so a crash never
                // leaves a short key file that would later be "corrupt".
                let tmp = data_dir.join(format!("{KEY_FILE}.{}.tmp", std::process::id()));
                let mut file = std::fs::OpenOptions::new()
                    .write(true)
                    .create_new(true)
                    .mode(0o600)
                    .open(&tmp)
                    .map_err(io)?;
                file.write_all(&key).map_err(io)?;
                file.sync_all().map_err(io)?;
                drop(file);
                let linked = std::fs::hard_link(&tmp, &path);
                let _ = std::fs::remove_file(&tmp);
                match linked {
                    Ok(()) => Ok(PersonIdKey(key)),
                    // Another process won the race: use its key.
                    Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
                        Self::load_or_create(data_dir)
                    }
                    Err(e) => Err(io(e)),
                }
            }
            Err(e) => Err(io(e)),
        }
    }

    #[cfg(test)]
    pub fn from_bytes(bytes: [u8; 32]) -> PersonIdKey {
        PersonIdKey(bytes)
    }
}

/// The keyed hash stored for a person ID (lowercase hex).
pub fn person_key_hash(key: &PersonIdKey, value: &str) -> String {
    // new_from_slice only fails for algorithms with a fixed key length; HMAC takes any.
    let mut mac = match Hmac::<sha2::Sha256>::new_from_slice(&key.0) {
        Ok(mac) => mac,
        Err(_) => unreachable!("HMAC accepts keys of any length"),
    };
    mac.update(value.as_bytes());
    hex::encode(mac.finalize().into_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt;

    #[test]
    fn key_is_created_private_and_stable() {
        let dir = tempfile::tempdir().unwrap();
        let a = PersonIdKey::load_or_create(dir.path()).unwrap();
        let b = PersonIdKey::load_or_create(dir.path()).unwrap();
        assert_eq!(a.0, b.0);
        let mode = std::fs::metadata(dir.path().join(KEY_FILE))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600);
        assert_eq!(
            person_key_hash(&a, "01880912345"),
            person_key_hash(&b, "01880912345")
        );
    }

    #[test]
    fn hash_depends_on_key_and_matches_rfc4231() {
        // RFC 4231 test case 2: key "Jefe", data "what do ya want for nothing?".
        let mut key = [0u8; 32];
        key[..4].copy_from_slice(b"Jefe");
        // Keys are zero-padded to the block size, so a 32-byte key with trailing
        // zeros equals the 4-byte key.
        let h = person_key_hash(
            &PersonIdKey::from_bytes(key),
            "what do ya want for nothing?",
        );
        assert_eq!(
            h,
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
        let other = person_key_hash(
            &PersonIdKey::from_bytes([1; 32]),
            "what do ya want for nothing?",
        );
        assert_ne!(h, other);
    }
}
