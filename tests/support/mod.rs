//! Test support for the daemon tests: a temporary installation (config,
//! inbox folders, data dir), the real `postmottak` binary started and killed
//! as a child process, small text-layer PDFs generated on the fly (no OCR,
//! so hundreds stay cheap), and polling helpers that read the store through
//! `postmottak queue list --all --json`.
#![allow(dead_code)]

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Output, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

pub const BIN: &str = env!("CARGO_BIN_EXE_postmottak");

/// The shared corpus (by path, never copied into the repo); `None` with a
/// loud note when absent.
pub fn corpus() -> Option<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus");
    if dir.is_dir() {
        Some(dir)
    } else {
        eprintln!(
            "SKIPPING: corpus not found at {} — test not run",
            dir.display()
        );
        None
    }
}

/// A temporary installation: `inbox/{mta,omsorg,digital}`, `var/`, `c.toml`.
pub struct Env {
    pub dir: tempfile::TempDir,
    pub config: PathBuf,
}

/// Options for the generated config.
#[derive(Clone)]
pub struct Opts {
    pub settle_ms: u64,
    pub poll_omsorg: bool,
    pub incomplete_grace_secs: u64,
    pub rescan_secs: u64,
}

impl Default for Opts {
    fn default() -> Self {
        Opts {
            settle_ms: 300,
            poll_omsorg: false,
            incomplete_grace_secs: 30,
            rescan_secs: 300,
        }
    }
}

impl Env {
    pub fn new(opts: Opts) -> Env {
        let dir = tempfile::tempdir().unwrap();
        for f in ["mta", "omsorg", "rus-psykisk-helse", "digital"] {
            std::fs::create_dir_all(dir.path().join("inbox").join(f)).unwrap();
        }
        let config = dir.path().join("c.toml");
        std::fs::write(&config, config_text(&opts, false)).unwrap();
        Env { dir, config }
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    pub fn inbox(&self, folder: &str) -> PathBuf {
        self.path().join("inbox").join(folder)
    }

    pub fn data_dir(&self) -> PathBuf {
        self.path().join("var")
    }

    pub fn start(&self) -> Daemon {
        self.start_with_env(&[])
    }

    /// Starts the daemon with extra environment variables (NOTIFY_SOCKET, …).
    pub fn start_with_env(&self, vars: &[(&str, &str)]) -> Daemon {
        let log = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(self.path().join("daemon.log"))
            .unwrap();
        let child = Command::new(BIN)
            .args(["run", "--config"])
            .arg(&self.config)
            .env("OMP_THREAD_LIMIT", "1")
            .env("RUST_LOG", "info")
            // Logs must reach daemon.log even when the tests run under systemd.
            .env_remove("INVOCATION_ID")
            .env_remove("JOURNAL_STREAM")
            .envs(vars.iter().copied())
            .stdout(Stdio::null())
            .stderr(log)
            .spawn()
            .unwrap();
        let daemon = Daemon { child: Some(child) };
        daemon.wait_ready(&self.data_dir());
        daemon
    }

    pub fn log(&self) -> String {
        std::fs::read_to_string(self.path().join("daemon.log")).unwrap_or_default()
    }

    /// Runs a `postmottak` subcommand with `--config` appended.
    pub fn cli(&self, args: &[&str]) -> Output {
        Command::new(BIN)
            .args(args)
            .arg("--config")
            .arg(&self.config)
            .env("OMP_THREAD_LIMIT", "1")
            .output()
            .unwrap()
    }

    /// Every item (`queue list --all --json`).
    pub fn items(&self) -> Vec<Value> {
        let out = self.cli(&["queue", "list", "--json", "--all"]);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout)
            .unwrap()
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect()
    }

    /// Polls the items until `done` holds; panics with the items and the
    /// daemon log after `timeout`.
    pub fn wait_items(
        &self,
        timeout: Duration,
        what: &str,
        done: impl Fn(&[Value]) -> bool,
    ) -> Vec<Value> {
        let start = Instant::now();
        loop {
            let items = self.items();
            if done(&items) {
                return items;
            }
            if start.elapsed() > timeout {
                panic!(
                    "timed out waiting for {what}; items:\n{}\nlog:\n{}",
                    items
                        .iter()
                        .map(|i| i.to_string())
                        .collect::<Vec<_>>()
                        .join("\n"),
                    self.log()
                );
            }
            std::thread::sleep(Duration::from_millis(200));
        }
    }

    pub fn set_config(&self, opts: &Opts, with_extra_unit: bool) {
        std::fs::write(&self.config, config_text(opts, with_extra_unit)).unwrap();
    }
}

fn config_text(opts: &Opts, extra_unit: bool) -> String {
    let extra = if extra_unit {
        "[[units]]\nid = \"ekstra\"\nname = \"Ekstra\"\nscan_folder = \"inbox/rus\"\n"
    } else {
        ""
    };
    format!(
        r#"data_dir = "var"
[[units]]
id = "mta"
name = "MTA"
scan_folder = "inbox/mta"
[[units]]
id = "omsorg"
name = "Omsorg"
scan_folder = "inbox/omsorg"
poll = {poll}
# Every unit the default rules name must be configured (run/check-config check it).
[[units]]
id = "rus-psykisk-helse"
name = "Rus og psykisk helse"
scan_folder = "inbox/rus-psykisk-helse"
{extra}
{web}[digital]
folder = "inbox/digital"
[watch]
settle_ms = {settle}
rescan_secs = {rescan}
poll_interval_ms = 250
incomplete_grace_secs = {grace}
[extract]
ocr_workers = 1
"#,
        poll = opts.poll_omsorg,
        settle = opts.settle_ms,
        rescan = opts.rescan_secs,
        grace = opts.incomplete_grace_secs,
        web = WEB_SECTION,
    )
}

/// The test config's `[web]` section: any free port, so parallel test daemons
/// never race for the default 8080. A test that sets its own `[web]` removes
/// this text first (a TOML table can be defined once). It is not the last
/// section: tests append bare keys to `[extract]`.
pub const WEB_SECTION: &str = "[web]\nlisten = \"127.0.0.1:0\"\n";

/// The daemon child process; killed on drop.
pub struct Daemon {
    child: Option<Child>,
}

impl Daemon {
    pub fn pid(&self) -> i32 {
        self.child.as_ref().unwrap().id() as i32
    }

    /// Waits until the daemon has written its status file (tasks running).
    fn wait_ready(&self, data_dir: &Path) {
        let start = Instant::now();
        let status = data_dir.join("status.json");
        while start.elapsed() < Duration::from_secs(60) {
            if let Ok(text) = std::fs::read_to_string(&status) {
                if let Ok(v) = serde_json::from_str::<Value>(&text) {
                    if v["pid"].as_i64() == Some(self.pid() as i64) {
                        return;
                    }
                }
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        panic!("daemon did not become ready");
    }

    pub fn signal(&self, sig: nix::sys::signal::Signal) {
        nix::sys::signal::kill(nix::unistd::Pid::from_raw(self.pid()), sig).unwrap();
    }

    /// `kill -9`: no chance to clean up.
    pub fn kill9(mut self) {
        let mut child = self.child.take().unwrap();
        child.kill().unwrap();
        child.wait().unwrap();
    }

    /// SIGTERM and wait for the exit.
    pub fn stop(mut self) -> ExitStatus {
        self.signal(nix::sys::signal::Signal::SIGTERM);
        let mut child = self.child.take().unwrap();
        let start = Instant::now();
        loop {
            if let Some(status) = child.try_wait().unwrap() {
                return status;
            }
            if start.elapsed() > Duration::from_secs(30) {
                let _ = child.kill();
                panic!("daemon did not stop on SIGTERM");
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

impl Drop for Daemon {
    fn drop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

/// A one-page PDF with a real text layer (Helvetica, WinAnsi), unique per
/// `serial`.
pub fn text_pdf(serial: u32) -> Vec<u8> {
    let text = format!(
        "Soknad om praktisk bistand i hjemmet. Brev nummer {serial}. \
         Jeg ber om hjelp til husarbeid og innkjop to dager i uka."
    );
    text_pdf_lines(&[&text])
}

/// A one-page PDF whose text layer holds `lines` (Helvetica, WinAnsi).
/// Offsets in the xref table are computed, so strict readers agree.
pub fn text_pdf_lines(lines: &[&str]) -> Vec<u8> {
    let shown: Vec<String> = lines.iter().map(|l| format!("({l}) Tj 0 -16 Td")).collect();
    let content = format!("BT /F1 11 Tf 60 760 Td {} ET", shown.join(" "));
    let objects = [
        "<< /Type /Catalog /Pages 2 0 R >>".to_string(),
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_string(),
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R \
         /Resources << /Font << /F1 5 0 R >> >> >>"
            .to_string(),
        format!(
            "<< /Length {} >>\nstream\n{content}\nendstream",
            content.len()
        ),
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>"
            .to_string(),
    ];
    let mut out = b"%PDF-1.4\n".to_vec();
    let mut offsets = Vec::new();
    for (i, obj) in objects.iter().enumerate() {
        offsets.push(out.len());
        out.extend_from_slice(format!("{} 0 obj\n{obj}\nendobj\n", i + 1).as_bytes());
    }
    let xref = out.len();
    out.extend_from_slice(
        format!("xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1).as_bytes(),
    );
    for o in offsets {
        out.extend_from_slice(format!("{o:010} 00000 n \n").as_bytes());
    }
    out.extend_from_slice(
        format!(
            "trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n",
            objects.len() + 1
        )
        .as_bytes(),
    );
    out
}

pub fn sha256_hex(bytes: &[u8]) -> String {
    postmottak::item::Sha256::of_bytes(bytes).to_hex()
}

/// Writes `bytes` in `chunks` pieces, reopening the file for each piece and
/// pausing between them (a scanner writing over SMB).
pub fn write_slowly(path: &Path, bytes: &[u8], chunks: usize, pause: Duration) {
    let size = bytes.len().div_ceil(chunks);
    for (i, piece) in bytes.chunks(size).enumerate() {
        let mut f = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(path)
            .unwrap();
        f.write_all(piece).unwrap();
        drop(f);
        if i + 1 < chunks {
            std::thread::sleep(pause);
        }
    }
}

pub fn by_name<'a>(items: &'a [Value], name: &str) -> Vec<&'a Value> {
    items.iter().filter(|i| i["file_name"] == name).collect()
}

pub fn state(item: &Value) -> &str {
    item["state"].as_str().unwrap_or("")
}
