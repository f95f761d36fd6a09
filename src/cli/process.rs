//! `postmottak process`: read files through the same extract and classify
//! code as the daemon, without a database, and report one line per file in
//! input order (DESIGN.md §6). `--explain` adds the classifier's reasons in
//! Norwegian (on stderr with `--json`, so stdout stays one JSON object a line).
//!
//! Exit 0 when every file was processed or rejected with a code; 2 for a
//! usage or configuration error. One bad file never stops the batch.

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{mpsc, Arc};

use anyhow::Context;
use serde::Serialize;

use crate::classify::{explain_nb, Classifier, ClassifyInput, ProcessFields};
use crate::config::Config;
use crate::extract::{Extraction, Extractor, Rejection};
use crate::item::{Sha256, Source, UnitId};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Treat the files as scans from this unit's folder (default: digital
    /// post, unit classified from content, and no received stamp read:
    /// only paper post is stamped).
    #[arg(long)]
    pub unit: Option<String>,
    /// One JSON object per file and line.
    #[arg(long)]
    pub json: bool,
    /// Include person ID numbers in full (default: masked only).
    #[arg(long)]
    pub reveal_ids: bool,
    /// Show why each file was classified as it was (rules and weights).
    #[arg(long)]
    pub explain: bool,
    /// OCR workers and files read at once (default: config, else cores).
    #[arg(long)]
    pub jobs: Option<usize>,
    /// Config file (default: the embedded default).
    #[arg(long, env = "POSTMOTTAK_CONFIG")]
    pub config: Option<PathBuf>,
    /// Files to read (PDF, PNG, JPEG, TIFF).
    #[arg(required = true)]
    pub files: Vec<PathBuf>,
}

/// Options that shape each file's report.
#[derive(Debug, Clone)]
pub struct ReportOptions {
    pub unit: Option<UnitId>,
    pub reveal_ids: bool,
    pub classifier: Arc<Classifier>,
    /// Where post the embedded rules send to an absent unit goes.
    pub unit_fallback: Option<crate::check::UnitFallback>,
    pub explain: bool,
}

/// One file's line in the `--json` contract. The classification fields are
/// added here by the classify stage.
#[derive(Debug, Serialize)]
pub struct FileReport {
    pub file: String,
    pub status: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<ErrorReport>,
    pub sha256: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub media_type: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pages: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub text_source: Option<crate::extract::TextSource>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ocr_confidence: Option<Option<f32>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub blank_pages: Option<Vec<u32>>,
    /// The classification fields (absent for a rejected file).
    #[serde(flatten, skip_serializing_if = "Option::is_none")]
    pub classification: Option<ProcessFields>,
    /// `--explain` text; printed, never part of the JSON.
    #[serde(skip)]
    pub explanation: Option<String>,
}

#[derive(Debug, Serialize)]
pub struct ErrorReport {
    pub code: &'static str,
    pub message: String,
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let config = match load_config(args.config.as_deref()) {
        Ok(c) => c,
        Err(e) => return Ok(usage_error(&format!("{e:#}"))),
    };
    let unit = match args
        .unit
        .as_deref()
        .map(|u| known_unit(&config, u))
        .transpose()
    {
        Ok(u) => u,
        Err(msg) => return Ok(usage_error(&msg)),
    };
    let mut extract_config = config.raw.extract.clone();
    if let Some(jobs) = args.jobs {
        if jobs == 0 {
            return Ok(usage_error("--jobs må være minst 1"));
        }
        extract_config.ocr_workers = Some(jobs);
    }
    // Lazy: a run over text-layer PDFs never loads the OCR engines.
    let extractor = match Extractor::new_lazy(&extract_config) {
        Ok(x) => Arc::new(x),
        Err(e) => return Ok(usage_error(&e.to_string())),
    };
    // The same pass as `run` and `check-config`, without the inbox folders.
    let checked = crate::check::one_shot(config);
    let classifier = match checked.classifier {
        Ok(c) => Arc::new(c),
        Err(e) => return Ok(usage_error(&e.to_string())),
    };
    let options = ReportOptions {
        unit,
        reveal_ids: args.reveal_ids,
        classifier,
        unit_fallback: checked.unit_fallback,
        explain: args.explain,
    };
    let jobs = extractor.ocr_workers().min(args.files.len()).max(1);
    process_all(&extractor, &args.files, jobs, &options, args.json)?;
    Ok(ExitCode::SUCCESS)
}

fn usage_error(message: &str) -> ExitCode {
    eprintln!("postmottak process: {message}");
    ExitCode::from(2)
}

fn load_config(path: Option<&Path>) -> anyhow::Result<Config> {
    match path {
        Some(p) => Ok(Config::load(p)?),
        None => {
            let cwd = std::env::current_dir().context("finner ikke gjeldende mappe")?;
            Ok(Config::embedded_default(&cwd)?)
        }
    }
}

fn known_unit(config: &Config, id: &str) -> Result<UnitId, String> {
    let unit = UnitId::new(id).map_err(|_| format!("ugyldig enhet «{id}»"))?;
    if config.raw.units.iter().any(|u| u.id == unit) {
        Ok(unit)
    } else {
        let known: Vec<&str> = config.raw.units.iter().map(|u| u.id.as_str()).collect();
        Err(format!(
            "ukjent enhet «{id}» (kjente: {})",
            known.join(", ")
        ))
    }
}

/// Reads `files` on `jobs` threads and prints each report as soon as all
/// earlier files are printed (input order, streaming).
fn process_all(
    extractor: &Arc<Extractor>,
    files: &[PathBuf],
    jobs: usize,
    options: &ReportOptions,
    json: bool,
) -> anyhow::Result<()> {
    let bar = progress_bar(files.len());
    let next = AtomicUsize::new(0);
    let (tx, rx) = mpsc::channel::<(usize, FileReport)>();
    std::thread::scope(|scope| -> anyhow::Result<()> {
        for _ in 0..jobs {
            let tx = tx.clone();
            let next = &next;
            scope.spawn(move || loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                let Some(path) = files.get(i) else { return };
                let report = report_file(extractor, path, options);
                if tx.send((i, report)).is_err() {
                    return;
                }
            });
        }
        drop(tx);
        let mut pending: Vec<Option<FileReport>> = files.iter().map(|_| None).collect();
        let mut printed = 0usize;
        let stdout = std::io::stdout();
        for (i, report) in rx {
            pending[i] = Some(report);
            while let Some(report) = pending.get_mut(printed).and_then(Option::take) {
                let line = if json {
                    serde_json::to_string(&report)?
                } else {
                    plain_line(&report)
                };
                let mut out = stdout.lock();
                let mut write = || -> std::io::Result<()> {
                    writeln!(out, "{line}")?;
                    match (&report.explanation, json) {
                        (Some(e), true) => eprintln!("{}:\n{e}", report.file),
                        (Some(e), false) => writeln!(out, "{e}")?,
                        (None, _) => {}
                    }
                    Ok(())
                };
                match &bar {
                    Some(b) => b.suspend(write)?,
                    None => write()?,
                }
                printed += 1;
                if let Some(b) = &bar {
                    b.inc(1);
                }
            }
        }
        Ok(())
    })?;
    if let Some(b) = bar {
        b.finish_and_clear();
    }
    Ok(())
}

fn progress_bar(files: usize) -> Option<indicatif::ProgressBar> {
    if files < 2 || !std::io::stderr().is_terminal() {
        return None;
    }
    let bar = indicatif::ProgressBar::new(files as u64);
    if let Ok(style) = indicatif::ProgressStyle::with_template(
        "{bar:40} {pos}/{len} filer  {elapsed_precise} (ca. {eta} igjen)",
    ) {
        bar.set_style(style);
    }
    Some(bar)
}

/// Everything `process` says about one file, built in one place.
pub fn report_file(extractor: &Extractor, path: &Path, options: &ReportOptions) -> FileReport {
    let sha256 = Sha256::of_file(path).ok().map(|s| s.to_hex());
    let file = path.display().to_string();
    match extractor.extract_path(path) {
        Ok(extraction) => {
            let mut report = ok_report(file, sha256, &extraction);
            classify(&mut report, &extraction, options, arrival_day(path));
            report
        }
        Err(rejection) => rejected_report(file, sha256, rejection),
    }
}

/// The day the file arrived, as its modification time says (a scanner
/// writes the file when it scans): the stamp date must fit it.
fn arrival_day(path: &Path) -> Option<chrono::NaiveDate> {
    let modified = std::fs::metadata(path).and_then(|m| m.modified()).ok()?;
    Some(crate::calendar::oslo_date(
        chrono::DateTime::<chrono::Utc>::from(modified),
    ))
}

/// Adds the classification fields: with `--unit` the file is a scan from that
/// unit's folder, without it digital post.
fn classify(
    report: &mut FileReport,
    extraction: &Extraction,
    options: &ReportOptions,
    received_on: Option<chrono::NaiveDate>,
) {
    let source = if options.unit.is_some() {
        Source::Scan
    } else {
        Source::Digital
    };
    let mut c = options.classifier.classify(&ClassifyInput {
        extraction,
        source,
        folder_unit: options.unit.as_ref(),
        received_on,
    });
    if let Some(fallback) = &options.unit_fallback {
        fallback.apply(&mut c);
    }
    report.classification = Some(ProcessFields::new(&c, options.reveal_ids));
    if options.explain {
        report.explanation = Some(explain_nb(&options.classifier, &c));
    }
}

fn ok_report(file: String, sha256: Option<String>, x: &Extraction) -> FileReport {
    FileReport {
        file,
        status: "ok",
        error: None,
        sha256,
        media_type: Some(x.media_type.clone()),
        pages: Some(x.pages.len()),
        text_source: Some(x.text_source()),
        text: Some(x.text()),
        ocr_confidence: Some(x.ocr_confidence().map(|c| (c * 10.0).round() / 10.0)),
        blank_pages: Some(x.blank_pages()),
        classification: None,
        explanation: None,
    }
}

fn rejected_report(file: String, sha256: Option<String>, r: Rejection) -> FileReport {
    FileReport {
        file,
        status: "rejected",
        error: Some(ErrorReport {
            code: r.code.as_str(),
            message: r.message,
        }),
        sha256,
        media_type: None,
        pages: None,
        text_source: None,
        text: None,
        ocr_confidence: None,
        blank_pages: None,
        classification: None,
        explanation: None,
    }
}

/// Without `--json`: a short Norwegian line per file, no letter text.
fn plain_line(r: &FileReport) -> String {
    match &r.error {
        Some(e) => format!("{}: avvist ({}): {}", r.file, e.code, e.message),
        None => {
            let conf = match r.ocr_confidence.flatten() {
                Some(c) => format!(", OCR-sikkerhet {c:.0}"),
                None => String::new(),
            };
            let source = match r.text_source {
                Some(crate::extract::TextSource::TextLayer) => "tekstlag",
                Some(crate::extract::TextSource::Ocr) => "OCR",
                Some(crate::extract::TextSource::Mixed) => "tekstlag og OCR",
                _ => "ingen tekst",
            };
            let class = match &r.classification {
                Some(c) => format!(
                    "; {} → {}{}{}",
                    c.document_type,
                    c.unit,
                    if c.urgent { ", HASTER" } else { "" },
                    if c.leader_review { ", til leder" } else { "" }
                ),
                None => String::new(),
            };
            format!(
                "{}: ok, {} side(r), {source}{conf}, {} tegn{class}",
                r.file,
                r.pages.unwrap_or(0),
                r.text.as_deref().map_or(0, |t| t.chars().count())
            )
        }
    }
}
