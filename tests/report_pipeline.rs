//! Reports on a store filled through the real pipeline: sample letters and a
//! broken file are dropped into the watched folders, `postmottak run` reads,
//! classifies and queues them, one is allocated with `postmottak allocate`,
//! and the report CLI shows them — person numbers only masked.

mod common;

#[path = "support_mail/seed.rs"]
mod seed;

use std::path::Path;
use std::process::Command;

use common::repo;
use postmottak::item::{Role, UnitId};
use postmottak::store::events::Actor;
use postmottak::store::users::{self, NewUser};
use seed::*;

fn cli(config: &Path, args: &[&str]) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_postmottak"))
        .args(args)
        .arg("--config")
        .arg(config)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "postmottak {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// The masked forms of the person IDs a sample letter was written with.
fn expected_masked(letter: &str) -> Vec<String> {
    let text = std::fs::read_to_string(repo().join("samples/letters").join(letter)).unwrap();
    let toml: toml::Value = toml::from_str(&text).unwrap();
    toml["expected"]["person_ids"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| format!("{}*****", &v.as_str().unwrap()[..6]))
        .collect()
}

#[test]
fn reports_show_what_the_pipeline_took_in() {
    let dir = tempfile::tempdir().unwrap();
    for folder in ["inbox/mta", "inbox/omsorg", "inbox/digital"] {
        std::fs::create_dir_all(dir.path().join(folder)).unwrap();
    }
    let config = config(
        dir.path(),
        "[watch]\nsettle_ms = 300\nincomplete_grace_secs = 1\n[mail]\nenabled = false\n[reports]\nschedule = []\n",
    );
    let config_path = config.source.clone().unwrap();
    {
        let store = open(&config);
        let units = [UnitId::new("mta").unwrap(), UnitId::new("omsorg").unwrap()];
        users::create(
            &store,
            &NewUser {
                username: "kari",
                display_name: "Kari Saksbehandler",
                email: None,
                role: Role::Caseworker,
                units: &units,
                password_hash: "x",
                totp_secret: "x",
            },
            Actor::System,
        )
        .unwrap();
    }
    let samples = repo().join("samples/files");
    let drop = |from: &str, to: &str| {
        std::fs::copy(samples.join(from), dir.path().join(to)).unwrap();
    };
    drop("mta/004-innsyn-journal.jpg", "inbox/mta/skann-0001.jpg");
    drop(
        "digital/010-klage-omsorgsstonad.pdf",
        "inbox/digital/klage.pdf",
    );
    drop(
        "digital/013-endring-vedtak-digital.pdf",
        "inbox/digital/endring.pdf",
    );
    // The same letter again (printed and scanned in MTA), and an empty file.
    drop(
        "digital/013-endring-vedtak-digital.pdf",
        "inbox/mta/skann-0002.pdf",
    );
    std::fs::write(dir.path().join("inbox/digital/tom.pdf"), b"").unwrap();

    let daemon = Daemon::start(&config_path);
    let store = open(&config);
    let settled = || -> i64 {
        store
            .inspect()
            .one(
                "SELECT COUNT(*) FROM items WHERE state IN ('queued','rejected','duplicate')",
                [],
                |r| r.get(0),
            )
            .unwrap()
    };
    wait_until(180, "five items through the pipeline", || settled() == 5);
    assert!(daemon.stop().success());

    let klage: i64 = store
        .inspect()
        .one(
            "SELECT id FROM items WHERE file_name = 'klage.pdf'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    cli(
        &config_path,
        &["allocate", &klage.to_string(), "--to", "kari"],
    );

    let today = postmottak::calendar::oslo_date(chrono::Utc::now()).to_string();
    let post_list = cli(
        &config_path,
        &["report", "post-list", "--from", &today, "--to", &today],
    );
    assert!(post_list.contains("Inngående post (4)"), "{post_list}");
    let innsyn_ids = expected_masked("004-innsyn-journal.toml");
    assert!(!innsyn_ids.is_empty());
    for masked in &innsyn_ids {
        assert!(
            post_list.contains(masked.as_str()),
            "{masked} in {post_list}"
        );
    }
    let digits11 = regex::Regex::new(r"\d{11}").unwrap();
    assert!(!digits11.is_match(&post_list), "{post_list}");

    let access = cli(
        &config_path,
        &["report", "access-requests", "--format", "csv"],
    );
    let rows: Vec<&str> = access.lines().skip(1).collect();
    assert_eq!(rows.len(), 1, "{access}");
    assert!(rows[0].contains(",mta,til fordeling,"), "{access}");
    assert!(rows[0].contains(&innsyn_ids[0]), "{access}");

    let deviation = cli(&config_path, &["report", "deviation"]);
    let refused = deviation.split("Avviste filer").nth(1).unwrap();
    assert!(refused.contains("tom.pdf"), "{deviation}");
    assert!(refused.contains("Filen er tom. (empty)"), "{deviation}");
    // Whichever copy was admitted second is the duplicate.
    let duplicates = deviation.split("Duplikater").nth(1).unwrap();
    let duplicates = duplicates.split("Ikke fordelt").next().unwrap();
    assert_eq!(
        ["endring.pdf", "skann-0002.pdf"]
            .iter()
            .filter(|f| duplicates.contains(*f))
            .count(),
        1,
        "{deviation}"
    );

    let backlog = cli(&config_path, &["report", "backlog"]);
    assert!(backlog.contains("Kari Saksbehandler (1)"), "{backlog}");
    assert!(
        backlog.contains(&format!("\n{klage} ")) && backlog.contains("klage"),
        "{backlog}"
    );
}
