//! The `[forget]` section: how long postmottak keeps its own copies of a
//! letter once the case system has it. Every value is explained in
//! `config/postmottak.toml`.

use chrono::NaiveTime;
use serde::{Deserialize, Deserializer};

use crate::issues::Issues;

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ForgetConfig {
    /// Days after registration before a registered item's content is
    /// deleted; a mistaken registration can be undone (the file put back)
    /// until then.
    #[serde(default = "default_registered_grace")]
    pub registered_grace_days: u32,
    /// Days after a file was refused before postmottak's copy of it is
    /// deleted (the original stays in `_avvist/` for the admin).
    #[serde(default = "default_refused")]
    pub refused_days: u32,
    /// Years the remaining record (item number, unit, type, dates, state,
    /// history) is kept after the item was registered or refused.
    #[serde(default = "default_records_years")]
    pub keep_records_years: u32,
    /// Upper bound of the page-image cache (`data_dir/cache/pages`), MB.
    #[serde(default = "default_cache_mb")]
    pub page_cache_max_mb: u64,
    /// Europe/Oslo time of day the daemon runs the sweep (it also runs once
    /// at start-up, which resumes a sweep a crash interrupted).
    #[serde(default = "default_run_at", deserialize_with = "de_time")]
    pub run_at: NaiveTime,
}

fn default_registered_grace() -> u32 {
    30
}
fn default_refused() -> u32 {
    90
}
fn default_records_years() -> u32 {
    5
}
fn default_cache_mb() -> u64 {
    500
}
fn default_run_at() -> NaiveTime {
    NaiveTime::from_hms_opt(2, 15, 0).unwrap_or(NaiveTime::MIN)
}

fn de_time<'de, D: Deserializer<'de>>(d: D) -> Result<NaiveTime, D::Error> {
    let text = String::deserialize(d)?;
    NaiveTime::parse_from_str(&text, "%H:%M")
        .map_err(|_| serde::de::Error::custom(format!("ugyldig klokkeslett {text:?} (bruk TT:MM)")))
}

impl Default for ForgetConfig {
    fn default() -> Self {
        ForgetConfig {
            registered_grace_days: default_registered_grace(),
            refused_days: default_refused(),
            keep_records_years: default_records_years(),
            page_cache_max_mb: default_cache_mb(),
            run_at: default_run_at(),
        }
    }
}

impl ForgetConfig {
    pub fn validate(&self, issues: &mut Issues) {
        if self.keep_records_years == 0 {
            issues.push(
                "forget.keep_records_years",
                "må være minst 1; rapportene og revisjonsloggen trenger historikken",
            );
        }
        if self.keep_records_years > 100 {
            issues.push("forget.keep_records_years", "kan være høyst 100");
        }
        for (key, days) in [
            ("forget.registered_grace_days", self.registered_grace_days),
            ("forget.refused_days", self.refused_days),
        ] {
            if days > 3650 {
                issues.push(key, "kan være høyst 3650 dager (ti år)");
            }
        }
        if self.page_cache_max_mb == 0 {
            issues.push("forget.page_cache_max_mb", "må være minst 1");
        }
    }

    pub fn page_cache_max_bytes(&self) -> u64 {
        self.page_cache_max_mb.saturating_mul(1024 * 1024)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_parse_and_bad_values_are_named() {
        let cfg: ForgetConfig = toml::from_str("").unwrap();
        assert_eq!(cfg.registered_grace_days, 30);
        assert_eq!(cfg.refused_days, 90);
        assert_eq!(cfg.run_at, NaiveTime::from_hms_opt(2, 15, 0).unwrap());
        assert!(toml::from_str::<ForgetConfig>("grace_days = 3").is_err());
        assert!(toml::from_str::<ForgetConfig>("run_at = \"25:00\"").is_err());
        let bad: ForgetConfig =
            toml::from_str("keep_records_years = 0\npage_cache_max_mb = 0").unwrap();
        let keys: Vec<String> = Issues::of(|i| bad.validate(i))
            .into_iter()
            .map(|i| i.key)
            .collect();
        assert_eq!(
            keys,
            vec!["forget.keep_records_years", "forget.page_cache_max_mb"]
        );
    }
}
