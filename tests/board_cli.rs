//! `postmottak user …` and `postmottak allocate` as the administrator runs
//! them: the real binary against a real store, and the enrolment it prints
//! used to sign in to the real board.

mod board_common;
mod common;

use std::path::Path;
use std::process::{Command, Output};
use std::sync::Arc;

use board_common::*;
use postmottak::config::Config;
use postmottak::item::ItemId;
use postmottak::store::board::fixture;
use postmottak::store::Store;

fn postmottak(config: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_postmottak"))
        .args(args)
        .arg("--config")
        .arg(config)
        .env("OMP_THREAD_LIMIT", "1")
        .output()
        .unwrap()
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).to_string()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).to_string()
}

#[tokio::test]
async fn enrolment_from_user_add_signs_in_and_allocate_follows_the_rules() {
    let (_dir, config_path) = write_config("");
    let add = postmottak(
        &config_path,
        &[
            "user",
            "add",
            "kari",
            "--name",
            "Kari Nordmann",
            "--role",
            "caseworker",
            "--unit",
            "mta",
        ],
    );
    assert!(add.status.success(), "{}", stderr(&add));
    let out = stdout(&add);
    let password = out
        .lines()
        .find_map(|l| l.strip_prefix("Passord: "))
        .expect("password printed")
        .to_owned();
    let uri = out
        .lines()
        .find(|l| l.starts_with("otpauth://totp/Postmottak:kari?"))
        .expect("otpauth URI printed");
    let secret = uri
        .split(['?', '&'])
        .find_map(|kv| kv.strip_prefix("secret="))
        .expect("secret in URI")
        .to_owned();
    assert!(out.contains('█') || out.contains('▀'), "QR code drawn");

    // Refusals name the problem.
    let bad_unit = postmottak(
        &config_path,
        &[
            "user",
            "add",
            "x",
            "--name",
            "X",
            "--role",
            "caseworker",
            "--unit",
            "nowhere",
        ],
    );
    assert!(!bad_unit.status.success());
    assert!(
        stderr(&bad_unit).contains("enheten «nowhere» finnes ikke"),
        "{}",
        stderr(&bad_unit)
    );
    let twice = postmottak(
        &config_path,
        &[
            "user",
            "add",
            "kari",
            "--name",
            "K",
            "--role",
            "caseworker",
            "--unit",
            "mta",
        ],
    );
    assert!(stderr(&twice).contains("finnes allerede"));
    let olga = postmottak(
        &config_path,
        &[
            "user",
            "add",
            "olga",
            "--name",
            "Olga",
            "--role",
            "caseworker",
            "--unit",
            "omsorg",
        ],
    );
    assert!(olga.status.success());

    // The printed enrolment works on the real board.
    let config = Arc::new(Config::load(&config_path).unwrap());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let shutdown = tokio_util::sync::CancellationToken::new();
    tokio::spawn(postmottak::web::serve_on(
        listener,
        config.clone(),
        None,
        shutdown.clone(),
    ));
    let mut client = Client::new(addr);
    let resp = client.login("kari", &password, &totp_now(&secret)).await;
    assert_eq!(resp.status, 303, "{}", resp.body);
    assert_eq!(client.get("/").await.status, 200);

    // allocate: to the unit's caseworker yes, across units no.
    let id = fixture::insert(
        &Store::open(&config.database_path()).unwrap(),
        &[letter("mta", "klage", "Klage", "x")],
    )
    .unwrap()[0];
    let wrong = postmottak(&config_path, &["allocate", &id.to_string(), "--to", "olga"]);
    assert!(!wrong.status.success());
    assert!(
        stderr(&wrong).contains("kan ikke få saker i enheten mta"),
        "{}",
        stderr(&wrong)
    );
    let ok = postmottak(&config_path, &["allocate", &id.to_string(), "--to", "kari"]);
    assert!(ok.status.success(), "{}", stderr(&ok));
    assert!(stdout(&ok).contains("fordelt til Kari Nordmann"));
    let again = postmottak(&config_path, &["allocate", &id.to_string(), "--to", "kari"]);
    assert!(
        stderr(&again).contains("venter ikke på fordeling"),
        "{}",
        stderr(&again)
    );
    assert!(client.get("/").await.body.contains("Tildelt deg (1)"));
    let listed = stdout(&postmottak(
        &config_path,
        &["queue", "list", "--json", "--all"],
    ));
    let row: serde_json::Value = serde_json::from_str(listed.lines().next().unwrap()).unwrap();
    assert_eq!(
        row["allocated_to"], "kari",
        "queue list shows the allocation: {row}"
    );

    // Disabling ends the session at once.
    let disable = postmottak(&config_path, &["user", "disable", "kari"]);
    assert!(disable.status.success());
    assert_eq!(client.get("/").await.status, 303);

    // Role change shows in the list.
    let role = postmottak(
        &config_path,
        &["user", "role", "olga", "leader", "--unit", "omsorg"],
    );
    assert!(role.status.success(), "{}", stderr(&role));
    let list = stdout(&postmottak(&config_path, &["user", "list"]));
    assert!(list.contains("olga\tOlga\tleader\tomsorg\taktiv"), "{list}");
    assert!(
        list.contains("kari\tKari Nordmann\tcaseworker\tmta\tdeaktivert"),
        "{list}"
    );
    shutdown.cancel();
}

#[tokio::test]
async fn reset_gives_a_new_password_and_code_and_lifts_a_lockout() {
    let board = Board::start().await;
    let config_path = board.config.source.clone().unwrap();
    let mut client = board.client();
    for _ in 0..5 {
        client.login("per", "feil", "000000").await;
    }
    let locked = client
        .login("per", PASSWORD, &totp_now(&board.user("per").secret))
        .await;
    assert!(locked.body.contains("for mange mislykkede forsøk"));
    let unlock = postmottak(&config_path, &["user", "unlock", "per"]);
    assert!(unlock.status.success(), "{}", stderr(&unlock));
    let mut fresh = board.client();
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs();
    // The next time step's code (the current one was just used above).
    let next = postmottak::web::credentials::code_at(&board.user("per").secret, now + 30).unwrap();
    let ok = fresh.login("per", PASSWORD, &next).await;
    assert_eq!(ok.status, 303, "unlocked: {}", ok.body);
    for _ in 0..5 {
        client.login("per", "feil", "000000").await;
    }
    let reset = postmottak(&config_path, &["user", "reset", "per"]);
    assert!(reset.status.success(), "{}", stderr(&reset));
    let out = stdout(&reset);
    let password = out
        .lines()
        .find_map(|l| l.strip_prefix("Passord: "))
        .unwrap()
        .to_owned();
    let secret = out
        .split(['?', '&', '\n'])
        .find_map(|kv| kv.strip_prefix("secret="))
        .unwrap()
        .to_owned();
    let old = client
        .login("per", PASSWORD, &totp_now(&board.user("per").secret))
        .await;
    assert_eq!(old.status, 200, "old credentials no longer work");
    let new = client.login("per", &password, &totp_now(&secret)).await;
    assert_eq!(new.status, 303, "{}", new.body);
}

/// `postmottak allocate` gives items to exactly the people the board does:
/// whoever the meeting's chooser leaves out (a clerk, a caseworker of
/// another unit, the records officer, the admin, a disabled leader) is
/// refused by the CLI too, and whoever the board accepts the CLI accepts.
#[tokio::test]
async fn allocate_refuses_whom_the_board_refuses() {
    let board = Board::start().await;
    let config_path = board.config.source.clone().unwrap();
    let add = postmottak(
        &config_path,
        &[
            "user", "add", "gunn", "--name", "Gunn", "--role", "leader", "--unit", "mta",
        ],
    );
    assert!(add.status.success(), "{}", stderr(&add));
    let disable = postmottak(&config_path, &["user", "disable", "gunn"]);
    assert!(disable.status.success(), "{}", stderr(&disable));
    let gunn = postmottak::store::users::require(&board.store(), "gunn")
        .unwrap()
        .id;
    let mut people: Vec<(&str, i64)> = CAST
        .iter()
        .map(|(name, ..)| (*name, board.user(name).id))
        .collect();
    people.push(("gunn", gunn));

    let items: Vec<Vec<ItemId>> = people
        .iter()
        .map(|(name, _)| {
            board.seed(&[
                letter("mta", "klage", &format!("Klage til {name} på tavla"), "x"),
                letter("mta", "klage", &format!("Klage til {name} fra CLI"), "x"),
            ])
        })
        .collect();

    let mut leader = board.signed_in("leder").await;
    let queue = leader.get("/").await;
    let csrf = queue.csrf();
    let mut given = Vec::new();
    for ((name, id), items) in people.iter().zip(&items) {
        let on_board = leader
            .post(
                &format!("/items/{}/allocate", items[0]),
                &[("csrf", &csrf), ("to", &id.to_string())],
            )
            .await;
        assert!(
            on_board.status == 303 || on_board.status == 400,
            "{name}: {} {}",
            on_board.status,
            on_board.body
        );
        let by_cli = postmottak(
            &config_path,
            &["allocate", &items[1].to_string(), "--to", name],
        );
        assert_eq!(
            on_board.status == 303,
            by_cli.status.success(),
            "{name}: board {} vs CLI {}",
            on_board.status,
            stderr(&by_cli)
        );
        if by_cli.status.success() {
            assert_eq!(board.allocated_to(items[1]), Some(*id));
            given.push(*name);
        } else {
            assert!(
                stderr(&by_cli).contains("kan ikke få saker i enheten mta"),
                "{name}: {}",
                stderr(&by_cli)
            );
            assert_eq!(board.state_of(items[1]), "queued");
        }
        // The chooser offers exactly the people both accept.
        let offered = queue.body.contains(&format!("<option value=\"{id}\""));
        assert_eq!(offered, by_cli.status.success(), "{name} in the chooser");
    }
    assert_eq!(given, ["kari", "per", "leder"]);
}

/// A role that works in units needs one, whether the user is added with it
/// or changed to it: `user role` without `--unit` keeps the user's units,
/// so a user without any cannot become a clerk, caseworker or leader.
#[test]
fn a_unit_role_needs_a_unit_when_added_and_when_changed_to() {
    let (_dir, config_path) = write_config("");
    let add = |name: &str, role: &str, unit: Option<&str>| {
        let mut args = vec!["user", "add", name, "--name", name, "--role", role];
        args.extend(unit.iter().flat_map(|u| ["--unit", *u]));
        postmottak(&config_path, &args)
    };
    let no_unit = add("mona", "clerk", None);
    assert!(!no_unit.status.success());
    assert!(
        stderr(&no_unit).contains("en merkantil må ha minst én enhet (--unit)"),
        "{}",
        stderr(&no_unit)
    );
    assert!(add("arne", "records_officer", None).status.success());
    assert!(add("lise", "leader", Some("mta")).status.success());

    let to_clerk = postmottak(&config_path, &["user", "role", "arne", "clerk"]);
    assert!(!to_clerk.status.success());
    assert!(
        stderr(&to_clerk).contains("en merkantil må ha minst én enhet (--unit)"),
        "{}",
        stderr(&to_clerk)
    );
    let with_unit = postmottak(
        &config_path,
        &["user", "role", "arne", "clerk", "--unit", "omsorg"],
    );
    assert!(with_unit.status.success(), "{}", stderr(&with_unit));
    // A leader who already has units keeps them when changed without --unit.
    let keeps = postmottak(&config_path, &["user", "role", "lise", "caseworker"]);
    assert!(keeps.status.success(), "{}", stderr(&keeps));
    let list = stdout(&postmottak(&config_path, &["user", "list"]));
    assert!(list.contains("arne\tarne\tclerk\tomsorg\taktiv"), "{list}");
    assert!(
        list.contains("lise\tlise\tcaseworker\tmta\taktiv"),
        "{list}"
    );
}

/// `postmottak allocate --by USER` lets exactly those allocate whom the
/// board lets: the unit's clerk and leader share out, a caseworker only
/// takes for themselves, other units, the records officer and the admin
/// are refused. The allocation is recorded as theirs.
#[tokio::test]
async fn allocate_by_a_person_follows_the_board_s_rules() {
    let board = Board::start().await;
    let config_path = board.config.source.clone().unwrap();
    let kari = board.user("kari").id;
    let mut allowed = Vec::new();
    for (name, ..) in CAST {
        let items = board.seed(&[
            letter(
                "mta",
                "klage",
                &format!("Klage fordelt av {name} på tavla"),
                "x",
            ),
            letter(
                "mta",
                "klage",
                &format!("Klage fordelt av {name} fra CLI"),
                "x",
            ),
        ]);
        let mut client = board.signed_in(name).await;
        // The sign-out form in the menu of the role's landing page.
        let mut page = client.get("/").await;
        if page.status == 303 {
            let home = page.header("location").unwrap().to_owned();
            page = client.get(&home).await;
        }
        let csrf = page.csrf();
        let on_board = client
            .post(
                &format!("/items/{}/allocate", items[0]),
                &[("csrf", &csrf), ("to", &kari.to_string())],
            )
            .await;
        let by_cli = postmottak(
            &config_path,
            &[
                "allocate",
                &items[1].to_string(),
                "--to",
                "kari",
                "--by",
                name,
            ],
        );
        assert_eq!(
            on_board.status == 303,
            by_cli.status.success(),
            "{name}: board {} vs CLI {}",
            on_board.status,
            stderr(&by_cli)
        );
        if by_cli.status.success() {
            allowed.push(*name);
            assert_eq!(board.allocated_to(items[1]), Some(kari));
            let me = board.user(name).id;
            assert!(
                board
                    .events(Some(items[1]), me)
                    .contains(&"transition".to_owned()),
                "{name}: {:?}",
                board.events(Some(items[1]), me)
            );
        } else {
            assert!(
                stderr(&by_cli).contains(&format!("{name} (")),
                "{name}: {}",
                stderr(&by_cli)
            );
            assert_eq!(board.state_of(items[1]), "queued");
        }
    }
    assert_eq!(allowed, ["merkantil", "kari", "leder"]);
}
