//! Settle detection: a file is ready to be taken in only when it has stopped
//! changing. A scanner writing over SMB for 30 s grows the file in bursts with
//! pauses; taking it early would store a truncated scan.
//!
//! A candidate is **ready** when its size and mtime have been unchanged for
//! the settle time (or a close-write event was seen and nothing changed since)
//! **and** its format looks complete ([`looks_complete`]: a PDF ends with
//! `%%EOF`, a PNG with `IEND`, a JPEG with its end marker; an empty file is
//! not complete). A stable file that still looks incomplete gets a grace
//! period, then is admitted anyway so extraction refuses it with a code —
//! nothing waits forever, nothing is silently dropped.
//!
//! Pure bookkeeping over `stat` and a few bytes read; no async, no channels.

use std::collections::HashMap;
use std::io::{Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant, UNIX_EPOCH};

/// Size and modification time: what "unchanged" means.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FileStamp {
    pub size: u64,
    /// Nanoseconds since the epoch.
    pub mtime_ns: i64,
}

impl FileStamp {
    pub fn of(meta: &std::fs::Metadata) -> FileStamp {
        let mtime_ns = meta
            .modified()
            .ok()
            .and_then(|t| t.duration_since(UNIX_EPOCH).ok())
            .map(|d| d.as_nanos() as i64)
            .unwrap_or(0);
        FileStamp {
            size: meta.len(),
            mtime_ns,
        }
    }

    /// The stamp of a regular file; `None` when missing or not a regular file.
    pub fn read(path: &Path) -> std::io::Result<Option<FileStamp>> {
        match std::fs::symlink_metadata(path) {
            Ok(m) if m.is_file() => Ok(Some(FileStamp::of(&m))),
            Ok(_) => Ok(None),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(e),
        }
    }
}

/// What became of a candidate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    /// Stable and complete: take it in.
    Ready(PathBuf, FileStamp),
    /// Disappeared (or stopped being a regular file) before it settled.
    Gone(PathBuf),
}

#[derive(Debug)]
struct Candidate {
    stamp: Option<FileStamp>,
    stable_since: Instant,
    close_write_seen: bool,
}

#[derive(Debug)]
pub struct Settler {
    settle: Duration,
    grace: Duration,
    pending: HashMap<PathBuf, Candidate>,
}

impl Settler {
    pub fn new(settle: Duration, grace: Duration) -> Settler {
        Settler {
            settle,
            grace,
            pending: HashMap::new(),
        }
    }

    /// New settle and grace times (config reload); pending files keep their
    /// clocks.
    pub fn set_timing(&mut self, settle: Duration, grace: Duration) {
        self.settle = settle;
        self.grace = grace;
    }

    /// A hint that `path` may have changed. Idempotent: a file already being
    /// watched keeps its clock (it is re-stat'ed at the next check). A new
    /// candidate is stat'ed now, so its settle time runs from the hint, not
    /// from the next check.
    pub fn observe(&mut self, path: PathBuf, now: Instant) {
        if self.pending.contains_key(&path) {
            return;
        }
        let stamp = FileStamp::read(&path).ok().flatten();
        self.pending.insert(
            path,
            Candidate {
                stamp,
                stable_since: now,
                close_write_seen: false,
            },
        );
    }

    /// The writer closed the file (inotify `IN_CLOSE_WRITE`).
    pub fn close_write(&mut self, path: PathBuf, now: Instant) {
        self.observe(path.clone(), now);
        if let Some(c) = self.pending.get_mut(&path) {
            c.close_write_seen = true;
        }
    }

    pub fn forget(&mut self, path: &Path) {
        self.pending.remove(path);
    }

    pub fn len(&self) -> usize {
        self.pending.len()
    }

    pub fn is_empty(&self) -> bool {
        self.pending.is_empty()
    }

    pub fn is_pending(&self, path: &Path) -> bool {
        self.pending.contains_key(path)
    }

    /// Re-stats every candidate and returns those that are ready or gone;
    /// both leave the pending set. Unreadable files stay pending (retried).
    pub fn check(&mut self, now: Instant) -> Vec<Verdict> {
        let mut verdicts = Vec::new();
        for (path, cand) in self.pending.iter_mut() {
            let stamp = match FileStamp::read(path) {
                Ok(Some(s)) => s,
                Ok(None) => {
                    verdicts.push(Verdict::Gone(path.clone()));
                    continue;
                }
                Err(_) => continue,
            };
            if cand.stamp != Some(stamp) {
                // First look, or it changed: the clock starts again. A close-write
                // seen before the change does not vouch for the new bytes unless
                // this is the first look.
                if cand.stamp.is_some() {
                    cand.close_write_seen = false;
                }
                cand.stamp = Some(stamp);
                cand.stable_since = now;
                if !cand.close_write_seen {
                    continue;
                }
            }
            let stable_for = now.saturating_duration_since(cand.stable_since);
            if stable_for < self.settle && !cand.close_write_seen {
                continue;
            }
            if looks_complete(path, stamp.size) || stable_for >= self.grace.max(self.settle) {
                verdicts.push(Verdict::Ready(path.clone(), stamp));
            }
        }
        // Oldest first: when files waited together (start-up, a burst), the
        // first to arrive is admitted first and is the original of any copy.
        verdicts.sort_by(|a, b| match (a, b) {
            (Verdict::Ready(pa, sa), Verdict::Ready(pb, sb)) => {
                (sa.mtime_ns, pa).cmp(&(sb.mtime_ns, pb))
            }
            (Verdict::Gone(pa), Verdict::Gone(pb)) => pa.cmp(pb),
            (Verdict::Gone(_), Verdict::Ready(..)) => std::cmp::Ordering::Less,
            (Verdict::Ready(..), Verdict::Gone(_)) => std::cmp::Ordering::Greater,
        });
        for v in &verdicts {
            let path = match v {
                Verdict::Ready(p, _) | Verdict::Gone(p) => p,
            };
            self.pending.remove(path);
        }
        verdicts
    }
}

/// Whether the file's format looks whole: the cheap "it parses" check that
/// catches a file still being written. Unknown formats count as complete
/// (extraction refuses them with a code).
pub fn looks_complete(path: &Path, size: u64) -> bool {
    if size == 0 {
        return false;
    }
    // Never a FIFO or link (opening a FIFO blocks until a writer comes).
    let Ok(mut file) = crate::safe_fs::open_regular(path) else {
        return false;
    };
    let mut head = [0u8; 8];
    let head_len = file.read(&mut head).unwrap_or(0);
    let head = &head[..head_len];
    let tail_len = size.min(2048);
    let mut tail = vec![0u8; tail_len as usize];
    if file.seek(SeekFrom::Start(size - tail_len)).is_err() || file.read_exact(&mut tail).is_err() {
        return false;
    }
    if head.starts_with(b"%PDF") {
        contains(&tail, b"%%EOF")
    } else if head.starts_with(b"\x89PNG") {
        contains(&tail, b"IEND")
    } else if head.starts_with(&[0xFF, 0xD8]) {
        contains(&tail, &[0xFF, 0xD9])
    } else {
        true
    }
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    const PDF: &[u8] = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n";

    fn settler() -> Settler {
        Settler::new(Duration::from_millis(100), Duration::from_secs(5))
    }

    #[test]
    fn a_file_is_ready_only_after_it_stops_changing() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.pdf");
        std::fs::write(&path, &PDF[..10]).unwrap();
        let mut s = settler();
        let t0 = Instant::now();
        s.observe(path.clone(), t0);
        assert!(s.check(t0).is_empty());
        // Still growing.
        let mut f = std::fs::OpenOptions::new()
            .append(true)
            .open(&path)
            .unwrap();
        f.write_all(&PDF[10..]).unwrap();
        drop(f);
        assert!(s.check(t0 + Duration::from_millis(150)).is_empty());
        // Unchanged for the settle time, and complete.
        let v = s.check(t0 + Duration::from_millis(300));
        assert!(
            matches!(&v[..], [Verdict::Ready(p, st)] if p == &path && st.size == PDF.len() as u64)
        );
        assert!(s.is_empty());
    }

    #[test]
    fn an_incomplete_pdf_waits_for_the_grace_period() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.pdf");
        std::fs::write(&path, &PDF[..20]).unwrap();
        let mut s = settler();
        let t0 = Instant::now();
        s.observe(path.clone(), t0);
        s.check(t0);
        assert!(s.check(t0 + Duration::from_secs(1)).is_empty());
        assert_eq!(s.check(t0 + Duration::from_secs(6)).len(), 1);
    }

    #[test]
    fn a_file_deleted_before_it_settled_is_gone() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.pdf");
        std::fs::write(&path, PDF).unwrap();
        let mut s = settler();
        let t0 = Instant::now();
        s.observe(path.clone(), t0);
        s.check(t0);
        std::fs::remove_file(&path).unwrap();
        assert_eq!(
            s.check(t0 + Duration::from_millis(10)),
            vec![Verdict::Gone(path)]
        );
    }

    #[test]
    fn close_write_admits_without_waiting() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.pdf");
        std::fs::write(&path, PDF).unwrap();
        let mut s = settler();
        let t0 = Instant::now();
        s.close_write(path.clone(), t0);
        assert_eq!(s.check(t0).len(), 1);
    }

    #[test]
    fn completeness_by_format() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("x");
        std::fs::write(&p, b"").unwrap();
        assert!(!looks_complete(&p, 0));
        std::fs::write(&p, b"\x89PNG\r\n\x1a\nabc").unwrap();
        assert!(!looks_complete(&p, 11));
        std::fs::write(&p, b"hello").unwrap();
        assert!(looks_complete(&p, 5));
    }
}
