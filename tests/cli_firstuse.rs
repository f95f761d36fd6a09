//! What a new admin meets on the command line (issue 15): every command
//! ends quietly when its reader leaves (`status | head`), `status` and
//! `check-config` show resolved paths, `check-config` warns when mail would
//! carry dead board links, and a file called `.pdf` that is no PDF is
//! refused as damaged — by `process` and by the real daemon.

mod support;

use std::os::unix::process::ExitStatusExt;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Duration;

use support::*;

const DAMAGED_PDF: &str =
    "Filen heter .pdf, men er ikke en lesbar PDF (skadet eller ufullstendig).";

/// Bytes that are no known format (a fixed pseudo-random sequence).
fn random_bytes(n: usize) -> Vec<u8> {
    let mut rng = fastrand::Rng::with_seed(0x2545_f491);
    (0..n).map(|_| rng.u8(..)).collect()
}

/// An installation (every unit the rules route to) whose config sits in `config/` and names its folders
/// with `../`, as a packaged install under /srv does.
fn nested_install(web: &str) -> (tempfile::TempDir, std::path::PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    for f in [
        "config",
        "inbox/mta",
        "inbox/rus",
        "inbox/omsorg",
        "inbox/digital",
        "var",
    ] {
        std::fs::create_dir_all(dir.path().join(f)).unwrap();
    }
    let config = dir.path().join("config/postmottak.toml");
    std::fs::write(
        &config,
        format!(
            "data_dir = \"../var\"\n[[units]]\nid = \"mta\"\nname = \"MTA\"\n\
             scan_folder = \"../inbox/mta\"\n\
             [[units]]\nid = \"rus-psykisk-helse\"\nname = \"Rus og psykisk helse\"\n\
             scan_folder = \"../inbox/rus\"\n\
             [[units]]\nid = \"omsorg\"\nname = \"Omsorg\"\nscan_folder = \"../inbox/omsorg\"\n\
             [digital]\nfolder = \"../inbox/digital\"\n\
             [web]\n{web}\n"
        ),
    )
    .unwrap();
    (dir, config)
}

fn run(args: &[&str], config: &Path) -> std::process::Output {
    Command::new(BIN)
        .args(args)
        .arg("--config")
        .arg(config)
        .env("OMP_THREAD_LIMIT", "1")
        .output()
        .unwrap()
}

#[test]
fn every_command_ends_quietly_when_its_reader_leaves() {
    let (_dir, config) = nested_install("listen = \"127.0.0.1:0\"");
    for args in [
        &["status"][..],
        &["check-config"],
        &["queue", "list"],
        &["shelf", "list"],
        &["user", "list"],
        &["report", "backlog"],
    ] {
        let mut child = Command::new(BIN)
            .args(args)
            .arg("--config")
            .arg(&config)
            .env("OMP_THREAD_LIMIT", "1")
            .env("RUST_BACKTRACE", "1")
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        // The reader is gone before the command prints its first line.
        drop(child.stdout.take());
        let out = child.wait_with_output().unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(
            !stderr.contains("panicked") && !stderr.contains("Broken pipe"),
            "{args:?}: {stderr}"
        );
        let quiet = out.status.code().is_some_and(|c| c != 101)
            || out.status.signal() == Some(nix::libc::SIGPIPE);
        assert!(quiet, "{args:?} ended with {:?}: {stderr}", out.status);
    }
}

#[test]
fn status_and_check_config_show_resolved_paths() {
    let (dir, config) = nested_install("listen = \"127.0.0.1:0\"");
    let root = std::fs::canonicalize(dir.path()).unwrap();
    let status = run(&["status"], &config);
    let text = String::from_utf8_lossy(&status.stdout);
    assert!(!text.contains("/../"), "{text}");
    assert!(
        text.contains(&root.join("inbox/mta").display().to_string()),
        "{text}"
    );
    let check = run(&["check-config"], &config);
    let text = String::from_utf8_lossy(&check.stdout);
    assert!(check.status.success(), "{text}");
    assert!(!text.contains("/../"), "{text}");
    assert!(
        text.contains(&format!("data_dir: {}", root.join("var").display())),
        "{text}"
    );
}

#[test]
fn day_arguments_take_norwegian_dates() {
    let (_dir, config) = nested_install("listen = \"127.0.0.1:0\"");
    let out = run(
        &[
            "report",
            "post-list",
            "--from",
            "01.12.2026",
            "--to",
            "2.12.2026",
        ],
        &config,
    );
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        text.starts_with("Postliste\nmottatt 1. desember 2026 – 2. desember 2026\n"),
        "{text}"
    );
    let out = run(&["shelf", "list", "--at", "31.02.2026"], &config);
    assert!(!out.status.success());
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("skriv for eksempel 05.11.2026"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn check_config_warns_when_mail_cannot_link_to_the_board() {
    let (_dir, config) = nested_install("listen = \"127.0.0.1:0\"");
    let out = run(&["check-config"], &config);
    assert!(out.status.success(), "a warning is not an error");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("advarsel")
            && stderr.contains("base_url")
            && stderr.contains("uten lenker"),
        "{stderr}"
    );

    let (_dir, config) = nested_install(
        "listen = \"127.0.0.1:0\"\nbase_url = \"https://postmottak.example.kommune.no\"",
    );
    let out = run(&["check-config"], &config);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success());
    assert!(!stderr.contains("advarsel"), "{stderr}");
}

#[test]
fn a_file_named_pdf_that_is_no_pdf_is_refused_as_damaged() {
    let tmp = tempfile::tempdir().unwrap();
    let random = tmp.path().join("brev.pdf");
    std::fs::write(&random, random_bytes(4096)).unwrap();
    // A truncated download: a real PDF's first bytes only.
    let sample = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("samples/files/digital/005-epikrise-utskrivningsklar.pdf");
    let truncated = tmp.path().join("nedlasting.pdf");
    std::fs::write(&truncated, &std::fs::read(&sample).unwrap()[..400]).unwrap();
    let out = Command::new(BIN)
        .args(["process", "--json"])
        .arg(&random)
        .arg(&truncated)
        .env("OMP_THREAD_LIMIT", "1")
        .output()
        .unwrap();
    let stdout = String::from_utf8(out.stdout).unwrap();
    let lines: Vec<serde_json::Value> = stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 2, "{stdout}");
    for line in &lines {
        assert_eq!(line["error"]["code"], "corrupt", "{line}");
        assert_eq!(line["error"]["message"], DAMAGED_PDF, "{line}");
    }

    // The daemon says the same, on the board and in the reason file.
    let env = Env::new(Opts::default());
    let _daemon = env.start();
    std::fs::write(env.inbox("mta").join("skanning.pdf"), random_bytes(2048)).unwrap();
    let items = env.wait_items(Duration::from_secs(60), "the refusal", |items| {
        items.len() == 1 && state(&items[0]) == "rejected"
    });
    assert_eq!(items[0]["reject_code"], "corrupt", "{}", items[0]);
    // The text listing speaks Norwegian: state label and a Norwegian time.
    let listing = env.cli(&["queue", "list", "--all"]);
    let listing = String::from_utf8_lossy(&listing.stdout);
    assert!(listing.contains(" avvist "), "{listing}");
    assert!(
        regex::Regex::new(r"\d\d\.\d\d\.\d{4} \d\d:\d\d")
            .unwrap()
            .is_match(&listing),
        "{listing}"
    );
    assert!(!listing.contains("rejected"), "{listing}");
    let reason = env
        .inbox("mta")
        .join("_avvist")
        .join("skanning.pdf.årsak.txt");
    let deadline = std::time::Instant::now() + Duration::from_secs(20);
    while !reason.exists() && std::time::Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(100));
    }
    let text = std::fs::read_to_string(&reason).unwrap();
    assert!(text.contains(DAMAGED_PDF), "{text}");
    assert!(!text.contains("Filtypen støttes ikke"), "{text}");
}

#[test]
fn config_errors_name_folders_as_resolved_paths() {
    let (dir, config) = nested_install("listen = \"127.0.0.1:0\"");
    std::fs::remove_dir(dir.path().join("inbox/omsorg")).unwrap();
    let root = std::fs::canonicalize(dir.path()).unwrap();
    let out = run(&["check-config"], &config);
    assert!(!out.status.success());
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(!text.contains("/../"), "{text}");
    assert!(
        text.contains(&format!(
            "mappen {} finnes ikke",
            root.join("inbox/omsorg").display()
        )),
        "{text}"
    );
}

#[test]
fn run_check_config_and_process_refuse_a_broken_section_alike() {
    // One validation pass (issue 10): sections that had no checks of their
    // own ([extract], [classify], [web]) are refused by every command with
    // the key named and exit 2 — `run` used to stop with exit 1 on a bad
    // [classify] threshold, and to start with a zero OCR time limit that made
    // every scan unreadable.
    let (dir, config) = nested_install(
        "listen = \"127.0.0.1:0\"\nqueue_limit = 0\n\
         [classify]\nthreshold = 1.5\n\
         [extract]\nocr_timeout_secs_per_page = 0\n",
    );
    every_command_refuses(
        dir.path(),
        &config,
        &[
            "classify.threshold",
            "extract.ocr_timeout_secs_per_page",
            "web.queue_limit",
        ],
    );
}

/// `check-config`, `run` and `process` all exit 2 on this config, and each
/// names every one of `needles` on stderr.
fn every_command_refuses(dir: &Path, config: &Path, needles: &[&str]) {
    let letter = dir.join("brev.txt");
    std::fs::write(&letter, "Hei").unwrap();
    let letter = letter.to_string_lossy().into_owned();
    for args in [&["check-config"][..], &["run"], &["process", &letter]] {
        let out = run(args, config);
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {err}");
        for needle in needles {
            assert!(err.contains(needle), "{args:?}: {needle} missing in {err}");
        }
    }
}

#[test]
fn a_rules_file_that_does_not_load_is_refused_by_every_command_with_exit_2() {
    // `run` used to stop with exit 1 here (a task failure, which systemd
    // restarts in a loop) while `check-config` called it a config problem.
    let (dir, config) =
        nested_install("listen = \"127.0.0.1:0\"\n[classify]\nrules = \"regler.toml\"\n");
    std::fs::write(dir.path().join("config/regler.toml"), "[[types]\nid = ").unwrap();
    every_command_refuses(dir.path(), &config, &["regler.toml"]);
}
