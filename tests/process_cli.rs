//! `postmottak process` as a user runs it: the real binary on a mixed batch
//! (text PDF, scan image, empty file, zip, a PNG named .pdf, a missing file)
//! and the exact `--json` contract of DESIGN.md §6; usage errors exit 2.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use common::repo;
use serde_json::Value;

fn postmottak(args: &[&std::ffi::OsStr]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_postmottak"))
        .arg("process")
        .args(args)
        .env("OMP_THREAD_LIMIT", "1")
        .env_remove("POSTMOTTAK_CONFIG")
        .output()
        .unwrap()
}

fn sample(rel: &str) -> PathBuf {
    let p = repo().join("samples/files").join(rel);
    assert!(p.is_file(), "missing sample {}", p.display());
    p
}

fn sha256_hex(path: &Path) -> String {
    postmottak::item::Sha256::of_file(path).unwrap().to_hex()
}

#[test]
fn mixed_batch_gives_one_json_line_per_file_in_input_order() {
    let tmp = tempfile::tempdir().unwrap();
    let text_pdf = sample("digital/005-epikrise-utskrivningsklar.pdf");
    let png = sample("omsorg/007-fullmakt-datter.png");
    let empty = tmp.path().join("tom.pdf");
    std::fs::write(&empty, b"").unwrap();
    let zip = tmp.path().join("vedlegg.pdf");
    std::fs::write(&zip, b"PK\x03\x04\x14\x00\x00\x00\x08\x00not really a pdf").unwrap();
    let png_named_pdf = tmp.path().join("skanning.pdf");
    std::fs::copy(&png, &png_named_pdf).unwrap();
    let missing = tmp.path().join("borte.pdf");

    let files = [&text_pdf, &png, &empty, &zip, &png_named_pdf, &missing];
    let mut args: Vec<&std::ffi::OsStr> = vec!["--json".as_ref(), "--jobs".as_ref(), "2".as_ref()];
    args.extend(files.iter().map(|p| p.as_os_str()));
    let out = postmottak(&args);
    assert_eq!(
        out.status.code(),
        Some(0),
        "stderr: {}",
        String::from_utf8_lossy(&out.stderr)
    );

    let stdout = String::from_utf8(out.stdout).unwrap();
    let lines: Vec<Value> = stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), files.len(), "{stdout}");
    for (line, file) in lines.iter().zip(files) {
        assert_eq!(line["file"], file.display().to_string());
    }

    // Text-layer PDF: the drawn text, no OCR confidence, no blank pages.
    let truth =
        std::fs::read_to_string(repo().join("samples/truth/005-epikrise-utskrivningsklar.txt"))
            .unwrap();
    let t = &lines[0];
    assert_eq!(t["status"], "ok");
    assert_eq!(t["sha256"], sha256_hex(&text_pdf));
    assert_eq!(t["media_type"], "application/pdf");
    assert_eq!(t["pages"], truth.split('\u{c}').count());
    assert_eq!(t["text_source"], "text_layer");
    assert!(t["ocr_confidence"].is_null());
    assert_eq!(t["blank_pages"], serde_json::json!([]));
    let first_line = truth.lines().find(|l| !l.trim().is_empty()).unwrap().trim();
    assert!(
        t["text"].as_str().unwrap().contains(first_line),
        "{}",
        t["text"]
    );
    assert!(t.get("error").is_none());

    // Scanned PNG: OCR with a confidence; and the same bytes named .pdf are
    // still a PNG (content, never the extension).
    for s in [&lines[1], &lines[4]] {
        assert_eq!(s["status"], "ok");
        assert_eq!(s["media_type"], "image/png");
        assert_eq!(s["text_source"], "ocr");
        assert_eq!(s["pages"], 1);
        let conf = s["ocr_confidence"].as_f64().unwrap();
        assert!((50.0..=100.0).contains(&conf), "confidence {conf}");
        assert!(
            s["text"]
                .as_str()
                .unwrap()
                .to_lowercase()
                .contains("fullmakt"),
            "{}",
            s["text"]
        );
    }
    assert_eq!(lines[1]["sha256"], lines[4]["sha256"]);

    // Refusals carry a code and a Norwegian message, and never stop the batch.
    for (line, code) in [
        (&lines[2], "empty"),
        // Named .pdf but a zip: a damaged PDF to whoever scanned it.
        (&lines[3], "corrupt"),
        (&lines[5], "unreadable"),
    ] {
        assert_eq!(line["status"], "rejected", "{line}");
        assert_eq!(line["error"]["code"], code, "{line}");
        assert!(!line["error"]["message"].as_str().unwrap().is_empty());
        assert!(line.get("text").is_none());
    }
    assert!(lines[5]["sha256"].is_null());
}

#[test]
fn plain_output_is_one_line_per_file_without_letter_text() {
    let text_pdf = sample("digital/009-soknad-rusoppfolging.pdf");
    let out = postmottak(&[text_pdf.as_os_str()]);
    assert_eq!(out.status.code(), Some(0));
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert_eq!(stdout.lines().count(), 1);
    assert!(
        stdout.contains("ok") && stdout.contains("tekstlag"),
        "{stdout}"
    );
    let truth =
        std::fs::read_to_string(repo().join("samples/truth/009-soknad-rusoppfolging.txt")).unwrap();
    let some_line = truth.lines().find(|l| l.trim().len() > 20).unwrap().trim();
    assert!(
        !stdout.contains(some_line),
        "plain output leaks letter text"
    );
}

#[test]
fn usage_and_config_errors_exit_2() {
    let f = sample("digital/005-epikrise-utskrivningsklar.pdf");
    let unknown_unit = postmottak(&["--unit".as_ref(), "ukjent".as_ref(), f.as_os_str()]);
    assert_eq!(unknown_unit.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&unknown_unit.stderr).contains("ukjent"));

    let no_config = postmottak(&[
        "--config".as_ref(),
        "/finnes/ikke.toml".as_ref(),
        f.as_os_str(),
    ]);
    assert_eq!(no_config.status.code(), Some(2));

    let tmp = tempfile::tempdir().unwrap();
    let bad = tmp.path().join("bad.toml");
    std::fs::write(
        &bad,
        "data_dir = \"var\"\n[digital]\nfolder = \"inbox\"\n[extract]\nmax_pages = \"mange\"\n",
    )
    .unwrap();
    let bad_config = postmottak(&["--config".as_ref(), bad.as_os_str(), f.as_os_str()]);
    assert_eq!(bad_config.status.code(), Some(2));

    let no_files = postmottak(&["--json".as_ref()]);
    assert_eq!(no_files.status.code(), Some(2));

    let zero_jobs = postmottak(&["--jobs".as_ref(), "0".as_ref(), f.as_os_str()]);
    assert_eq!(zero_jobs.status.code(), Some(2));
}
