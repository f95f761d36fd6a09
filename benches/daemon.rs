//! Daemon benchmarks (DESIGN.md §11; not timed tests): the real binary on
//! real folders.
//!
//! 1. Arrival → queued latency for a one-page text PDF, for several settle
//!    times, both written in place (close-write seen) and renamed in (settle
//!    time applies). Target: ≤ settle + 0.5 s.
//! 2. A burst of scans through the daemon vs `postmottak process` on the same
//!    files with the same parallelism. Target: ≥ 0.95×. `BENCH_BURST=n` sets
//!    the number of files (default 200; each is OCR'd, so this takes minutes).
//! 3. Idle CPU and RSS with nothing arriving (no busy polling; < 50 MB).
//!
//! Run: `cargo bench --bench daemon` (release build). Prints a report.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use postmottak::store::{queue_list, Store};

const BIN: &str = env!("CARGO_BIN_EXE_postmottak");

struct Install {
    _dir: tempfile::TempDir,
    root: PathBuf,
    config: PathBuf,
}

fn install(settle_ms: u64, workers: usize, poll: bool) -> Install {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().to_owned();
    for f in ["mta", "digital"] {
        std::fs::create_dir_all(root.join("inbox").join(f)).unwrap();
    }
    let config = root.join("c.toml");
    std::fs::write(
        &config,
        format!(
            "data_dir = \"var\"\n[[units]]\nid = \"mta\"\nname = \"MTA\"\nscan_folder = \"inbox/mta\"\npoll = {poll}\n\
             [digital]\nfolder = \"inbox/digital\"\n[watch]\nsettle_ms = {settle_ms}\n\
             [extract]\nocr_workers = {workers}\n"
        ),
    )
    .unwrap();
    Install {
        _dir: dir,
        root,
        config,
    }
}

fn start(inst: &Install) -> Child {
    let child = Command::new(BIN)
        .args(["run", "--config"])
        .arg(&inst.config)
        .env("RUST_LOG", "warn")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let status = inst.root.join("var/status.json");
    let t = Instant::now();
    while !status.exists() && t.elapsed() < Duration::from_secs(60) {
        std::thread::sleep(Duration::from_millis(20));
    }
    child
}

fn stop(mut child: Child) {
    let pid = nix::unistd::Pid::from_raw(child.id() as i32);
    let _ = nix::sys::signal::kill(pid, nix::sys::signal::Signal::SIGTERM);
    let _ = child.wait();
}

/// Items waiting for allocation (a cheap GROUP BY; the poller must not
/// steal CPU from the daemon it measures).
fn queued(store: &Store) -> usize {
    queue_list::state_counts(store)
        .unwrap_or_default()
        .into_iter()
        .find(|(s, _)| *s == postmottak::item::ItemState::Queued)
        .map_or(0, |(_, n)| n as usize)
}

fn wait_queued(store: &Store, n: usize, timeout: Duration, every: Duration) -> Option<Instant> {
    let t = Instant::now();
    while t.elapsed() < timeout {
        if queued(store) >= n {
            return Some(Instant::now());
        }
        std::thread::sleep(every);
    }
    None
}

/// A one-page text-layer PDF, unique per serial (as in tests/support).
fn text_pdf(serial: u32) -> Vec<u8> {
    let text = format!(
        "Soknad om praktisk bistand. Brev nummer {serial}. Jeg ber om hjelp til husarbeid."
    );
    let content = format!("BT /F1 11 Tf 60 760 Td ({text}) Tj ET");
    let objects = [
        "<< /Type /Catalog /Pages 2 0 R >>".to_string(),
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_string(),
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>".to_string(),
        format!("<< /Length {} >>\nstream\n{content}\nendstream", content.len()),
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>".to_string(),
    ];
    let mut out = b"%PDF-1.4\n".to_vec();
    let mut offsets = Vec::new();
    for (i, obj) in objects.iter().enumerate() {
        offsets.push(out.len());
        out.extend_from_slice(format!("{} 0 obj\n{obj}\nendobj\n", i + 1).as_bytes());
    }
    let xref = out.len();
    out.extend_from_slice(b"xref\n0 6\n0000000000 65535 f \n");
    for o in offsets {
        out.extend_from_slice(format!("{o:010} 00000 n \n").as_bytes());
    }
    out.extend_from_slice(
        format!("trailer\n<< /Size 6 /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n").as_bytes(),
    );
    out
}

fn latency() {
    println!("## Arrival → queued, one-page text PDF (5 files each; median / max)");
    println!("| settle_ms | written in place | renamed in | target (settle + 0.5 s) |");
    println!("|---:|---:|---:|---:|");
    for settle in [200u64, 500, 1000, 2000] {
        let inst = install(settle, 1, false);
        let daemon = start(&inst);
        let store = Store::open(&inst.root.join("var/postmottak.sqlite")).unwrap();
        let mut in_place = Vec::new();
        let mut renamed = Vec::new();
        let mut n = 0;
        for i in 0..10u32 {
            let bytes = text_pdf(settle as u32 * 100 + i);
            let dest = inst.root.join("inbox/mta").join(format!("l{i}.pdf"));
            let t0 = if i % 2 == 0 {
                std::fs::write(&dest, &bytes).unwrap();
                Instant::now()
            } else {
                let tmp = inst.root.join(format!("l{i}.pdf"));
                std::fs::write(&tmp, &bytes).unwrap();
                std::fs::rename(&tmp, &dest).unwrap();
                Instant::now()
            };
            n += 1;
            let Some(t1) =
                wait_queued(&store, n, Duration::from_secs(30), Duration::from_millis(5))
            else {
                println!("| {settle} | timed out | | |");
                break;
            };
            let ms = t1.duration_since(t0).as_secs_f64() * 1000.0;
            if i % 2 == 0 {
                in_place.push(ms)
            } else {
                renamed.push(ms)
            }
        }
        let fmt = |v: &mut Vec<f64>| {
            v.sort_by(|a, b| a.total_cmp(b));
            if v.is_empty() {
                "-".to_string()
            } else {
                format!("{:.0} / {:.0} ms", v[v.len() / 2], v[v.len() - 1])
            }
        };
        println!(
            "| {settle} | {} | {} | {} ms |",
            fmt(&mut in_place),
            fmt(&mut renamed),
            settle + 500
        );
        stop(daemon);
    }
}

/// Unique copies of the sample scans (a PDF comment after `%%EOF` changes the
/// bytes, not the document).
fn burst_files(dir: &Path, count: usize) -> Vec<PathBuf> {
    let samples = Path::new(env!("CARGO_MANIFEST_DIR")).join("samples/files");
    let mut scans: Vec<PathBuf> = ["mta", "omsorg", "rus-psykisk-helse"]
        .iter()
        .flat_map(|f| {
            std::fs::read_dir(samples.join(f))
                .into_iter()
                .flatten()
                .flatten()
        })
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "pdf"))
        .collect();
    scans.sort();
    std::fs::create_dir_all(dir).unwrap();
    (0..count)
        .filter_map(|i| {
            let src = scans.get(i % scans.len().max(1))?;
            let mut bytes = std::fs::read(src).ok()?;
            bytes.extend_from_slice(format!("% burst {i}\n").as_bytes());
            let dest = dir.join(format!("b{i:04}.pdf"));
            std::fs::write(&dest, bytes).ok()?;
            Some(dest)
        })
        .collect()
}

fn burst() {
    let count: usize = std::env::var("BENCH_BURST")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(200);
    let workers = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(2);
    let inst = install(500, workers, false);
    let files = burst_files(&inst.root.join("staging"), count);
    if files.is_empty() {
        println!("## Burst: no sample scans under samples/files — skipped");
        return;
    }
    let t = Instant::now();
    let out = Command::new(BIN)
        .args(["process", "--unit", "mta", "--json", "--jobs"])
        .arg(workers.to_string())
        .args(&files)
        .stderr(Stdio::null())
        .output()
        .unwrap();
    let process_s = t.elapsed().as_secs_f64();
    assert!(out.status.success());

    let daemon = start(&inst);
    let store = Store::open(&inst.root.join("var/postmottak.sqlite")).unwrap();
    let t = Instant::now();
    for f in &files {
        std::fs::rename(f, inst.root.join("inbox/mta").join(f.file_name().unwrap())).unwrap();
    }
    let done = wait_queued(
        &store,
        files.len(),
        Duration::from_secs(3600),
        Duration::from_millis(100),
    );
    let daemon_s = t.elapsed().as_secs_f64();
    stop(daemon);
    println!(
        "## Burst of {} scans (sample PDFs, {workers} workers)",
        files.len()
    );
    println!("| | seconds | files/s |");
    println!("|---|---:|---:|");
    println!(
        "| postmottak process | {process_s:.1} | {:.2} |",
        files.len() as f64 / process_s
    );
    match done {
        Some(_) => println!(
            "| daemon (drop → all queued) | {daemon_s:.1} | {:.2} |",
            files.len() as f64 / daemon_s
        ),
        None => println!("| daemon | timed out | |"),
    }
    println!(
        "ratio daemon/process: {:.2} (target ≥ 0.95)",
        process_s / daemon_s
    );
}

fn proc_cpu_ticks(pid: u32) -> u64 {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
    let after = stat.rsplit(')').next().unwrap_or("");
    let f: Vec<&str> = after.split_whitespace().collect();
    f.get(11).and_then(|s| s.parse::<u64>().ok()).unwrap_or(0)
        + f.get(12).and_then(|s| s.parse::<u64>().ok()).unwrap_or(0)
}

fn proc_rss_kb(pid: u32) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .unwrap_or_default()
        .lines()
        .find(|l| l.starts_with("VmRSS:"))
        .and_then(|l| l.split_whitespace().nth(1)?.parse().ok())
        .unwrap_or(0)
}

fn idle() {
    println!("## Idle (nothing arriving, 10 s)");
    println!("| folders | CPU | RSS |");
    println!("|---|---:|---:|");
    for poll in [false, true] {
        let inst = install(2000, 1, poll);
        let daemon = start(&inst);
        std::thread::sleep(Duration::from_secs(2));
        let pid = daemon.id();
        let before = proc_cpu_ticks(pid);
        std::thread::sleep(Duration::from_secs(10));
        let ticks = proc_cpu_ticks(pid) - before;
        let hz = nix::unistd::sysconf(nix::unistd::SysconfVar::CLK_TCK)
            .ok()
            .flatten()
            .unwrap_or(100) as f64;
        let cpu = ticks as f64 / hz / 10.0 * 100.0;
        let rss = proc_rss_kb(pid) as f64 / 1024.0;
        let kind = if poll {
            "mta polled, digital native"
        } else {
            "native (inotify)"
        };
        println!("| {kind} | {cpu:.2} % | {rss:.1} MB |");
        stop(daemon);
    }
}

fn main() {
    // `cargo test --all-targets` runs bench targets too, without `--bench`:
    // there it only has to compile, not spend minutes measuring.
    if !std::env::args().any(|a| a == "--bench") {
        println!("daemon: skipped (run `cargo bench --bench daemon`)");
        return;
    }
    let which = std::env::var("BENCH_ONLY").unwrap_or_default();
    if which.is_empty() || which == "latency" {
        latency();
    }
    if which.is_empty() || which == "idle" {
        idle();
    }
    if which.is_empty() || which == "burst" {
        burst();
    }
}
