//! `postmottak process` with classification, through the real binary on
//! rendered sample letters: the §6 JSON fields, masked person IDs unless
//! `--reveal-ids`, `--unit` for scans, `--explain` in Norwegian, and a bad
//! rules file refused with exit code 2.

mod common;

use std::path::Path;
use std::process::{Command, Output};

use common::repo;

fn process(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_postmottak"))
        .arg("process")
        .args(args)
        .env("OMP_THREAD_LIMIT", "1")
        .env_remove("POSTMOTTAK_CONFIG")
        .current_dir(repo())
        .output()
        .expect("run postmottak")
}

fn json_lines(out: &Output) -> Vec<serde_json::Value> {
    assert!(
        out.status.success(),
        "exit {:?}: {}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout.clone())
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

const DISCHARGE: &str = "samples/files/digital/139-utskrivningsklar-pasient.pdf";
const BPA_FORM: &str = "samples/files/digital/111-bpa-soknad-barn-digital.pdf";
const GP_SCAN: &str = "samples/files/mta/141-fastlege-nevner-soknad.pdf";

#[test]
fn json_carries_the_classification_fields() {
    let lines = json_lines(&process(&["--json", DISCHARGE, BPA_FORM]));
    assert_eq!(lines.len(), 2);
    let d = &lines[0];
    assert_eq!(d["file"], DISCHARGE);
    assert_eq!(d["document_type"], "helseopplysninger");
    // A patient with no municipal services yet is no existing client of
    // home care (§7): a new client's post is the allocation office's.
    assert_eq!(d["unit"], "mta", "digital post: unit from content");
    assert_eq!(d["urgent"], true, "utskrivningsklar pasient");
    assert_eq!(d["leader_review"], false);
    assert_eq!(d["title"], "Melding om utskrivningsklar pasient");
    assert_eq!(d["document_date"], "2026-11-05");
    assert_eq!(d["sender"], "Nordlandssykehuset");
    let id = &d["person_ids"][0];
    assert_eq!(id["kind"], "fodselsnummer");
    assert_eq!(id["synthetic"], true);
    assert!(id["masked"].as_str().unwrap().ends_with("*****"));
    assert!(id.get("value").is_none(), "no value without --reveal-ids");
    let b = &lines[1];
    assert_eq!(b["document_type"], "soknad_bpa");
    assert_eq!(b["leader_review"], true);
    assert_eq!(b["unit"], "mta");
}

#[test]
fn reveal_ids_adds_the_full_value() {
    let lines = json_lines(&process(&["--json", "--reveal-ids", DISCHARGE]));
    let id = &lines[0]["person_ids"][0];
    let value = id["value"].as_str().expect("value with --reveal-ids");
    assert_eq!(value.len(), 11);
    assert!(value.starts_with(&id["masked"].as_str().unwrap()[..6]));
}

#[test]
fn a_scan_keeps_its_unit_and_explain_shows_reasons_in_norwegian() {
    let out = process(&["--unit", "mta", "--explain", GP_SCAN]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("helseopplysninger → mta"), "{text}");
    assert!(text.contains("Dokumenttype: Helseopplysninger"), "{text}");
    assert!(
        text.contains("helsedokument (epikrise, legeerklæring, henvisning)"),
        "{text}"
    );
    assert!(text.contains("skannet i enhetens mappe"), "{text}");
    assert!(text.contains("Mottaksstempel: 03.11.2026"), "{text}");
    assert!(text.contains("Hastesak: nei"), "{text}");
    // The reasons name rules; no person number, not even masked.
    assert!(!text.contains("*****"), "{text}");
    assert!(
        !text
            .split(|c: char| !c.is_ascii_digit())
            .any(|run| run.len() == 11),
        "{text}"
    );
}

#[test]
fn json_with_explain_keeps_stdout_pure_json() {
    let out = process(&["--json", "--explain", BPA_FORM]);
    let lines = json_lines(&out);
    assert_eq!(lines.len(), 1);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("Dokumenttype:"), "{err}");
}

#[test]
fn a_broken_rules_file_is_a_configuration_error() {
    let dir = tempfile::tempdir().unwrap();
    let rules = dir.path().join("rules.toml");
    std::fs::write(&rules, "threshold = 2\n").unwrap();
    let config = dir.path().join("postmottak.toml");
    std::fs::write(
        &config,
        "data_dir = \"var\"\n[[units]]\nid = \"mta\"\nname = \"MTA\"\nscan_folder = \"mta\"\n\
         [digital]\nfolder = \"inbox\"\n[classify]\nrules = \"rules.toml\"\n",
    )
    .unwrap();
    let out = process(&["--config", path(&config), "--json", BPA_FORM]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("rules.toml"), "{err}");
    assert!(out.stdout.is_empty());
}

fn path(p: &Path) -> &str {
    p.to_str().unwrap()
}
