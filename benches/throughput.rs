//! OCR and text-layer throughput, one run, same files for everyone:
//!
//! ```sh
//! POSTMOTTAK_PDFIUM=$PWD/.deps/pdfium/libpdfium.so OMP_THREAD_LIMIT=1 \
//!     cargo bench --bench throughput
//! ```
//!
//! Builds a 40-page 300 dpi A4 scan from the samples' scan300 pages (qpdf),
//! renders its pages once to PNG (the very images our OCR sees), then times
//! (1) `postmottak process --jobs N` on the PDF, (a) the `tesseract` CLI on the
//! PNGs with N at a time, (b) `ocrmypdf --jobs N --output-type pdf` on the PDF,
//! and text-layer extraction of a 200-page digital PDF; prints pages/s, the
//! ratios against the targets of DESIGN.md §11, and peak RSS of the 40-page run.
//! N = number of cores (override with `BENCH_JOBS`).

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Instant;

use postmottak::extract::{ExtractConfig, Extractor, DEFAULT_LANGUAGES};

const SCAN_PAGES: usize = 40;
const TEXT_PAGES: usize = 200;

fn main() {
    // `cargo test --all-targets` runs bench targets too, without `--bench`:
    // there it only has to compile, not spend minutes measuring.
    if !std::env::args().any(|a| a == "--bench") {
        println!("throughput: skipped (run `cargo bench --bench throughput`)");
        return;
    }
    if std::env::var_os("OMP_THREAD_LIMIT").is_none() {
        eprintln!("throughput: set OMP_THREAD_LIMIT=1 (tesseract is 5x slower without it)");
        std::process::exit(2);
    }
    let jobs: usize = std::env::var("BENCH_JOBS")
        .ok()
        .and_then(|j| j.parse().ok())
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, usize::from));
    let repo = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let tmp = tempfile::tempdir().expect("temp dir");
    let dir = tmp.path();
    let samples = repo.join("samples/files");

    // 40 upright 300 dpi text pages: the scan300 letters' pages with text.
    let scan_pages = [
        (samples.join("mta/000-soknad-bpa.pdf"), 1),
        (samples.join("mta/000-soknad-bpa.pdf"), 2),
        (samples.join("omsorg/008-oppseiing-tryggleiksalarm.pdf"), 1),
        (samples.join("mta/002-soknad-omsorgsstonad.pdf"), 1),
        (samples.join("mta/002-soknad-omsorgsstonad.pdf"), 3),
    ];
    let scan = dir.join("scan40.pdf");
    assemble(&scan_pages, SCAN_PAGES, &scan);
    let digital = [
        (samples.join("digital/005-epikrise-utskrivningsklar.pdf"), 1),
        (samples.join("digital/009-soknad-rusoppfolging.pdf"), 1),
        (samples.join("digital/010-klage-omsorgsstonad.pdf"), 1),
        (samples.join("digital/013-endring-vedtak-digital.pdf"), 1),
    ];
    let text_pdf = dir.join("digital200.pdf");
    assemble(&digital, TEXT_PAGES, &text_pdf);

    let config = ExtractConfig {
        ocr_workers: Some(jobs),
        ..ExtractConfig::default()
    };
    let extractor = Extractor::new(&config).expect("extractor (run scripts/setup)");
    let pngs: Vec<PathBuf> = (1..=SCAN_PAGES as u32)
        .map(|n| {
            let png = extractor.render_page_png(&scan, n, 300).expect("render");
            let p = dir.join(format!("page-{n:02}.png"));
            std::fs::write(&p, png).expect("write png");
            p
        })
        .collect();

    println!("throughput: {SCAN_PAGES}-page 300 dpi A4 scan, {jobs} jobs, languages {DEFAULT_LANGUAGES}, {}", machine());

    // Single-page latency with warm engines (what the daemon's pipeline
    // pays per arriving one-page letter): a stamped first page, in-process,
    // beside the CLI on the same page image (which loads its engine each
    // time, as a one-shot tool does).
    let single = samples.join("omsorg/008-oppseiing-tryggleiksalarm.pdf");
    let _ = extractor.extract_path(&single).expect("warm-up");
    let single_png = dir.join("single.png");
    std::fs::write(
        &single_png,
        extractor.render_page_png(&single, 1, 300).expect("render"),
    )
    .expect("write png");
    let one = |f: &dyn Fn()| {
        let t = Instant::now();
        for _ in 0..3 {
            f();
        }
        t.elapsed().as_secs_f64() / 3.0
    };
    let ours_page = one(&|| {
        extractor.extract_path(&single).expect("single page");
    });
    let cli_page = one(&|| {
        tesseract_cli(std::slice::from_ref(&single_png), 1);
    });

    // Text layer, in-process (no engine start-up in the figure). The
    // counter is cumulative: the single-page runs above went through OCR.
    let ocr_before = extractor.ocr_pages_submitted();
    let t = Instant::now();
    let x = extractor.extract_path(&text_pdf).expect("text pdf");
    let text_rate = x.pages.len() as f64 / t.elapsed().as_secs_f64();
    assert_eq!(extractor.ocr_pages_submitted(), ocr_before);
    drop(extractor);

    let (ours_s, ours_rss) = timed_rss(
        Command::new(env!("CARGO_BIN_EXE_postmottak"))
            .args(["process", "--json", "--jobs", &jobs.to_string()])
            .arg(&scan),
    );
    let cli_s = tesseract_cli(&pngs, jobs);
    let ocrmypdf_s = ocrmypdf(&scan, &dir.join("ocrmypdf-out.pdf"), jobs);

    let rate = |s: f64| SCAN_PAGES as f64 / s;
    println!("  postmottak process     {:6.2} pages/s  ({ours_s:.1} s, peak RSS {ours_rss} MB; target < 500 MB)", rate(ours_s));
    println!(
        "  tesseract CLI x{jobs}       {:6.2} pages/s  ({cli_s:.1} s)",
        rate(cli_s)
    );
    match ocrmypdf_s {
        Some(s) => println!(
            "  ocrmypdf --jobs {jobs}      {:6.2} pages/s  ({s:.1} s)",
            rate(s)
        ),
        None => println!("  ocrmypdf               not run (not installed)"),
    }
    println!(
        "  one stamped page       {:6.2} s with warm engines (daemon pipeline) vs tesseract CLI {cli_page:.2} s",
        ours_page
    );
    println!("  text layer             {text_rate:6.0} pages/s  ({TEXT_PAGES} pages in-process; target >= 100)");
    println!(
        "  ratio vs tesseract CLI {:6.2}x  (target >= 0.95)",
        cli_s / ours_s
    );
    if let Some(s) = ocrmypdf_s {
        println!(
            "  ratio vs ocrmypdf      {:6.2}x  (target >= 2)",
            s / ours_s
        );
    }
}

/// `count` pages cycling through `pages` (file, 1-based page), via qpdf.
fn assemble(pages: &[(PathBuf, u32)], count: usize, out: &Path) {
    let mut cmd = Command::new("qpdf");
    cmd.arg("--empty").arg("--pages");
    for (file, page) in pages.iter().cycle().take(count) {
        cmd.arg(file).arg(page.to_string());
    }
    cmd.arg("--").arg(out);
    let status = cmd.status().expect("qpdf (Debian package qpdf)");
    assert!(status.success(), "qpdf failed");
}

/// Wall time and peak RSS (MB) of a child, via GNU time.
fn timed_rss(cmd: &mut Command) -> (f64, u64) {
    let mut timed = Command::new("/usr/bin/time");
    timed
        .args(["-f", "%M"])
        .arg(cmd.get_program())
        .args(cmd.get_args());
    let t = Instant::now();
    let out = timed.output().expect("/usr/bin/time (Debian package time)");
    let secs = t.elapsed().as_secs_f64();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let rss_kb: u64 = String::from_utf8_lossy(&out.stderr)
        .lines()
        .last()
        .and_then(|l| l.trim().parse().ok())
        .unwrap_or(0);
    (secs, rss_kb / 1024)
}

/// The plain CLI, `jobs` processes at a time, same PSM and languages.
fn tesseract_cli(pngs: &[PathBuf], jobs: usize) -> f64 {
    let next = AtomicUsize::new(0);
    let t = Instant::now();
    std::thread::scope(|s| {
        for _ in 0..jobs {
            s.spawn(|| loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                let Some(png) = pngs.get(i) else { return };
                let out = Command::new("tesseract")
                    .arg(png)
                    .arg("-")
                    .args(["--psm", "3", "-l", DEFAULT_LANGUAGES])
                    .output()
                    .expect("tesseract CLI");
                assert!(out.status.success());
            });
        }
    });
    t.elapsed().as_secs_f64()
}

fn ocrmypdf(input: &Path, output: &Path, jobs: usize) -> Option<f64> {
    let t = Instant::now();
    let status = Command::new("ocrmypdf")
        .args([
            "--jobs",
            &jobs.to_string(),
            "--output-type",
            "pdf",
            "-l",
            DEFAULT_LANGUAGES,
            "--quiet",
        ])
        .arg(input)
        .arg(output)
        .status()
        .ok()?;
    status.success().then(|| t.elapsed().as_secs_f64())
}

fn machine() -> String {
    let cpu = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("model name"))
                .map(|l| l.split(':').nth(1).unwrap_or("").trim().to_owned())
        })
        .unwrap_or_default();
    let cores = std::thread::available_parallelism().map_or(1, usize::from);
    format!("{cores} cores, {cpu}")
}
