//! Domain types shared by every stage: what an item *is*, independent of how it
//! is stored or shown. No IO here, and nothing here can fail except parsing.
//!
//! The lifecycle (DESIGN.md §5) is encoded in [`ItemState::can_become`]; the
//! store refuses any transition this function does not allow, so an illegal
//! state change is a bug caught at the boundary, not a row in a strange state.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::string_enum::string_enum;

/// Row id of an item in the store.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct ItemId(pub i64);

impl fmt::Display for ItemId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

/// SHA-256 of a whole file: the identity of its bytes.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Sha256(pub [u8; 32]);

impl Sha256 {
    pub fn of_bytes(bytes: &[u8]) -> Self {
        use sha2::Digest;
        Sha256(sha2::Sha256::digest(bytes).into())
    }

    /// Hashes a file in streaming fashion (scans can be hundreds of MB).
    /// The digest of a regular file (never a FIFO, device or link: see
    /// [`crate::safe_fs::open_regular`]).
    pub fn of_file(path: &std::path::Path) -> std::io::Result<Self> {
        let mut file = crate::safe_fs::open_regular(path)?;
        Self::of_reader(&mut file)
    }

    pub fn of_reader(reader: &mut impl std::io::Read) -> std::io::Result<Self> {
        use sha2::Digest;
        let mut hasher = sha2::Sha256::new();
        std::io::copy(reader, &mut hasher)?;
        Ok(Sha256(hasher.finalize().into()))
    }

    pub fn to_hex(&self) -> String {
        hex::encode(self.0)
    }
}

impl fmt::Display for Sha256 {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_hex())
    }
}

impl fmt::Debug for Sha256 {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Sha256({})", self.to_hex())
    }
}

impl FromStr for Sha256 {
    type Err = ParseError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let bytes = hex::decode(s).map_err(|_| ParseError::new("sha256", s))?;
        let arr: [u8; 32] = bytes.try_into().map_err(|_| ParseError::new("sha256", s))?;
        Ok(Sha256(arr))
    }
}

impl Serialize for Sha256 {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.to_hex())
    }
}

impl<'de> Deserialize<'de> for Sha256 {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

/// A unit of the department (`mta`, `rus-psykisk-helse`, `omsorg`, …). Units are
/// configurable, so this is a validated id rather than an enum; config.rs checks
/// that every id used anywhere names a configured unit.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct UnitId(String);

impl UnitId {
    /// Accepts lowercase ASCII letters, digits and `-`, 1–40 characters: ids go
    /// into folder names, URLs and SQL parameters.
    pub fn new(id: &str) -> Result<Self, ParseError> {
        let ok = !id.is_empty()
            && id.len() <= 40
            && id
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
        if ok {
            Ok(UnitId(id.to_owned()))
        } else {
            Err(ParseError::new("unit", id))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for UnitId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl FromStr for UnitId {
    type Err = ParseError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        UnitId::new(s)
    }
}

string_enum! {
    /// Where an item came from: a unit's scan folder (paper) or the digital share.
    #[derive(Serialize, Deserialize)]
    #[serde(rename_all = "lowercase")]
    pub enum Source("source") {
        Scan => "scan",
        Digital => "digital",
    }
}

string_enum! {
    /// The lifecycle of DESIGN.md §5.
    #[derive(Serialize, Deserialize)]
    #[serde(rename_all = "lowercase")]
    pub enum ItemState("state") {
        Admitted => "admitted",
        Extracted => "extracted",
        Classified => "classified",
        Queued => "queued",
        Allocated => "allocated",
        Registered => "registered",
        Rejected => "rejected",
        Duplicate => "duplicate",
        /// Replaced by a new scan of the same paper (`superseded_by`): closed,
        /// off the board and off the shred shelf (the paper follows the new scan).
        Superseded => "superseded",
    }
}

impl ItemState {
    /// Norwegian label for the board and reports.
    pub fn label_nb(self) -> &'static str {
        match self {
            ItemState::Admitted => "mottatt",
            ItemState::Extracted => "lest",
            ItemState::Classified => "klassifisert",
            ItemState::Queued => "til fordeling",
            ItemState::Allocated => "fordelt",
            ItemState::Registered => "registrert",
            ItemState::Rejected => "avvist",
            ItemState::Duplicate => "duplikat",
            ItemState::Superseded => "erstattet",
        }
    }

    /// Whether the pipeline still has work to do on an item in this state
    /// (resumed after a crash or restart).
    pub fn is_in_pipeline(self) -> bool {
        matches!(
            self,
            ItemState::Admitted | ItemState::Extracted | ItemState::Classified
        )
    }

    /// The legal transitions. Registration (the file left its folder, i.e. the
    /// case system took it) can happen from any live state: people do not wait
    /// for the meeting when a letter is obviously theirs.
    pub fn can_become(self, next: ItemState) -> bool {
        use ItemState::*;
        match (self, next) {
            (Admitted, Extracted | Rejected | Duplicate) => true,
            (Extracted, Classified | Rejected) => true,
            (Classified, Queued) => true,
            (Queued, Allocated) => true,
            // Reallocation back to the meeting.
            (Allocated, Queued) => true,
            (Admitted | Extracted | Classified | Queued | Allocated | Duplicate, Registered) => {
                true
            }
            // A new scan replaces a bad one (quality check): possible while
            // the item lives, and after registration (the case system got
            // the bad scan; the new one is registered in its place).
            (Queued | Allocated | Duplicate | Registered, Superseded) => true,
            _ => false,
        }
    }
}

string_enum! {
    /// Why a file was refused (DESIGN.md §6). The original is kept in `_avvist/`.
    #[derive(Serialize, Deserialize)]
    #[serde(rename_all = "snake_case")]
    pub enum RejectCode("reject code") {
        Empty => "empty",
        Corrupt => "corrupt",
        Encrypted => "encrypted",
        Unsupported => "unsupported",
        TooLarge => "too_large",
        Unreadable => "unreadable",
    }
}

impl RejectCode {
    /// What staff read in the reason file and on the board.
    pub fn message_nb(self) -> &'static str {
        match self {
            RejectCode::Empty => "Filen er tom.",
            RejectCode::Corrupt => "Filen er skadet og kan ikke leses.",
            RejectCode::Encrypted => {
                "Filen er passordbeskyttet. Be avsender om en utgave uten passord."
            }
            RejectCode::Unsupported => "Filtypen støttes ikke. Godtatt: PDF, PNG, JPEG, TIFF, e-post (.eml, .msg) og SvarInn-forsendelser.",
            RejectCode::TooLarge => "Filen er for stor (sider, bildestørrelse eller filstørrelse).",
            RejectCode::Unreadable => "Filen kunne ikke leses (tidsgrense eller lesefeil).",
        }
    }
}

string_enum! {
    /// A user's role (DESIGN.md §2).
    #[derive(Serialize, Deserialize)]
    #[serde(rename_all = "snake_case")]
    pub enum Role("role") {
        Clerk => "clerk",
        Caseworker => "caseworker",
        Leader => "leader",
        RecordsOfficer => "records_officer",
        Admin => "admin",
    }
}

impl Role {
    pub fn label_nb(self) -> &'static str {
        match self {
            Role::Clerk => "merkantil",
            Role::Caseworker => "saksbehandler",
            Role::Leader => "leder",
            Role::RecordsOfficer => "arkivansvarlig",
            Role::Admin => "systemadministrator",
        }
    }
}

string_enum! {
    /// A fact about a document's quality that a person should look at. An open
    /// quality flag keeps the paper original off the shredder (DESIGN.md §9).
    #[derive(PartialOrd, Ord, Serialize, Deserialize)]
    #[serde(rename_all = "snake_case")]
    pub enum QualityFlag("quality flag") {
        LowOcrConfidence => "low_ocr_confidence",
        BlankPages => "blank_pages",
        MissingPages => "missing_pages",
        StrongSkew => "strong_skew",
        LowResolution => "low_resolution",
        /// A received stamp was found but no plausible date could be read in it.
        StampUnreadable => "stamp_unreadable",
    }
}

impl QualityFlag {
    pub fn label_nb(self) -> &'static str {
        match self {
            QualityFlag::LowOcrConfidence => "usikker tekstgjenkjenning",
            QualityFlag::BlankPages => "blanke sider",
            QualityFlag::MissingPages => "mangler sider",
            QualityFlag::StrongSkew => "skjev skanning",
            QualityFlag::LowResolution => "lav oppløsning",
            QualityFlag::StampUnreadable => "mottaksstempelet kunne ikke leses",
        }
    }
}

/// A string that does not name a value of one of the types above.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid {what}: {value:?}")]
pub struct ParseError {
    pub what: &'static str,
    pub value: String,
}

impl ParseError {
    pub(crate) fn new(what: &'static str, value: &str) -> Self {
        // Values here are ids and codes, never letter text, but cap them anyway
        // so a garbage string cannot flood a log line.
        let value: String = value.chars().take(64).collect();
        ParseError { what, value }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_state_round_trips_through_its_name() {
        for st in ItemState::ALL {
            assert_eq!(st.as_str().parse::<ItemState>(), Ok(st));
        }
    }

    #[test]
    fn lifecycle_allows_the_happy_path_and_nothing_backwards() {
        use ItemState::*;
        let path = [
            Admitted, Extracted, Classified, Queued, Allocated, Registered,
        ];
        for pair in path.windows(2) {
            assert!(
                pair[0].can_become(pair[1]),
                "{:?} -> {:?}",
                pair[0],
                pair[1]
            );
        }
        assert!(!Registered.can_become(Queued));
        assert!(!Rejected.can_become(Queued));
        assert!(!Queued.can_become(Admitted));
        assert!(!Admitted.can_become(Queued), "no stage may be skipped");
        assert!(Allocated.can_become(Superseded) && Registered.can_become(Superseded));
        assert!(!Superseded.can_become(Registered) && !Rejected.can_become(Superseded));
    }

    #[test]
    fn unit_ids_are_restricted_to_safe_characters() {
        assert!(UnitId::new("rus-psykisk-helse").is_ok());
        assert!(UnitId::new("../etc").is_err());
        assert!(UnitId::new("").is_err());
        assert!(UnitId::new("MTA").is_err());
    }

    #[test]
    fn sha256_parses_its_own_hex() {
        let h = Sha256::of_bytes(b"postmottak");
        assert_eq!(h.to_hex().parse::<Sha256>(), Ok(h));
        assert!("abc".parse::<Sha256>().is_err());
    }
}
