//! Paths as an admin should read them (status, check-config, config errors): `/srv/postmottak/inbox/mta`, not
//! `/srv/postmottak/config/../inbox/mta` (config paths are joined onto the
//! config file's folder as written).

use std::path::{Component, Path, PathBuf};

/// The resolved path (symlinks followed) when it exists; otherwise the path
/// with `.` and `..` folded away by hand, so a missing folder still reads
/// plainly.
pub fn shown(path: &Path) -> PathBuf {
    std::fs::canonicalize(path).unwrap_or_else(|_| lexical(path))
}

fn lexical(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for part in path.components() {
        match part {
            Component::CurDir => {}
            Component::ParentDir => {
                // Keep a leading ".." (relative path going up) as written.
                if !out.pop() {
                    out.push("..");
                }
            }
            other => out.push(other.as_os_str()),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dots_are_folded_away() {
        assert_eq!(
            shown(Path::new("/nowhere-postmottak/config/../inbox/./mta")),
            PathBuf::from("/nowhere-postmottak/inbox/mta")
        );
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("config")).unwrap();
        std::fs::create_dir_all(dir.path().join("inbox")).unwrap();
        let real = std::fs::canonicalize(dir.path()).unwrap();
        assert_eq!(
            shown(&dir.path().join("config/../inbox")),
            real.join("inbox")
        );
    }
}
