//! How a folder is watched. Network file systems (CIFS/SMB, NFS) deliver no
//! inotify events for changes made by other machines and report no error
//! either (notify #172, #475), so they are polled. The file-system type comes
//! from `statfs(2)` magic numbers.

use std::fmt;
use std::path::Path;

/// The watching strategy for one folder, with the reason for polling.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WatchMode {
    /// inotify events (plus periodic rescans).
    Native,
    /// Listed every `poll_interval_ms`.
    Poll(PollReason),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PollReason {
    /// `poll = true` in the config.
    Configured,
    /// statfs says the folder is on a network file system.
    NetworkFs(NetworkFs),
    /// The native watcher could not be set up (e.g. the inotify watch limit).
    NativeFailed,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NetworkFs {
    Cifs,
    Smb2,
    Smb,
    Nfs,
}

// Magic numbers from linux/magic.h.
const CIFS_MAGIC_NUMBER: i64 = 0xFF53_4D42;
const SMB2_MAGIC_NUMBER: i64 = 0xFE53_4D42;
const SMB_SUPER_MAGIC: i64 = 0x517B;
const NFS_SUPER_MAGIC: i64 = 0x6969;

impl NetworkFs {
    fn from_magic(magic: i64) -> Option<NetworkFs> {
        // The field is signed on some targets: compare the low 32 bits.
        match magic & 0xFFFF_FFFF {
            CIFS_MAGIC_NUMBER => Some(NetworkFs::Cifs),
            SMB2_MAGIC_NUMBER => Some(NetworkFs::Smb2),
            SMB_SUPER_MAGIC => Some(NetworkFs::Smb),
            NFS_SUPER_MAGIC => Some(NetworkFs::Nfs),
            _ => None,
        }
    }
}

/// The network file system a folder lives on, if any. Errors (folder gone)
/// count as "not network"; the folder check reports them.
pub fn network_fs(path: &Path) -> Option<NetworkFs> {
    let stat = nix::sys::statfs::statfs(path).ok()?;
    #[allow(clippy::unnecessary_cast)]
    NetworkFs::from_magic(stat.filesystem_type().0 as i64)
}

/// The mode for a folder: polling when configured or on a network share.
pub fn choose(path: &Path, poll_configured: bool) -> WatchMode {
    if poll_configured {
        WatchMode::Poll(PollReason::Configured)
    } else if let Some(fs) = network_fs(path) {
        WatchMode::Poll(PollReason::NetworkFs(fs))
    } else {
        WatchMode::Native
    }
}

impl fmt::Display for WatchMode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            WatchMode::Native => f.write_str("hendelser (inotify)"),
            WatchMode::Poll(PollReason::Configured) => f.write_str("avspørring (poll = true)"),
            WatchMode::Poll(PollReason::NetworkFs(fs)) => {
                write!(f, "avspørring (nettverksdisk: {fs:?})")
            }
            WatchMode::Poll(PollReason::NativeFailed) => {
                f.write_str("avspørring (inotify kunne ikke startes)")
            }
        }
    }
}

impl WatchMode {
    /// Short machine-readable name for the status file.
    pub fn as_str(&self) -> &'static str {
        match self {
            WatchMode::Native => "native",
            WatchMode::Poll(_) => "poll",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn network_magic_numbers_are_recognised() {
        assert_eq!(NetworkFs::from_magic(0xFF53_4D42), Some(NetworkFs::Cifs));
        assert_eq!(
            NetworkFs::from_magic(0xFF53_4D42_u32 as i32 as i64),
            Some(NetworkFs::Cifs)
        );
        assert_eq!(NetworkFs::from_magic(0x6969), Some(NetworkFs::Nfs));
        assert_eq!(NetworkFs::from_magic(0xEF53), None); // ext4
    }

    #[test]
    fn local_temp_folder_is_watched_natively_unless_forced() {
        let dir = tempfile::tempdir().unwrap();
        assert_eq!(choose(dir.path(), false), WatchMode::Native);
        assert_eq!(
            choose(dir.path(), true),
            WatchMode::Poll(PollReason::Configured)
        );
    }
}
