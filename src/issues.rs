//! The config's problem vocabulary, shared by every section's `validate`:
//! a [`ConfigIssue`] names the key, what is wrong and what is allowed, and
//! [`Issues`] collects them so every problem is reported at once.
//!
//! A leaf: depends on nothing in the crate, so a stage can validate its own
//! section without importing `config` (which imports the stages).

use std::fmt;

/// One problem in a config file: which key, what is wrong and what is allowed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigIssue {
    /// Dotted key path, e.g. `units[1].scan_folder`.
    pub key: String,
    pub message: String,
}

impl fmt::Display for ConfigIssue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.key, self.message)
    }
}

/// The problems found so far, in the order found.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Issues(Vec<ConfigIssue>);

impl Issues {
    pub fn new() -> Issues {
        Issues::default()
    }

    /// The problems one check finds, e.g. `Issues::of(|i| section.validate(i))`.
    pub fn of(check: impl FnOnce(&mut Issues)) -> Vec<ConfigIssue> {
        let mut issues = Issues::new();
        check(&mut issues);
        issues.into_vec()
    }

    /// Records a problem with `key`.
    pub fn push(&mut self, key: impl Into<String>, message: impl Into<String>) {
        self.0.push(ConfigIssue {
            key: key.into(),
            message: message.into(),
        });
    }

    /// Records `value` as out of range unless it lies in `min..=max`; the
    /// message names the allowed range and its unit.
    pub fn range<T>(&mut self, key: impl Into<String>, value: T, min: T, max: T, unit: &str)
    where
        T: PartialOrd + fmt::Display,
    {
        if !(min <= value && value <= max) {
            let unit = if unit.is_empty() {
                String::new()
            } else {
                format!(" {unit}")
            };
            self.push(
                key,
                format!("{value} er utenfor tillatt område {min}–{max}{unit}"),
            );
        }
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn iter(&self) -> std::slice::Iter<'_, ConfigIssue> {
        self.0.iter()
    }

    pub fn into_vec(self) -> Vec<ConfigIssue> {
        self.0
    }
}

impl Extend<ConfigIssue> for Issues {
    fn extend<I: IntoIterator<Item = ConfigIssue>>(&mut self, iter: I) {
        self.0.extend(iter);
    }
}

impl From<Issues> for Vec<ConfigIssue> {
    fn from(issues: Issues) -> Self {
        issues.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_range_names_its_bounds_and_unit() {
        let mut issues = Issues::new();
        issues.range("watch.settle_ms", 0u64, 50, 600_000, "ms");
        issues.range("ingest.workers", 3usize, 0, 256, "");
        assert_eq!(
            issues.into_vec(),
            vec![ConfigIssue {
                key: "watch.settle_ms".into(),
                message: "0 er utenfor tillatt område 50–600000 ms".into(),
            }]
        );
    }
}
