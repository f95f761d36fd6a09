//! Issue 9, the intake's side: what a hostile sender or a careless share can
//! do to the real daemon on real folders — a FIFO where a refused file was,
//! a linked `_avvist`, a renamed scan, a huge file, a vanished folder, names
//! that are not UTF-8, a loose umask.

mod support;

use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::time::{Duration, Instant};

use support::*;

const WAIT: Duration = Duration::from_secs(90);

fn fast() -> Opts {
    Opts {
        rescan_secs: 1,
        incomplete_grace_secs: 1,
        ..Opts::default()
    }
}

fn status_json(env: &Env) -> serde_json::Value {
    let text = std::fs::read_to_string(env.data_dir().join("status.json")).unwrap();
    serde_json::from_str(&text).unwrap()
}

/// Waits until `postmottak status` exits with `code`; returns its output.
fn wait_status(env: &Env, code: i32, what: &str) -> String {
    let start = Instant::now();
    loop {
        let out = env.cli(&["status"]);
        let text = String::from_utf8_lossy(&out.stdout).into_owned();
        if out.status.code() == Some(code) {
            return text;
        }
        if start.elapsed() > Duration::from_secs(30) {
            panic!(
                "status never exited {code} ({what}): {:?}\n{text}\nlog:\n{}",
                out.status.code(),
                env.log()
            );
        }
        std::thread::sleep(Duration::from_millis(250));
    }
}

#[test]
fn a_fifo_where_a_refused_file_lay_neither_blocks_intake_nor_sigterm() {
    let env = Env::new(fast());
    let daemon = env.start();
    let name = "15067940013.txt";
    std::fs::write(env.inbox("mta").join(name), b"\x00\x01 not a letter").unwrap();
    env.wait_items(WAIT, "the odd file refused", |items| {
        by_name(items, name)
            .first()
            .is_some_and(|i| state(i) == "rejected")
    });
    let fifo = env.inbox("mta").join(name);
    let start = Instant::now();
    while fifo.exists() && start.elapsed() < WAIT {
        std::thread::sleep(Duration::from_millis(100));
    }
    nix::unistd::mkfifo(&fifo, nix::sys::stat::Mode::from_bits_truncate(0o644)).unwrap();
    // Several full rescans pass over the FIFO.
    std::thread::sleep(Duration::from_secs(3));
    for (folder, n) in [("omsorg", 1), ("digital", 2), ("mta", 3)] {
        std::fs::write(
            env.inbox(folder).join(format!("etter-{n}.pdf")),
            text_pdf(900 + n),
        )
        .unwrap();
    }
    env.wait_items(WAIT, "letters after the FIFO queued", |items| {
        (1..=3).all(|n| {
            by_name(items, &format!("etter-{n}.pdf"))
                .first()
                .is_some_and(|i| state(i) == "queued")
        })
    });
    assert!(fifo.exists(), "the FIFO is someone else's: left alone");
    let start = Instant::now();
    let status = daemon.stop();
    assert!(status.success(), "{status:?}");
    assert!(start.elapsed() < Duration::from_secs(15));
}

#[test]
fn a_linked_avvist_is_a_folder_problem_and_nothing_is_written_through_it() {
    let env = Env::new(fast());
    let pages = env.data_dir().join("cache/pages");
    std::fs::create_dir_all(&pages).unwrap();
    std::os::unix::fs::symlink(&pages, env.inbox("digital").join("_avvist")).unwrap();
    let daemon = env.start();
    let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
    png.extend_from_slice(b"garbage garbage garbage IEND\xaeB`\x82");
    std::fs::write(env.inbox("digital").join("10-1-110.png"), &png).unwrap();
    env.wait_items(WAIT, "the corrupt PNG refused", |items| {
        by_name(items, "10-1-110.png")
            .first()
            .is_some_and(|i| state(i) == "rejected")
    });
    let text = wait_status(&env, 1, "the _avvist problem");
    assert!(text.contains("_avvist"), "{text}");
    // Let a few rescans retry the move.
    std::thread::sleep(Duration::from_secs(3));
    assert_eq!(
        std::fs::read_dir(&pages).unwrap().count(),
        0,
        "nothing in the page cache"
    );
    assert_eq!(
        std::fs::read(env.inbox("digital").join("10-1-110.png")).unwrap(),
        png,
        "the refused file stays in place"
    );
    let problems = status_json(&env)["problems"].clone();
    assert!(problems.to_string().contains("avvist:"), "{problems}");
    drop(daemon);
}

#[test]
fn renaming_a_scan_in_its_folder_keeps_the_item_and_learns_the_name() {
    let env = Env::new(fast());
    let daemon = env.start();
    let first = env.inbox("mta").join("skanning-0001.pdf");
    std::fs::write(&first, text_pdf(7)).unwrap();
    env.wait_items(WAIT, "the scan queued", |items| {
        items.len() == 1 && state(&items[0]) == "queued"
    });
    std::fs::rename(&first, env.inbox("mta").join("Søknad bistand.pdf")).unwrap();
    let items = env.wait_items(WAIT, "the item renamed", |items| {
        items.len() == 1 && items[0]["file_name"] == "Søknad bistand.pdf"
    });
    assert_eq!(state(&items[0]), "queued", "{}", items[0]);
    // Several rescans later: still one item, still waiting for the meeting.
    std::thread::sleep(Duration::from_secs(3));
    let items = env.items();
    assert_eq!(items.len(), 1, "{items:?}");
    assert_eq!(state(&items[0]), "queued");
    // Taken by the case system under its new name: registered.
    std::fs::remove_file(env.inbox("mta").join("Søknad bistand.pdf")).unwrap();
    env.wait_items(WAIT, "registered after removal", |items| {
        state(&items[0]) == "registered"
    });
    drop(daemon);
}

#[test]
fn a_file_over_max_file_mb_is_refused_without_a_copy() {
    let env = Env::new(fast());
    let mut config = std::fs::read_to_string(&env.config).unwrap();
    config.push_str("max_file_mb = 1\n");
    std::fs::write(&env.config, config).unwrap();
    let daemon = env.start();
    let big = env.inbox("omsorg").join("stor.bin");
    let f = std::fs::File::create(&big).unwrap();
    f.set_len(64 << 20).unwrap();
    drop(f);
    let items = env.wait_items(WAIT, "the big file refused", |items| {
        by_name(items, "stor.bin")
            .first()
            .is_some_and(|i| state(i) == "rejected")
    });
    assert_eq!(by_name(&items, "stor.bin")[0]["reject_code"], "too_large");
    let stored = du(&env.data_dir().join("content"));
    assert!(stored < 1 << 20, "content store holds {stored} bytes");
    // Moved after the refusal is committed.
    let moved = env.inbox("omsorg").join("_avvist/stor.bin");
    let start = Instant::now();
    while !moved.exists() && start.elapsed() < Duration::from_secs(30) {
        std::thread::sleep(Duration::from_millis(100));
    }
    assert!(moved.exists(), "{}", env.log());
    drop(daemon);
}

#[test]
fn a_vanished_folder_is_named_in_status_which_exits_non_zero() {
    let env = Env::new(fast());
    let daemon = env.start();
    wait_status(&env, 0, "healthy at start");
    let moved = env.path().join("digital-away");
    std::fs::rename(env.inbox("digital"), &moved).unwrap();
    let text = wait_status(&env, 1, "the vanished folder");
    assert!(text.contains("FEIL siden"), "{text}");
    let problems = status_json(&env)["problems"].to_string();
    assert!(
        problems.contains("folder:") && problems.contains("since"),
        "{problems}"
    );
    std::fs::rename(&moved, env.inbox("digital")).unwrap();
    wait_status(&env, 0, "the folder back");
    drop(daemon);
}

#[test]
fn names_that_are_not_utf8_are_reported_not_ignored() {
    let env = Env::new(fast());
    let daemon = env.start();
    let name = std::ffi::OsStr::from_bytes(b"brev-\xff\xfe.pdf");
    std::fs::write(env.inbox("mta").join(name), text_pdf(3)).unwrap();
    let text = wait_status(&env, 1, "the unreadable name");
    assert!(
        text.contains("ikke UTF-8") && text.contains("brev-"),
        "{text}"
    );
    drop(daemon);
}

#[test]
fn data_files_are_not_world_readable_even_under_umask_022() {
    nix::sys::stat::umask(nix::sys::stat::Mode::from_bits_truncate(0o022));
    let env = Env::new(fast());
    let daemon = env.start();
    std::fs::write(env.inbox("mta").join("a.pdf"), text_pdf(1)).unwrap();
    env.wait_items(WAIT, "queued", |items| {
        items.len() == 1 && state(&items[0]) == "queued"
    });
    let data = env.data_dir();
    let mut checked = 0;
    for path in walk(&data) {
        let mode = std::fs::symlink_metadata(&path)
            .unwrap()
            .permissions()
            .mode();
        if path == data {
            assert_eq!(mode & 0o007, 0, "{} is {mode:o}", path.display());
        }
        if path.is_file() && path.file_name().is_some_and(|n| n != "postmottak.lock") {
            assert_eq!(mode & 0o007, 0, "{} is {mode:o}", path.display());
            checked += 1;
        }
    }
    assert!(checked >= 3, "database, status file and content checked");
    drop(daemon);
}

fn walk(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut out = vec![dir.to_owned()];
    for e in std::fs::read_dir(dir).unwrap().flatten() {
        let p = e.path();
        if e.file_type().unwrap().is_dir() {
            out.extend(walk(&p));
        } else {
            out.push(p);
        }
    }
    out
}

fn du(dir: &Path) -> u64 {
    walk(dir)
        .iter()
        .filter(|p| p.is_file())
        .map(|p| std::fs::metadata(p).map(|m| m.len()).unwrap_or(0))
        .sum()
}
