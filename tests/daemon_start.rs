//! What the real daemon accepts and says at start: an installation with
//! fewer units than the three defaults starts without an ERROR (and digital
//! post the default rules send to an absent unit lands in one it has); mail
//! is said to start only when it does; SIGHUP refuses what a start refuses.

mod common;
mod support;

use std::time::Duration;

use support::*;

const WAIT: Duration = Duration::from_secs(120);

/// Only MTA and the digital share; the board on a port of its own, so a
/// board elsewhere on the machine is no ERROR of ours.
fn one_unit_config(extra: &str) -> String {
    format!(
        r#"data_dir = "var"
[[units]]
id = "mta"
name = "MTA"
scan_folder = "inbox/mta"
[digital]
folder = "inbox/digital"
[watch]
settle_ms = 300
poll_interval_ms = 250
[extract]
ocr_workers = 1
[web]
listen = "127.0.0.1:{port}"
{extra}"#,
        port = common::free_port()
    )
}

fn error_lines(log: &str) -> Vec<&str> {
    log.lines().filter(|l| l.contains(" ERROR ")).collect()
}

#[test]
fn a_config_with_one_unit_starts_without_an_error_and_keeps_all_post_in_it() {
    let env = Env::new(Opts::default());
    std::fs::write(&env.config, one_unit_config("")).unwrap();
    let out = env.cli(&["check-config"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );

    let daemon = env.start();
    // Addressed to a unit this installation does not have.
    std::fs::write(
        env.inbox("digital").join("brev.pdf"),
        text_pdf_lines(&[
            "Att.: Rus og psykisk helse",
            "Vi viser til samtale om rusbehandling og oppfolging fra DPS.",
        ]),
    )
    .unwrap();
    let items = env.wait_items(WAIT, "the letter queued", |items| {
        items.iter().any(|i| state(i) == "queued")
    });
    assert_eq!(items[0]["unit"], "mta", "{}", items[0]);
    assert!(daemon.stop().success());
    let log = env.log();
    assert!(error_lines(&log).is_empty(), "ERROR at start:\n{log}");
    assert!(log.contains("standardreglene nevner enheter"), "{log}");
    assert_eq!(log.matches("e-posttjenesten startet").count(), 1, "{log}");
    assert!(!log.contains("e-post er slått av"), "{log}");
}

#[test]
fn mail_switched_off_is_named_once_and_never_said_to_start() {
    let env = Env::new(Opts::default());
    std::fs::write(&env.config, one_unit_config("[mail]\nenabled = false\n")).unwrap();
    let daemon = env.start();
    assert!(daemon.stop().success());
    let log = env.log();
    assert_eq!(log.matches("e-post er slått av").count(), 1, "{log}");
    for said in [
        "e-posttjenesten startet",
        "e-posttjenesten stoppet",
        "ingen mottakere",
    ] {
        assert!(!log.contains(said), "{said:?} with mail off:\n{log}");
    }
    assert!(error_lines(&log).is_empty(), "{log}");
}

#[test]
fn a_reload_refuses_rules_that_do_not_load_as_a_start_does_and_keeps_the_old_config() {
    let env = Env::new(Opts::default());
    let good = one_unit_config("");
    std::fs::write(&env.config, &good).unwrap();
    let daemon = env.start();

    // Valid as a config file (what `Config::load_for_service` checks), but
    // its rules file does not load, and it adds a folder.
    std::fs::write(env.path().join("regler.toml"), "threshold = 2\n").unwrap();
    std::fs::write(
        &env.config,
        format!(
            "{good}[[units]]\nid = \"omsorg\"\nname = \"Omsorg\"\n\
             scan_folder = \"inbox/omsorg\"\n[classify]\nrules = \"regler.toml\"\n"
        ),
    )
    .unwrap();
    daemon.signal(nix::sys::signal::Signal::SIGHUP);
    let begun = std::time::Instant::now();
    while !env.log().contains("SIGHUP:") {
        assert!(begun.elapsed() < WAIT, "no reload in the log");
        std::thread::sleep(Duration::from_millis(100));
    }
    std::fs::write(env.inbox("omsorg").join("ny-mappe.pdf"), text_pdf(1)).unwrap();
    std::fs::write(env.inbox("mta").join("gammel-mappe.pdf"), text_pdf(2)).unwrap();
    env.wait_items(WAIT, "the old folder still taken in", |items| {
        items.iter().any(|i| state(i) == "queued")
    });
    std::thread::sleep(Duration::from_secs(2));
    let items = env.items();
    assert_eq!(
        items.len(),
        1,
        "the refused file's folder is not watched: {items:#?}"
    );
    assert_eq!(items[0]["file_name"], "gammel-mappe.pdf");
    assert!(daemon.stop().success());
    let log = env.log();
    assert!(
        log.contains("SIGHUP: ny konfigurasjon er ugyldig; beholder den gamle")
            && log.contains("regler.toml"),
        "{log}"
    );
    assert!(!log.contains("konfigurasjonen er lest på nytt"), "{log}");
    // The same file at start: refused for the same reason.
    let start = env.cli(&["run"]);
    assert!(!start.status.success(), "a start refuses it");
    let refusal = String::from_utf8_lossy(&start.stderr).into_owned();
    assert!(refusal.contains("regler.toml"), "{refusal}");
}
