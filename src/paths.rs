//! Paths as an admin should read them (status, check-config, config errors): `/srv/postmottak/inbox/mta`, not
//! `/srv/postmottak/config/../inbox/mta` (config paths are joined onto the
//! config file's folder as written) — and how a configured path is resolved
//! in the first place ([`resolve`], [`config_base_dir`]).
//!
//! A leaf: depends on nothing in the crate. No IO but `canonicalize`.

use std::path::{Component, Path, PathBuf};

/// A configured path made absolute: relative paths resolve against the
/// config file's folder `base`.
pub fn resolve(base: &Path, path: &Path) -> PathBuf {
    if path.is_absolute() {
        path.to_owned()
    } else {
        base.join(path)
    }
}

/// The folder relative paths in the config file at `config_file` resolve
/// against: its folder, made absolute.
pub fn config_base_dir(config_file: &Path) -> PathBuf {
    let base = config_file
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .map(Path::to_path_buf)
        .unwrap_or_else(|| PathBuf::from("."));
    std::path::absolute(&base).unwrap_or(base)
}

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
    fn relative_paths_resolve_against_the_config_folder() {
        let base = Path::new("/srv/postmottak/config");
        assert_eq!(
            resolve(base, Path::new("../inbox")),
            PathBuf::from("/srv/postmottak/config/../inbox")
        );
        assert_eq!(resolve(base, Path::new("/data")), PathBuf::from("/data"));
        assert_eq!(
            config_base_dir(Path::new("/srv/p/postmottak.toml")),
            PathBuf::from("/srv/p")
        );
        assert!(config_base_dir(Path::new("postmottak.toml")).is_absolute());
    }

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
