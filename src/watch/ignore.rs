//! File-name patterns for files that are never taken in (temporary files,
//! Office lock files, dot-files, Windows thumbnails). Patterns use `*` (any
//! run of characters) and `?` (one character) and match the whole file name,
//! case-insensitively (the shares are Windows shares).

/// One validated pattern.
#[derive(Debug, Clone)]
pub struct Pattern(Vec<char>);

impl Pattern {
    /// Refuses empty patterns and patterns with a path separator (only file
    /// names are matched).
    pub fn parse(text: &str) -> Result<Pattern, String> {
        if text.is_empty() {
            return Err("tomt mønster; bruk f.eks. \"*.tmp\"".into());
        }
        if text.contains('/') || text.contains('\\') {
            return Err(format!(
                "\"{text}\" inneholder skråstrek; mønsteret gjelder bare filnavn (tillatt: tegn, * og ?)"
            ));
        }
        Ok(Pattern(text.to_lowercase().chars().collect()))
    }

    pub fn matches(&self, name: &str) -> bool {
        let name: Vec<char> = name.to_lowercase().chars().collect();
        glob(&self.0, &name)
    }
}

/// Iterative wildcard match with single-star backtracking: linear in practice,
/// no recursion blow-up on hostile names.
fn glob(pattern: &[char], name: &[char]) -> bool {
    let (mut p, mut n) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while n < name.len() {
        if p < pattern.len() && (pattern[p] == '?' || pattern[p] == name[n]) {
            p += 1;
            n += 1;
        } else if p < pattern.len() && pattern[p] == '*' {
            star = Some((p, n));
            p += 1;
        } else if let Some((sp, sn)) = star {
            p = sp + 1;
            n = sn + 1;
            star = Some((sp, sn + 1));
        } else {
            return false;
        }
    }
    pattern[p..].iter().all(|&c| c == '*')
}

/// The configured set; invalid patterns were refused by config validation and
/// are skipped here.
#[derive(Debug, Clone, Default)]
pub struct IgnoreSet(Vec<Pattern>);

impl IgnoreSet {
    pub fn new(patterns: &[String]) -> IgnoreSet {
        IgnoreSet(
            patterns
                .iter()
                .filter_map(|p| Pattern::parse(p).ok())
                .collect(),
        )
    }

    pub fn is_ignored(&self, file_name: &str) -> bool {
        self.0.iter().any(|p| p.matches(file_name))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::watch::DEFAULT_IGNORE;

    #[test]
    fn default_patterns_skip_temp_and_system_files_only() {
        let set = IgnoreSet::new(
            &DEFAULT_IGNORE
                .iter()
                .map(|s| s.to_string())
                .collect::<Vec<_>>(),
        );
        for name in [
            "scan.pdf.part",
            "x.TMP",
            "a.crdownload",
            "~$brev.docx",
            ".hidden",
            "Thumbs.db",
            "desktop.ini",
        ] {
            assert!(set.is_ignored(name), "{name}");
        }
        for name in [
            "scan0001.pdf",
            "brev.png",
            "part.pdf",
            "tmp.tiff",
            "a.b.pdf",
        ] {
            assert!(!set.is_ignored(name), "{name}");
        }
    }

    #[test]
    fn wildcards_match_whole_names() {
        let p = Pattern::parse("scan?_*.pdf").unwrap();
        assert!(p.matches("scan1_abc.pdf"));
        assert!(p.matches("SCAN2_.PDF"));
        assert!(!p.matches("scan12_abc.pdf.x"));
        assert!(Pattern::parse("a/b").is_err());
        assert!(Pattern::parse("").is_err());
    }
}
