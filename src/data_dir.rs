//! The data folder's layout: the one place that names the files and
//! folders under `data_dir` (database, lock, status file, person-ID key,
//! content store, page-image cache). Everything else asks a [`DataDir`].
//!
//! A leaf: depends on nothing in the crate. No IO.

use std::ops::Deref;
use std::path::{Path, PathBuf};

/// The service's data folder (`data_dir` in the config), resolved.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DataDir(PathBuf);

impl DataDir {
    /// The SQLite database (also its name inside a backup snapshot).
    pub const DATABASE: &'static str = "postmottak.sqlite";
    /// flock'ed by the running daemon: one daemon per data folder.
    pub const LOCK: &'static str = "postmottak.lock";
    /// What `postmottak status` reads (written by the daemon's `status` task).
    pub const STATUS: &'static str = "status.json";
    /// The per-installation HMAC key for person IDs (0600).
    pub const PERSON_ID_KEY: &'static str = "person_id.key";
    /// The content store; item rows hold paths relative to the data folder
    /// that start with this.
    pub const CONTENT: &'static str = "content";

    pub fn new(path: impl Into<PathBuf>) -> DataDir {
        DataDir(path.into())
    }

    pub fn path(&self) -> &Path {
        &self.0
    }

    pub fn database(&self) -> PathBuf {
        self.0.join(Self::DATABASE)
    }

    pub fn lock_file(&self) -> PathBuf {
        self.0.join(Self::LOCK)
    }

    pub fn status_file(&self) -> PathBuf {
        self.0.join(Self::STATUS)
    }

    pub fn person_id_key(&self) -> PathBuf {
        self.0.join(Self::PERSON_ID_KEY)
    }

    /// The content store's root (`content/`).
    pub fn content(&self) -> PathBuf {
        self.0.join(Self::CONTENT)
    }

    /// Scratch space of the content store, emptied at start (`content/tmp/`).
    pub fn content_tmp(&self) -> PathBuf {
        self.content().join("tmp")
    }

    /// Where a content copy with the given SHA-256 (hex) is kept, relative to
    /// the data folder, as item rows store it.
    pub fn content_relative(sha256_hex: &str) -> String {
        let fan = sha256_hex.get(..2).unwrap_or(sha256_hex);
        format!("{}/{fan}/{sha256_hex}", Self::CONTENT)
    }

    /// A path an item row holds (relative to the data folder), made absolute.
    pub fn file(&self, relative: impl AsRef<Path>) -> PathBuf {
        self.0.join(relative)
    }

    /// The board's page-image cache (`cache/pages/`).
    pub fn page_cache(&self) -> PathBuf {
        self.0.join("cache").join("pages")
    }

    pub fn into_path_buf(self) -> PathBuf {
        self.0
    }
}

// A data folder is a folder: functions that take `&Path` take it as one.
impl Deref for DataDir {
    type Target = Path;
    fn deref(&self) -> &Path {
        &self.0
    }
}

impl AsRef<Path> for DataDir {
    fn as_ref(&self) -> &Path {
        &self.0
    }
}

impl From<DataDir> for PathBuf {
    fn from(dir: DataDir) -> PathBuf {
        dir.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_file_lies_in_the_data_folder() {
        let dir = DataDir::new("/srv/postmottak/data");
        assert_eq!(
            dir.database(),
            Path::new("/srv/postmottak/data/postmottak.sqlite")
        );
        assert_eq!(
            dir.person_id_key(),
            Path::new("/srv/postmottak/data/person_id.key")
        );
        assert_eq!(
            dir.content_tmp(),
            Path::new("/srv/postmottak/data/content/tmp")
        );
        assert_eq!(
            dir.page_cache(),
            Path::new("/srv/postmottak/data/cache/pages")
        );
        assert_eq!(DataDir::content_relative("ab12"), "content/ab/ab12");
        assert_eq!(
            dir.file(DataDir::content_relative("ab12")),
            Path::new("/srv/postmottak/data/content/ab/ab12")
        );
    }
}
