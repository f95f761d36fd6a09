//! Credentials: argon2id password hashes and TOTP second factor, shared by
//! sign-in and the `postmottak user` command.
//!
//! **Invariant:** a TOTP code is accepted at most once (its time step must be
//! later than the last accepted one), within one step of clock skew.

use argon2::password_hash::{
    rand_core::OsRng, PasswordHash, PasswordHasher, PasswordVerifier, SaltString,
};
use argon2::Argon2;
use rand::Rng;
use totp_rs::{Algorithm, Secret, TOTP};

const ISSUER: &str = "Postmottak";
const STEP_SECS: u64 = 30;

#[derive(Debug, thiserror::Error)]
pub enum CredentialError {
    #[error("kan ikke lage passord-hash: {0}")]
    Hash(String),
    #[error("ugyldig TOTP-hemmelighet: {0}")]
    Totp(String),
}

/// An argon2id PHC string for `password`.
pub fn hash_password(password: &str) -> Result<String, CredentialError> {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| CredentialError::Hash(e.to_string()))
}

/// Whether `password` matches the stored hash. A malformed hash never matches.
pub fn verify_password(hash: &str, password: &str) -> bool {
    PasswordHash::new(hash)
        .map(|parsed| {
            Argon2::default()
                .verify_password(password.as_bytes(), &parsed)
                .is_ok()
        })
        .unwrap_or(false)
}

/// Spends about as long as a real verification, so a missing user cannot be
/// told from a wrong password by timing.
pub fn dummy_verify(password: &str) {
    static DUMMY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    let hash = DUMMY.get_or_init(|| hash_password("postmottak-dummy").unwrap_or_default());
    let _ = verify_password(hash, password);
}

/// A fresh random password for `user add`/`user reset` (no look-alike letters).
pub fn generate_password() -> String {
    const ALPHABET: &[u8] = b"abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    let mut rng = rand::thread_rng();
    (0..16)
        .map(|_| ALPHABET[rng.gen_range(0..ALPHABET.len())] as char)
        .collect()
}

/// A fresh TOTP secret, base32.
pub fn generate_totp_secret() -> String {
    match Secret::generate_secret().to_encoded() {
        Secret::Encoded(s) => s,
        Secret::Raw(bytes) => Secret::Raw(bytes).to_encoded().to_string(),
    }
}

fn totp(secret_b32: &str, username: &str) -> Result<TOTP, CredentialError> {
    let bytes = Secret::Encoded(secret_b32.to_owned())
        .to_bytes()
        .map_err(|e| CredentialError::Totp(format!("{e:?}")))?;
    // The account label may not contain ':'.
    let label = username.replace(':', "_");
    TOTP::new(
        Algorithm::SHA1,
        6,
        1,
        STEP_SECS,
        bytes,
        Some(ISSUER.to_owned()),
        label,
    )
    .map_err(|e| CredentialError::Totp(e.to_string()))
}

/// The `otpauth://` URI an authenticator app enrols from.
pub fn enrolment_uri(secret_b32: &str, username: &str) -> Result<String, CredentialError> {
    Ok(totp(secret_b32, username)?.get_url())
}

/// The enrolment URI as a QR code drawn with Unicode half blocks.
pub fn enrolment_qr(uri: &str) -> Result<String, CredentialError> {
    let code =
        qrcode::QrCode::new(uri.as_bytes()).map_err(|e| CredentialError::Totp(e.to_string()))?;
    Ok(code
        .render::<qrcode::render::unicode::Dense1x2>()
        .dark_color(qrcode::render::unicode::Dense1x2::Light)
        .light_color(qrcode::render::unicode::Dense1x2::Dark)
        .quiet_zone(true)
        .build())
}

/// The code for the time `unix_secs` (tests and tools).
pub fn code_at(secret_b32: &str, unix_secs: u64) -> Result<String, CredentialError> {
    Ok(totp(secret_b32, "")?.generate(unix_secs))
}

/// Checks `code` at time `unix_secs`; returns the accepted time step when it
/// matches one step before, at or after now and is later than `last_step`.
pub fn check_totp(secret_b32: &str, code: &str, unix_secs: u64, last_step: i64) -> Option<i64> {
    let totp = totp(secret_b32, "").ok()?;
    let code = code.trim();
    let now_step = (unix_secs / STEP_SECS) as i64;
    (now_step - 1..=now_step + 1)
        .filter(|step| *step > last_step && *step >= 0)
        .find(|step| {
            let expected = totp.generate(*step as u64 * STEP_SECS);
            subtle::ConstantTimeEq::ct_eq(expected.as_bytes(), code.as_bytes()).into()
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn password_round_trip_and_mismatch() {
        let h = hash_password("riktig hest").unwrap();
        assert!(h.starts_with("$argon2id$"));
        assert!(verify_password(&h, "riktig hest"));
        assert!(!verify_password(&h, "feil hest"));
        assert!(!verify_password("ikke en hash", "x"));
    }

    #[test]
    fn totp_accepts_a_code_once_and_within_one_step() {
        let secret = generate_totp_secret();
        let now = 1_800_000_000;
        let code = code_at(&secret, now).unwrap();
        let step = check_totp(&secret, &code, now, 0).expect("current code");
        assert_eq!(
            check_totp(&secret, &code, now, step),
            None,
            "replay refused"
        );
        assert!(
            check_totp(&secret, &code, now + 30, 0).is_some(),
            "one step skew"
        );
        assert_eq!(check_totp(&secret, &code, now + 90, 0), None, "too old");
        assert_eq!(check_totp(&secret, "000000x", now, 0), None);
    }

    #[test]
    fn enrolment_uri_names_issuer_and_user() {
        let secret = generate_totp_secret();
        let uri = enrolment_uri(&secret, "kari").unwrap();
        assert!(uri.starts_with("otpauth://totp/Postmottak:kari?"), "{uri}");
        assert!(uri.contains(&secret));
        assert!(enrolment_qr(&uri).unwrap().contains('█'));
    }
}
