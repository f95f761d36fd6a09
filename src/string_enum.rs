//! One table per enum for its string names, as stored in SQLite and shown
//! in JSON, CSV and logs: [`string_enum!`] writes the variant list, `ALL`,
//! `as_str`, `Display` and `FromStr` (refusing with an [`ParseError`] that
//! names what was parsed) from one `Variant => "name"` list, instead of a
//! hand-written `match` per direction. Serde keeps its derive with a
//! `rename_all` that gives the same names (pinned by the test below).
//!
//! [`ParseError`]: crate::item::ParseError

/// Declares a fieldless enum with its stored names:
///
/// ```ignore
/// string_enum! {
///     /// Where an item came from.
///     #[derive(Serialize, Deserialize)]
///     pub enum Source("source") {
///         Scan => "scan",
///         Digital => "digital",
///     }
/// }
/// ```
///
/// The string after the name is what a parse error calls the value. Adds
/// `Debug, Clone, Copy, PartialEq, Eq, Hash` to the derives given.
macro_rules! string_enum {
    (
        $(#[$meta:meta])*
        $vis:vis enum $name:ident($what:literal) {
            $($(#[$vmeta:meta])* $variant:ident => $text:literal),+ $(,)?
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        $vis enum $name {
            $($(#[$vmeta])* $variant),+
        }

        impl $name {
            /// Every variant, in declaration order.
            pub const ALL: [$name; [$($name::$variant),+].len()] = [$($name::$variant),+];

            /// The stored name.
            pub fn as_str(self) -> &'static str {
                match self {
                    $($name::$variant => $text),+
                }
            }
        }

        impl ::std::fmt::Display for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl ::std::str::FromStr for $name {
            type Err = $crate::item::ParseError;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                match s {
                    $($text => Ok($name::$variant),)+
                    _ => Err($crate::item::ParseError::new($what, s)),
                }
            }
        }
    };
}
pub(crate) use string_enum;

#[cfg(test)]
mod tests {
    use crate::classify::PersonIdKind;
    use crate::extract::delivery::DeliveryKind;
    use crate::forget::policy::Policy;
    use crate::item::{ItemState, QualityFlag, RejectCode, Role, Source};
    use crate::report::ScheduledReport;
    use crate::retention::ShelfState;

    fn json<T: serde::Serialize>(v: T) -> String {
        serde_json::to_string(&v).unwrap_or_default()
    }

    /// Every variant's stored name, written down before the enums moved to
    /// `string_enum!`: rows and JSON written by older versions must still
    /// read back, so these strings may never change.
    #[test]
    fn every_stored_name_is_unchanged() {
        let sources = [(Source::Scan, "scan"), (Source::Digital, "digital")];
        for (v, s) in sources {
            assert_eq!((v.as_str(), json(v)), (s, format!("\"{s}\"")));
            assert_eq!(s.parse::<Source>(), Ok(v));
        }
        let states = [
            (ItemState::Admitted, "admitted"),
            (ItemState::Extracted, "extracted"),
            (ItemState::Classified, "classified"),
            (ItemState::Queued, "queued"),
            (ItemState::Allocated, "allocated"),
            (ItemState::Registered, "registered"),
            (ItemState::Rejected, "rejected"),
            (ItemState::Duplicate, "duplicate"),
            (ItemState::Superseded, "superseded"),
        ];
        assert_eq!(ItemState::ALL.len(), states.len());
        for (v, s) in states {
            assert_eq!(
                (v.as_str(), v.to_string(), json(v)),
                (s, s.into(), format!("\"{s}\""))
            );
            assert_eq!(s.parse::<ItemState>(), Ok(v));
        }
        let codes = [
            (RejectCode::Empty, "empty"),
            (RejectCode::Corrupt, "corrupt"),
            (RejectCode::Encrypted, "encrypted"),
            (RejectCode::Unsupported, "unsupported"),
            (RejectCode::TooLarge, "too_large"),
            (RejectCode::Unreadable, "unreadable"),
        ];
        assert_eq!(RejectCode::ALL.len(), codes.len());
        for (v, s) in codes {
            assert_eq!(
                (v.as_str(), v.to_string(), json(v)),
                (s, s.into(), format!("\"{s}\""))
            );
            assert_eq!(s.parse::<RejectCode>(), Ok(v));
        }
        let roles = [
            (Role::Clerk, "clerk"),
            (Role::Caseworker, "caseworker"),
            (Role::Leader, "leader"),
            (Role::RecordsOfficer, "records_officer"),
            (Role::Admin, "admin"),
        ];
        assert_eq!(Role::ALL.len(), roles.len());
        for (v, s) in roles {
            assert_eq!(
                (v.as_str(), v.to_string(), json(v)),
                (s, s.into(), format!("\"{s}\""))
            );
            assert_eq!(s.parse::<Role>(), Ok(v));
        }
        let flags = [
            (QualityFlag::LowOcrConfidence, "low_ocr_confidence"),
            (QualityFlag::BlankPages, "blank_pages"),
            (QualityFlag::MissingPages, "missing_pages"),
            (QualityFlag::StrongSkew, "strong_skew"),
            (QualityFlag::LowResolution, "low_resolution"),
            (QualityFlag::StampUnreadable, "stamp_unreadable"),
        ];
        assert_eq!(QualityFlag::ALL.len(), flags.len());
        for (v, s) in flags {
            assert_eq!((v.as_str(), json(v)), (s, format!("\"{s}\"")));
            assert_eq!(s.parse::<QualityFlag>(), Ok(v));
        }
        let kinds = [
            (PersonIdKind::Fodselsnummer, "fodselsnummer"),
            (PersonIdKind::DNummer, "d-nummer"),
            (PersonIdKind::HNummer, "h-nummer"),
        ];
        for (v, s) in kinds {
            assert_eq!((v.as_str(), json(v)), (s, format!("\"{s}\"")));
        }
        // JSON says `svar_ut` (serde's snake_case) where the store says
        // `svarut`: both are contracts, so both are pinned.
        let deliveries = [
            (DeliveryKind::Email, "email", "email"),
            (DeliveryKind::SvarUt, "svarut", "svar_ut"),
        ];
        for (v, s, j) in deliveries {
            assert_eq!((v.as_str(), json(v)), (s, format!("\"{j}\"")));
        }
        let policies = [
            (Policy::Registered, "registered"),
            (Policy::Refused, "refused"),
            (Policy::Duplicate, "duplicate"),
        ];
        assert_eq!(Policy::ALL.len(), policies.len());
        for (v, s) in policies {
            assert_eq!(v.as_str(), s);
            assert_eq!(Policy::parse(s), Some(v));
        }
        let reports = [
            (ScheduledReport::Backlog, "backlog"),
            (ScheduledReport::Deviation, "deviation"),
            (ScheduledReport::AccessRequests, "access-requests"),
        ];
        for (v, s) in reports {
            assert_eq!(v.as_str(), s);
        }
        let shelves = [
            (ShelfState::Filling, "filling"),
            (ShelfState::Waiting, "waiting"),
            (ShelfState::Ready, "ready"),
            (ShelfState::Blocked, "blocked"),
            (ShelfState::Shredded, "shredded"),
        ];
        for (v, s) in shelves {
            assert_eq!(v.as_str(), s);
        }
    }
}
