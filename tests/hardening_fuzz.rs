//! Issue 9, fuzz-style: a few thousand generated hostile names and special
//! files (FIFOs, sockets, links to files and folders, dangling links,
//! newlines, `..`, invalid UTF-8, 255-byte names) dropped into a watched
//! folder of the real daemon while real letters arrive. Every real letter
//! must be queued, the daemon must stay responsive and honour SIGTERM, and
//! nothing may be read through a link.

mod support;

use std::ffi::OsString;
use std::os::unix::ffi::OsStringExt;
use std::path::Path;
use std::time::{Duration, Instant};

use support::*;

const WAIT: Duration = Duration::from_secs(180);

const PIECES: &[&[u8]] = &[
    b"..",
    b"\n",
    b"\r\n",
    b"\t",
    b"=HYPERLINK(\"x\")",
    b"-rf",
    b" ",
    b"150679 40013",
    b"\xff\xfe",
    b"\xc3\x28",
    b"\xe2\x80\xae",
    b"brev",
    b".pdf",
    b".png",
    b"~$",
    b"$(reboot)",
    b"%s%n",
    b"\\",
    b"\x1b[31m",
    b"\xf0\x9f\x92\xa9",
];

/// A hostile file name: pieces and random bytes, never `/` or NUL, 1–255
/// bytes, never `.` or `..` alone.
fn hostile_name(rng: &mut fastrand::Rng, n: usize) -> OsString {
    let mut name = Vec::new();
    let target = rng.usize(1..=255);
    while name.len() < target {
        if rng.usize(..3) == 0 {
            let b = rng.u8(1..);
            if b != b'/' {
                name.push(b);
            }
        } else {
            name.extend_from_slice(PIECES[rng.usize(..PIECES.len())]);
        }
    }
    name.truncate(240);
    // Unique: a serial at the end keeps names apart.
    name.extend_from_slice(format!("-{n}").as_bytes());
    name.truncate(255);
    if name == b"." || name == b".." {
        name.push(b'x');
    }
    OsString::from_vec(name)
}

#[test]
fn hostile_names_and_special_files_do_not_stop_real_letters() {
    let env = Env::new(Opts {
        rescan_secs: 2,
        incomplete_grace_secs: 1,
        ..Opts::default()
    });
    let secret = env.path().join("hemmelig.txt");
    std::fs::write(&secret, b"HEMMELIG innhold som aldri skal leses").unwrap();
    let secret_sha = sha256_hex(&std::fs::read(&secret).unwrap());
    let outside = env.path().join("utenfor");
    std::fs::create_dir_all(&outside).unwrap();
    let daemon = env.start();
    let hostile = env.inbox("mta");
    // Seeded, so a failure replays.
    let mut rng = fastrand::Rng::with_seed(0x5eed_1234_abcd_0001);
    let mut sockets = Vec::new();
    let mut letters = Vec::new();
    let (mut made, mut regular) = (0, 0);
    for n in 0..2500 {
        let name = hostile_name(&mut rng, n);
        let path = hostile.join(&name);
        let made_ok =
            match rng.usize(..8) {
                0 => nix::unistd::mkfifo(&path, nix::sys::stat::Mode::from_bits_truncate(0o644))
                    .is_ok(),
                1 => match std::os::unix::net::UnixListener::bind(&path) {
                    Ok(l) => {
                        sockets.push(l);
                        true
                    }
                    Err(_) => false,
                },
                2 => std::os::unix::fs::symlink(&secret, &path).is_ok(),
                3 => std::os::unix::fs::symlink(&outside, &path).is_ok(),
                4 => std::os::unix::fs::symlink(env.path().join("finnes-ikke"), &path).is_ok(),
                5 => std::os::unix::fs::symlink("/", &path).is_ok(),
                6 => std::fs::create_dir(&path).is_ok(),
                // Regular junk files with hostile names: taken in and refused.
                // Valid UTF-8, so they can be taken in: newlines, `..`,
                // formulas, escapes, person IDs and long names stay.
                _ if regular < 150 => {
                    regular += 1;
                    let mut utf8 = name.to_string_lossy().into_owned();
                    while utf8.len() > 255 {
                        utf8.pop();
                    }
                    std::fs::write(hostile.join(utf8), format!("søppel {n}")).is_ok()
                }
                _ => nix::unistd::mkfifo(&path, nix::sys::stat::Mode::from_bits_truncate(0o644))
                    .is_ok(),
            };
        made += usize::from(made_ok);
        if n % 250 == 0 {
            // Real letters arrive meanwhile, in the hostile folder too.
            let folder = ["mta", "omsorg", "digital"][letters.len() % 3];
            let name = format!("ekte-{}.pdf", letters.len());
            std::fs::write(env.inbox(folder).join(&name), text_pdf(5000 + n as u32)).unwrap();
            letters.push(name);
        }
    }
    assert!(made > 2000, "only {made} hostile entries could be made");
    env.wait_items(WAIT, "every real letter queued", |items| {
        letters.iter().all(|l| {
            by_name(items, l)
                .first()
                .is_some_and(|i| state(i) == "queued")
        })
    });
    // The junk files are refused into `_avvist/`; a FIFO then takes each
    // refused name (the original repro, many times over). Full rescans pass
    // over them, and later letters must still be taken in.
    let refused = env.wait_items(WAIT, "the regular junk files refused", |items| {
        items.iter().filter(|i| state(i) == "rejected").count() >= regular / 2
    });
    // The moves follow the committed refusals at once.
    std::thread::sleep(Duration::from_secs(2));
    let mut fifos = 0;
    for item in refused.iter().filter(|i| state(i) == "rejected") {
        let Some(name) = item["file_name"].as_str() else {
            continue;
        };
        let path = hostile.join(name);
        if nix::unistd::mkfifo(&path, nix::sys::stat::Mode::from_bits_truncate(0o644)).is_ok() {
            fifos += 1;
        }
    }
    assert!(fifos > 10, "only {fifos} FIFOs where refused files were");
    std::thread::sleep(Duration::from_secs(5));
    for n in 0..3 {
        let folder = ["mta", "omsorg", "digital"][n];
        let name = format!("etter-fifo-{n}.pdf");
        std::fs::write(env.inbox(folder).join(&name), text_pdf(9000 + n as u32)).unwrap();
        letters.push(name);
    }
    let items = env.wait_items(WAIT, "letters after the FIFOs queued", |items| {
        letters.iter().all(|l| {
            by_name(items, l)
                .first()
                .is_some_and(|i| state(i) == "queued")
        })
    });
    // Responsive: status answers at once and names the unreadable names.
    let start = Instant::now();
    let out = env.cli(&["status"]);
    assert!(start.elapsed() < Duration::from_secs(10));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("kjører"), "{text}");
    // Nothing was read through a link: the secret never reached the store,
    // and no item is a link, FIFO, socket or folder.
    assert!(
        !contains_file_with_sha(&env.data_dir().join("content"), &secret_sha),
        "the linked secret was copied into the content store"
    );
    assert_eq!(std::fs::read(&secret).unwrap().len(), 37);
    let regular_items = items
        .iter()
        .filter(|i| {
            !letters
                .iter()
                .any(|l| i["file_name"].as_str() == Some(l.as_str()))
        })
        .count();
    assert!(
        regular_items <= regular,
        "{regular_items} items from {regular} regular hostile files"
    );
    let start = Instant::now();
    let status = daemon.stop();
    assert!(status.success(), "{status:?}");
    assert!(
        start.elapsed() < Duration::from_secs(20),
        "SIGTERM too slow"
    );
    drop(sockets);
}

fn contains_file_with_sha(dir: &Path, sha: &str) -> bool {
    std::fs::read_dir(dir)
        .map(|entries| {
            entries.flatten().any(|e| {
                let p = e.path();
                if p.is_dir() {
                    contains_file_with_sha(&p, sha)
                } else {
                    p.file_name().and_then(|n| n.to_str()) == Some(sha)
                }
            })
        })
        .unwrap_or(false)
}
