//! Test support for the mail, retention and report tests: a config file in a
//! temporary folder, users and items written into a real on-disk store, and
//! a real SMTP server (aiosmtpd) on loopback.
//!
//! Everything is written through the store's API: users with
//! `users::create`, items by `store::board::fixture`, which walks them
//! through the real transitions.
#![allow(dead_code)]

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use chrono::{DateTime, NaiveDate, NaiveTime, TimeZone, Utc};
use chrono_tz::Europe::Oslo;
use postmottak::config::Config;
use postmottak::item::{ItemId, UnitId};
use postmottak::store::board::fixture::{self, FixtureItem, FixturePerson, FixtureState};
use postmottak::store::events::Actor;
use postmottak::store::users::{self, NewUser};
use postmottak::store::{items, quality, Store};

/// An instant given as Oslo wall-clock time.
pub fn oslo(y: i32, m: u32, d: u32, h: u32, min: u32) -> DateTime<Utc> {
    Oslo.with_ymd_and_hms(y, m, d, h, min, 0)
        .single()
        .unwrap()
        .with_timezone(&Utc)
}

pub fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

pub fn noon(date: NaiveDate) -> DateTime<Utc> {
    Oslo.from_local_datetime(&date.and_time(NaiveTime::from_hms_opt(12, 0, 0).unwrap()))
        .single()
        .unwrap()
        .with_timezone(&Utc)
}

/// Writes `postmottak.toml` into `dir` with `extra` appended and loads it.
pub fn config(dir: &Path, extra: &str) -> Config {
    let text = format!(
        r#"
data_dir = "var"
[[units]]
id = "mta"
name = "MTA"
scan_folder = "inbox/mta"
[[units]]
id = "omsorg"
name = "Omsorg"
scan_folder = "inbox/omsorg"
[digital]
folder = "inbox/digital"
{extra}
"#
    );
    std::fs::create_dir_all(dir.join("var")).unwrap();
    let path = dir.join("postmottak.toml");
    std::fs::write(&path, text).unwrap();
    Config::load(&path).unwrap()
}

pub fn open(config: &Config) -> Store {
    Store::open(&config.database_path()).unwrap()
}

/// A user through the store's own `users::create` (no password: these
/// tests never sign in).
pub fn user(store: &Store, username: &str, name: &str, role: &str, email: Option<&str>) -> i64 {
    users::create(
        store,
        &NewUser {
            username,
            display_name: name,
            email,
            role: role.parse().unwrap(),
            units: &[],
            password_hash: "",
            totp_secret: "",
        },
        Actor::System,
    )
    .unwrap()
}

static NEXT: AtomicU64 = AtomicU64::new(1);

/// An item as the pipeline leaves it.
#[derive(Debug, Clone)]
pub struct Seed {
    pub source: &'static str,
    pub unit: &'static str,
    pub received_at: DateTime<Utc>,
    pub state: &'static str,
    pub title: &'static str,
    pub document_type: &'static str,
    pub file_name: String,
    pub quality_flags: &'static str,
    pub quality_cleared: bool,
    pub allocated_to: Option<i64>,
    pub duplicate_of: Option<ItemId>,
    pub reject_code: Option<&'static str>,
}

impl Seed {
    pub fn scan(received_at: DateTime<Utc>, state: &'static str) -> Seed {
        Seed {
            source: "scan",
            unit: "mta",
            received_at,
            state,
            title: "Søknad om helse- og omsorgstjenester",
            document_type: "soknad_tjenester",
            file_name: format!(
                "Skanning Profil_{}_{}.pdf",
                received_at.format("%Y%m%d"),
                NEXT.fetch_add(1, Ordering::Relaxed)
            ),
            quality_flags: "[]",
            quality_cleared: false,
            allocated_to: None,
            duplicate_of: None,
            reject_code: None,
        }
    }

    pub fn digital(received_at: DateTime<Utc>, state: &'static str) -> Seed {
        Seed {
            source: "digital",
            ..Seed::scan(received_at, state)
        }
    }
}

/// An item walked through the real transitions (`store::board::fixture`).
pub fn item(store: &Store, seed: &Seed) -> ItemId {
    let state = match (seed.state, seed.allocated_to) {
        ("queued", _) => FixtureState::Queued,
        ("allocated", Some(to)) => FixtureState::Allocated { to },
        ("registered", allocated_to) => FixtureState::Registered { allocated_to },
        ("duplicate", _) => FixtureState::Duplicate {
            of: seed.duplicate_of.expect("a duplicate names its first"),
        },
        ("rejected", _) => FixtureState::Rejected {
            code: seed
                .reject_code
                .expect("a refusal has a code")
                .parse()
                .unwrap(),
        },
        (other, to) => panic!("no seed for state {other} (allocated to {to:?})"),
    };
    let flags: Vec<String> = serde_json::from_str(seed.quality_flags).unwrap();
    let now = Utc::now();
    let mut fixture = FixtureItem::queued(
        &UnitId::new(seed.unit).unwrap(),
        seed.document_type,
        seed.title,
        "",
    );
    fixture.source = seed.source.parse().unwrap();
    fixture.file_name = seed.file_name.clone();
    fixture.content_path = format!("content/{}", NEXT.fetch_add(1, Ordering::Relaxed));
    fixture.received_at = seed.received_at;
    fixture.quality_flags = flags.iter().map(|f| f.parse().unwrap()).collect();
    fixture.pages = Vec::new();
    fixture.state = state;
    fixture.registered_at = Some(now);
    fixture.quality_cleared_at = seed.quality_cleared.then_some(now);
    fixture::insert(store, &[fixture]).unwrap()[0]
}

/// Attaches a (synthetic) person ID in its stored form: hash + masked.
pub fn person_id(store: &Store, item: ItemId, masked: &str) {
    let person = FixturePerson {
        keyed_hash: format!("hash-{}-{masked}", item.0),
        masked: masked.into(),
    };
    fixture::add_person(store, item, &person).unwrap();
}

/// The case system took the file: registered now.
pub fn register(store: &Store, item: ItemId) {
    assert!(items::mark_registered(store, item, Utc::now()).unwrap());
}

/// `by` checked the scan and cleared its quality flags.
pub fn clear_quality(store: &Store, item: ItemId, by: i64) {
    quality::confirm(store, item, by).unwrap();
}

// Not every crate that includes this module binds a port.
#[allow(unused_imports)]
pub use crate::common::free_port;

/// A real SMTP server (aiosmtpd) on loopback that saves what it accepts.
pub struct SmtpSink {
    child: Child,
    pub dir: PathBuf,
}

fn python() -> &'static str {
    // Debian's interpreter has python3-aiosmtpd; a pyenv shim on PATH may not.
    if Path::new("/usr/bin/python3").exists() {
        "/usr/bin/python3"
    } else {
        "python3"
    }
}

impl SmtpSink {
    pub fn start(port: u16, dir: &Path) -> SmtpSink {
        std::fs::create_dir_all(dir).unwrap();
        let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/support_mail/smtp_sink.py");
        let mut child = Command::new(python())
            .arg(script)
            .arg(port.to_string())
            .arg(dir)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .expect("python3 must run (scripts/setup installs python3-aiosmtpd)");
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        assert_eq!(
            line.trim(),
            "READY",
            "the SMTP test server did not start; is python3-aiosmtpd installed (scripts/setup)?"
        );
        SmtpSink {
            child,
            dir: dir.to_owned(),
        }
    }

    /// Accepted messages, decoded, in order of arrival.
    pub fn messages(&self) -> Vec<serde_json::Value> {
        let mut names: Vec<PathBuf> = std::fs::read_dir(&self.dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|e| e == "json"))
            .collect();
        names.sort();
        names
            .iter()
            .map(|p| serde_json::from_slice(&std::fs::read(p).unwrap()).unwrap())
            .collect()
    }

    /// Waits until at least `n` messages arrived (or panics after `secs`).
    pub async fn wait_for(&self, n: usize, secs: u64) -> Vec<serde_json::Value> {
        let deadline = Instant::now() + Duration::from_secs(secs);
        loop {
            let got = self.messages();
            if got.len() >= n || Instant::now() > deadline {
                return got;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    pub fn stop(mut self) {
        self.kill();
    }

    fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for SmtpSink {
    fn drop(&mut self) {
        self.kill();
    }
}

/// `postmottak run` as a child process (the real daemon).
pub struct Daemon {
    child: Child,
}

impl Daemon {
    pub fn start(config: &Path) -> Daemon {
        let child = Command::new(env!("CARGO_BIN_EXE_postmottak"))
            .arg("run")
            .arg("--config")
            .arg(config)
            .env("RUST_LOG", "warn")
            .stdin(Stdio::null())
            .spawn()
            .unwrap();
        Daemon { child }
    }

    /// SIGTERM, then wait for it to drain and exit (SIGKILL after 30 s).
    pub fn stop(mut self) -> std::process::ExitStatus {
        self.terminate()
    }

    fn terminate(&mut self) -> std::process::ExitStatus {
        use nix::sys::signal::{kill, Signal};
        use nix::unistd::Pid;
        if let Ok(Some(status)) = self.child.try_wait() {
            return status;
        }
        let _ = kill(Pid::from_raw(self.child.id() as i32), Signal::SIGTERM);
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            if let Ok(Some(status)) = self.child.try_wait() {
                return status;
            }
            if Instant::now() > deadline {
                let _ = self.child.kill();
                return self.child.wait().unwrap();
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

impl Drop for Daemon {
    fn drop(&mut self) {
        self.terminate();
    }
}

/// Polls `done` every 100 ms until it holds (panics after `secs`).
pub fn wait_until(secs: u64, what: &str, mut done: impl FnMut() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(secs);
    while !done() {
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(100));
    }
}
