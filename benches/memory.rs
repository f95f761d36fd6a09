//! Memory at rest (issue 14): the real binary on real folders, RSS read from
//! `/proc/<pid>/status`.
//!
//! 1. Right after start: with the OCR engines loaded (they are, to check the
//!    setup), and a few seconds later when a service with nothing to read
//!    has given them back. Target ≤ 60 MB.
//! 2. A burst of `BENCH_BURST` letters (default 150; every 10th a sample scan
//!    that goes through OCR, the rest text-layer PDFs): RSS at the end of the
//!    burst, then after the daemon has been idle for `idle_release_secs`
//!    (`BENCH_IDLE_SECS`, default 5 s here instead of the production 600 s:
//!    the release is the same, only sooner). Target ≤ 150 MB at rest.
//! 3. The reload: the next arrival loads the OCR engines again; its time is
//!    read from the metrics endpoint. Target < 1 s.
//! 4. A soak of `BENCH_SOAK` letters (default 1000 in rounds of
//!    `BENCH_ROUND`, default 100), RSS at rest after each round. Target: the
//!    last round within ±10 % of the first.
//!
//! The soak is the daemon's real life: each round's files are removed from
//! the inbox once they are queued, as the case system does when it takes
//! them (in days, not seconds, but the daemon sees the same: the file leaves
//! and the item is registered). The burst's files go the same way before the
//! soak starts. Without that the inbox would hold every letter of the soak,
//! and what the daemon keeps per file present (the intake's known files)
//! would grow with it as it should. `BENCH_KEEP_FILES=1` keeps them all, to
//! see that difference.
//!
//! At each point the daemon's own split of its RSS is printed too (metrics
//! `heap_in_use_bytes`: what malloc has handed out and not got back;
//! `sqlite_heap_bytes`: SQLite's share of it; `sqlite_page_cache_bytes`:
//! the page caches within that), so growth can be told apart:
//! live allocations vs fragmentation vs memory outside malloc (pdfium's own
//! allocator, mapped files).
//!
//! Run: `cargo bench --bench memory` (release build; 15–30 minutes on two
//! shared cores). `BENCH_BIN=path/to/postmottak` measures another build of
//! the binary (the bench itself only drives it).

use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use postmottak::item::ItemState;
use postmottak::store::{queue_list, Store};

const BIN: &str = env!("CARGO_BIN_EXE_postmottak");

fn env_num(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn rss_mb(pid: u32) -> f64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    let kb: f64 = status
        .lines()
        .find(|l| l.starts_with("VmRSS:"))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|v| v.parse().ok())
        .unwrap_or(0.0);
    kb / 1024.0
}

fn count(store: &Store, states: &[ItemState]) -> usize {
    queue_list::state_counts(store)
        .unwrap_or_default()
        .into_iter()
        .filter(|(s, _)| states.contains(s))
        .map(|(_, n)| n as usize)
        .sum()
}

/// Read to the end: on the board, refused, a duplicate, or already taken by
/// the case system.
const DONE: &[ItemState] = &[
    ItemState::Queued,
    ItemState::Rejected,
    ItemState::Duplicate,
    ItemState::Registered,
];

fn wait_count(store: &Store, states: &[ItemState], n: usize, what: &str) {
    let t = Instant::now();
    while count(store, states) < n {
        assert!(
            t.elapsed() < Duration::from_secs(3600),
            "{what} never finished"
        );
        std::thread::sleep(Duration::from_millis(500));
    }
}

fn wait_done(store: &Store, n: usize) {
    wait_count(store, DONE, n, "reading");
}

/// The case system takes the letters: every arrival still in the inbox is
/// removed (refused ones lie in `_avvist/`, which it does not take), and
/// the daemon registers them. Returns how many files were taken.
fn case_system_takes(inbox: &Path) -> usize {
    let mut taken = 0;
    for entry in std::fs::read_dir(inbox).into_iter().flatten().flatten() {
        if entry.file_type().is_ok_and(|t| t.is_file())
            && std::fs::remove_file(entry.path()).is_ok()
        {
            taken += 1;
        }
    }
    taken
}

fn text_pdf(serial: u64) -> Vec<u8> {
    let text = format!("Soknad om praktisk bistand. Brev nummer {serial}. Jeg ber om hjelp.");
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

fn scans() -> Vec<PathBuf> {
    let samples = Path::new(env!("CARGO_MANIFEST_DIR")).join("samples/files/mta");
    let mut out: Vec<PathBuf> = std::fs::read_dir(samples)
        .into_iter()
        .flatten()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "pdf"))
        .collect();
    out.sort();
    out
}

/// Drops `count` letters numbered from `first`; every 10th is a scan
/// (unique bytes: a comment after `%%EOF`).
fn drop_letters(inbox: &Path, first: u64, count: u64, scans: &[PathBuf]) {
    for i in first..first + count {
        let (bytes, name) = if i % 10 == 0 && !scans.is_empty() {
            let mut b = std::fs::read(&scans[(i / 10) as usize % scans.len()]).unwrap();
            b.extend_from_slice(format!("% letter {i}\n").as_bytes());
            (b, format!("s{i:05}.pdf"))
        } else {
            (text_pdf(i), format!("t{i:05}.pdf"))
        };
        let tmp = inbox.join(format!(".{name}.part"));
        std::fs::write(&tmp, bytes).unwrap();
        std::fs::rename(&tmp, inbox.join(name)).unwrap();
    }
}

fn scrape(port: u16) -> String {
    let Ok(mut s) = std::net::TcpStream::connect(("127.0.0.1", port)) else {
        return String::new();
    };
    let _ = s.write_all(b"GET /metrics HTTP/1.0\r\n\r\n");
    let mut out = String::new();
    let _ = s.read_to_string(&mut out);
    out
}

fn metric(text: &str, name: &str) -> Option<f64> {
    text.lines()
        .find_map(|l| l.strip_prefix(name)?.strip_prefix(' '))
        .and_then(|v| v.trim().parse().ok())
}

/// RSS and its split as the daemon reports it: "RSS (heap H, SQLite S)".
fn figures(pid: u32, port: u16) -> (f64, String) {
    let (rss, _, split) = figures_with_heap(pid, port);
    (rss, split)
}

/// As [`figures`], with malloc's in-use heap in MB apart.
fn figures_with_heap(pid: u32, port: u16) -> (f64, f64, String) {
    let rss = rss_mb(pid);
    let text = scrape(port);
    let mb = |name| metric(&text, name).map_or(f64::NAN, |b| b / 1_048_576.0);
    let heap = mb("postmottak_heap_in_use_bytes");
    let split = format!(
        "{rss:.1} MB (malloc in use {heap:.1}, SQLite {:.1} of which page cache {:.1})",
        mb("postmottak_sqlite_heap_bytes"),
        mb("postmottak_sqlite_page_cache_bytes")
    );
    (rss, heap, split)
}

fn wait_rest(port: u16, idle: u64) {
    let t = Instant::now();
    while metric(&scrape(port), "postmottak_ocr_engines_loaded") != Some(0.0) {
        assert!(
            t.elapsed() < Duration::from_secs(idle * 4 + 60),
            "never came to rest"
        );
        std::thread::sleep(Duration::from_millis(500));
    }
    // Let the trim and the page cache release settle.
    std::thread::sleep(Duration::from_secs(2));
}

fn main() {
    if std::env::args().any(|a| a == "--list") {
        return;
    }
    let burst = env_num("BENCH_BURST", 150);
    let idle = env_num("BENCH_IDLE_SECS", 5).max(1);
    let soak = env_num("BENCH_SOAK", 1000);
    let bin = std::env::var("BENCH_BIN").unwrap_or_else(|_| BIN.to_owned());
    let round = env_num("BENCH_ROUND", 100).clamp(1, soak.max(1));
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .unwrap_or(19_114);
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let inbox = root.join("inbox/mta");
    std::fs::create_dir_all(&inbox).unwrap();
    std::fs::create_dir_all(root.join("inbox/digital")).unwrap();
    let config = root.join("c.toml");
    std::fs::write(
        &config,
        format!(
            "data_dir = \"var\"\n[[units]]\nid = \"mta\"\nname = \"MTA\"\nscan_folder = \"inbox/mta\"\n\
             [digital]\nfolder = \"inbox/digital\"\n[watch]\nsettle_ms = 300\n\
             [extract]\nidle_release_secs = {idle}\n[mail]\nenabled = false\n\
             [metrics]\nlisten = \"127.0.0.1:{port}\"\n"
        ),
    )
    .unwrap();
    let mut child: Child = Command::new(&bin)
        .args(["run", "--config"])
        .arg(&config)
        .env("RUST_LOG", "warn")
        .env("OMP_THREAD_LIMIT", "1")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let pid = child.id();
    let t = Instant::now();
    while scrape(port).is_empty() && t.elapsed() < Duration::from_secs(60) {
        std::thread::sleep(Duration::from_millis(100));
    }
    std::thread::sleep(Duration::from_secs(1));
    let (_, loaded_at_start) = figures(pid, port);
    wait_rest(port, idle);
    let (at_start, at_start_split) = figures(pid, port);
    let store = Store::open(&root.join("var/postmottak.sqlite")).unwrap();
    let scans = scans();

    let t = Instant::now();
    drop_letters(&inbox, 0, burst, &scans);
    wait_done(&store, burst as usize);
    let burst_secs = t.elapsed().as_secs_f64();
    let (_, after_burst) = figures(pid, port);
    wait_rest(port, idle);
    let (at_rest, at_rest_split) = figures(pid, port);

    // The next arrival reloads the engines.
    drop_letters(&inbox, burst, 1, &scans);
    wait_done(&store, burst as usize + 1);
    let text = scrape(port);
    let reload = metric(&text, "postmottak_ocr_engine_reload_seconds").unwrap_or(f64::NAN);
    let reload_cpu = metric(&text, "postmottak_ocr_engine_reload_cpu_seconds").unwrap_or(f64::NAN);

    let keep = std::env::var("BENCH_KEEP_FILES").is_ok_and(|v| v == "1");
    let mut registered = 0;
    if !keep {
        registered += case_system_takes(&inbox);
        wait_count(&store, &[ItemState::Registered], registered, "registration");
    }

    let mut rounds = Vec::new();
    let mut heaps = Vec::new();
    let mut next = burst + 1;
    let mut total = burst as usize + 1;
    let soak_started = Instant::now();
    while next < burst + 1 + soak {
        let n = round.min(burst + 1 + soak - next);
        drop_letters(&inbox, next, n, &scans);
        next += n;
        total += n as usize;
        wait_done(&store, total);
        if !keep {
            registered += case_system_takes(&inbox);
            wait_count(&store, &[ItemState::Registered], registered, "registration");
        }
        wait_rest(port, idle);
        let (rss, heap, split) = figures_with_heap(pid, port);
        println!(
            "soak: {total} letters ({:.0} s), at rest {split}",
            soak_started.elapsed().as_secs_f64()
        );
        rounds.push(rss);
        heaps.push(heap);
    }
    let soak_secs = soak_started.elapsed().as_secs_f64();
    let _ = nix::sys::signal::kill(
        nix::unistd::Pid::from_raw(pid as i32),
        nix::sys::signal::Signal::SIGTERM,
    );
    let _ = child.wait();

    let verdict = |ok: bool| if ok { "ok" } else { "OVER TARGET" };
    println!("\n## Memory at rest (idle_release_secs = {idle})\n");
    println!("| measurement | RSS | target | |");
    println!("| --- | --- | --- | --- |");
    println!("| start, engines loaded to check the setup | {loaded_at_start} | | |");
    println!(
        "| right after start (engines given back, nothing to read) | {at_start_split} | ≤ 60 MB | {} |",
        verdict(at_start <= 60.0)
    );
    println!("| end of a {burst}-letter burst ({burst_secs:.0} s) | {after_burst} | (peak) | |");
    println!(
        "| at rest after the burst | {at_rest_split} | ≤ 150 MB | {} |",
        verdict(at_rest <= 150.0)
    );
    println!(
        "| OCR engine reload | {reload_cpu:.3} s CPU ({reload:.3} s wall on this machine) | < 1 s CPU | {} |",
        verdict(reload_cpu < 1.0)
    );
    if let (Some(first), Some(last)) = (rounds.first(), rounds.last()) {
        let growth = (last - first) / first * 100.0;
        let shown = |v: &[f64]| {
            v.iter()
                .map(|r| format!("{r:.1}"))
                .collect::<Vec<_>>()
                .join(" → ")
        };
        let files = if keep {
            "files kept in the inbox"
        } else {
            "files taken by the case system each round"
        };
        println!(
            "| soak: {soak} letters in {} rounds ({soak_secs:.0} s; {files}), at rest | {} MB (malloc in use {} MB) | no growth, ±10 % ({growth:+.1} %) | {} |",
            rounds.len(),
            shown(&rounds),
            shown(&heaps),
            // The target is "no growth": memory given back (a fall past
            // −10 %) is named, not counted as a miss.
            match growth {
                g if g > 10.0 => "OVER TARGET",
                g if g < -10.0 => "ok (fell)",
                _ => "ok",
            }
        );
    }
}
