//! The board in a real headless Chromium (Debian `chromium` +
//! `chromium-driver`, driven over WebDriver by fantoccini): sign in with
//! password and TOTP, find a letter on the board, open it, allocate it with
//! the keyboard in meeting mode, then sign in as the caseworker and find it.
//!
//! The end-to-end test runs the real daemon (`postmottak run`) and drops a
//! real letter into its watched folder; the other drives the keyboard
//! shortcuts over seeded items.

mod board_common;
mod browser_support;
mod common;

use std::net::SocketAddr;
use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use board_common::*;
use browser_support::*;
use fantoccini::key::Key;
use fantoccini::{Client, Locator};
use postmottak::store::board::fixture::FixtureState;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn meeting_allocates_with_the_keyboard_and_the_caseworker_finds_it() {
    let Some(driver) = start_driver().await else {
        return;
    };
    let board = Board::start().await;
    let client = browser(&driver).await;
    // A failing step panics inside the task; the browser is closed either way.
    let outcome = tokio::spawn(scenario(client.clone(), board)).await;
    let _ = client.close().await;
    if let Err(e) = outcome {
        std::panic::resume_unwind(e.into_panic());
    }
}

async fn scenario(client: Client, board: Board) {
    let base = format!("http://{}", board.addr);
    let kari = board.user("kari");
    let per = board.user("per");
    // History: Kari usually gets MTA's service applications.
    let mut history = letter("mta", "soknad_tjenester", "Eldre søknad", "x");
    history.state = FixtureState::Registered {
        allocated_to: Some(kari.id),
    };
    let mut first = letter(
        "mta",
        "soknad_tjenester",
        "Søknad om praktisk bistand",
        "Jeg søker om praktisk bistand i hjemmet.",
    );
    first.received_at = chrono::Utc::now() - chrono::Duration::hours(2);
    let second = letter("mta", "fullmakt", "Fullmakt til datter", "Fullmakt.");
    let ids = board.seed(&[history, first, second]);
    let (first_id, second_id) = (ids[1], ids[2]);

    // Without a session the board sends us to sign in.
    client.goto(&base).await.unwrap();
    wait_for_url(&client, |u| u.ends_with("/login")).await;

    sign_in(&client, &base, board.user("leder")).await;
    client.goto(&format!("{base}/?mote=1")).await.unwrap();
    wait_for_text(&client, |s| s.contains("Søknad om praktisk bistand")).await;

    // Meeting mode starts on the first (oldest) row; j and k move.
    let focused_item = || async {
        client
            .active_element()
            .await
            .unwrap()
            .attr("data-item")
            .await
            .unwrap()
    };
    assert_eq!(focused_item().await, Some(first_id.to_string()));
    press(&client, 'j').await;
    assert_eq!(focused_item().await, Some(second_id.to_string()));
    press(&client, 'k').await;
    assert_eq!(focused_item().await, Some(first_id.to_string()));
    // Enter opens it.
    press(&client, Key::Enter.into()).await;
    wait_for_url(&client, |u| u.ends_with(&format!("/items/{first_id}"))).await;
    wait_for_text(&client, |s| {
        s.contains("Jeg søker om praktisk bistand i hjemmet.")
    })
    .await;

    // Back to the meeting: `a` gives it to the suggested caseworker.
    client.goto(&format!("{base}/?mote=1")).await.unwrap();
    wait_for_text(&client, |s| s.contains("får oftest denne typen")).await;
    press(&client, 'a').await;
    wait_for_text(&client, |s| !s.contains("Søknad om praktisk bistand")).await;
    assert_eq!(board.state_of(first_id), "allocated");
    assert_eq!(board.allocated_to(first_id), Some(kari.id));

    // `/` chooses a caseworker for the next row; typing picks Per, Enter allocates.
    wait_for_text(&client, |s| s.contains("Fullmakt til datter")).await;
    press(&client, '/').await;
    let focused = client.active_element().await.unwrap();
    assert_eq!(focused.attr("name").await.unwrap().as_deref(), Some("to"));
    press(&client, 'P').await;
    press(&client, Key::Enter.into()).await;
    wait_for_text(&client, |s| !s.contains("Fullmakt til datter")).await;
    assert_eq!(board.allocated_to(second_id), Some(per.id));

    // Sign out, sign in as Kari: the letter is hers.
    sign_out(&client).await;
    sign_in(&client, &base, kari).await;
    let page = wait_for_text(&client, |s| s.contains("Tildelt deg (1)")).await;
    assert!(page.contains("Søknad om praktisk bistand"));
    assert!(
        !page.contains("Fullmakt til datter"),
        "Per's letter is not on Kari's list"
    );
    client
        .find(Locator::LinkText("Søknad om praktisk bistand"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    wait_for_text(&client, |s| {
        s.contains("Jeg søker om praktisk bistand i hjemmet.")
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_caseworker_chooser_shows_a_long_name_whole_in_the_queue_and_the_meeting() {
    let Some(driver) = start_driver().await else {
        return;
    };
    let board = Board::start().await;
    postmottak::store::users::create(
        &board.store(),
        &postmottak::store::users::NewUser {
            username: "karinj",
            display_name: LONG_NAME,
            email: None,
            role: postmottak::item::Role::Caseworker,
            units: &[unit("mta")],
            password_hash: "x",
            totp_secret: "x",
        },
        postmottak::store::events::Actor::System,
    )
    .unwrap();
    board.seed(&[letter("mta", "fullmakt", "Fullmakt til datter", "x")]);
    let client = browser(&driver).await;
    let outcome = tokio::spawn(chooser_widths(client.clone(), board)).await;
    let _ = client.close().await;
    if let Err(e) = outcome {
        std::panic::resume_unwind(e.into_panic());
    }
}

const LONG_NAME: &str = "Kari Nordmann-Johansen";

async fn chooser_widths(client: Client, board: Board) {
    let base = format!("http://{}", board.addr);
    sign_in(&client, &base, board.user("leder")).await;
    for view in ["/", "/?mote=1"] {
        client.goto(&format!("{base}{view}")).await.unwrap();
        wait_for_text(&client, |s| s.contains("Fullmakt til datter")).await;
        // The option's text in the select's own font against the room the
        // select gives it (its inner width less the drop-down arrow), and
        // the form inside its cell, the page not wider than the window.
        let measured = client
            .execute(
                "const sel = document.querySelector('form.allocate select');
                 const cs = getComputedStyle(sel);
                 const ctx = document.createElement('canvas').getContext('2d');
                 ctx.font = cs.font;
                 const text = ctx.measureText(arguments[0]).width;
                 const room = sel.clientWidth - parseFloat(cs.paddingLeft)
                   - parseFloat(cs.paddingRight) - 24;
                 const cell = sel.closest('td').getBoundingClientRect();
                 const inside = [...sel.form.children].every(e =>
                   e.getBoundingClientRect().right <= cell.right + 0.5);
                 const page = document.documentElement.scrollWidth <= window.innerWidth;
                 return [text, room, inside, page];",
                vec![serde_json::json!(LONG_NAME)],
            )
            .await
            .unwrap();
        let text = measured[0].as_f64().unwrap();
        let room = measured[1].as_f64().unwrap();
        assert!(
            text <= room,
            "{view}: «{LONG_NAME}» needs {text:.0} px, the chooser shows {room:.0} px"
        );
        assert_eq!(measured[2], true, "{view}: the form overflows its cell");
        assert_eq!(measured[3], true, "{view}: the page scrolls sideways");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_letter_dropped_in_a_watched_folder_is_allocated_at_the_meeting() {
    let sample = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("samples/files/digital/010-klage-omsorgsstonad.pdf");
    let Some(driver) = start_driver().await else {
        return;
    };
    let port = free_port();
    let (dir, config_path) = write_config(&format!(
        "listen = \"127.0.0.1:{port}\"\n\n[watch]\nsettle_ms = 300\n\n[extract]\nocr_workers = 1\n"
    ));
    let config = postmottak::config::Config::load(&config_path).unwrap();
    std::fs::create_dir_all(config.data_dir()).unwrap();
    let users = {
        let mut store = postmottak::store::Store::open(&config.database_path()).unwrap();
        let users = add_cast(&mut store);
        // History: Kari has been getting MTA's complaints.
        let mut earlier = letter("mta", "klage", "Eldre klage", "x");
        earlier.state = FixtureState::Registered {
            allocated_to: Some(users["kari"].id),
        };
        postmottak::store::board::fixture::insert(&store, &[earlier]).unwrap();
        users
    };
    let log = std::fs::File::create(dir.path().join("daemon.log")).unwrap();
    let daemon = Daemon {
        child: Command::new(env!("CARGO_BIN_EXE_postmottak"))
            .args(["run", "--config"])
            .arg(&config_path)
            .env("OMP_THREAD_LIMIT", "1")
            .stdout(log.try_clone().unwrap())
            .stderr(log)
            .spawn()
            .unwrap(),
    };
    let board_addr = SocketAddr::from(([127, 0, 0, 1], port));
    let deadline = Instant::now() + Duration::from_secs(60);
    while tokio::net::TcpStream::connect(board_addr).await.is_err() {
        let log = std::fs::read_to_string(dir.path().join("daemon.log")).unwrap_or_default();
        assert!(Instant::now() < deadline, "board did not start:\n{log}");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }

    let client = browser(&driver).await;
    let base = format!("http://{board_addr}");
    let inbox = dir.path().join("inbox/digital");
    let task = tokio::spawn(end_to_end(
        client.clone(),
        base,
        users,
        sample,
        inbox,
        config.database_path(),
    ));
    let outcome = task.await;
    let _ = client.close().await;
    drop(daemon);
    if let Err(e) = outcome {
        let log = std::fs::read_to_string(dir.path().join("daemon.log")).unwrap_or_default();
        eprintln!("daemon log:\n{log}");
        std::panic::resume_unwind(e.into_panic());
    }
}

async fn end_to_end(
    client: Client,
    base: String,
    users: std::collections::HashMap<String, TestUser>,
    sample: std::path::PathBuf,
    inbox: std::path::PathBuf,
    db: std::path::PathBuf,
) {
    sign_in(&client, &base, &users["leder"]).await;
    client.goto(&format!("{base}/?mote=1")).await.unwrap();
    wait_for_text(&client, |s| s.contains("Ingen saker venter.")).await;

    // The post office drops a digital letter into the share.
    std::fs::copy(&sample, inbox.join("klage-omsorgsstonad.pdf")).unwrap();
    let deadline = Instant::now() + Duration::from_secs(90);
    loop {
        client.refresh().await.unwrap();
        let source = client.source().await.unwrap();
        if source.contains("Klage på vedtak om omsorgsstønad") {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "the letter never reached the board:\n{source}"
        );
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
    let row = client.find(Locator::Css("tr[data-item]")).await.unwrap();
    let id: i64 = row
        .attr("data-item")
        .await
        .unwrap()
        .unwrap()
        .parse()
        .unwrap();
    let source = client.source().await.unwrap();
    assert!(source.contains("Kari Saksbehandler"), "Kari is suggested");
    assert!(
        source.contains("Lederkontroll"),
        "a complaint needs leader review"
    );

    // Open it (Enter): the text and a rendered page image.
    press(&client, Key::Enter.into()).await;
    wait_for_url(&client, |u| u.ends_with(&format!("/items/{id}"))).await;
    wait_for_text(&client, |s| {
        s.contains("Eg klagar på vedtaket om omsorgsstønad")
    })
    .await;
    let width = client
        .execute(
            "const img = document.querySelector('figure.page img');
             return new Promise(done => {
               if (img.complete) { done(img.naturalWidth); }
               else { img.onload = () => done(img.naturalWidth); img.onerror = () => done(0); }
             });",
            vec![],
        )
        .await
        .unwrap();
    assert!(
        width.as_u64().unwrap_or(0) > 500,
        "page image rendered: {width}"
    );

    // Allocate it from the meeting with the keyboard.
    client.goto(&format!("{base}/?mote=1")).await.unwrap();
    wait_for_text(&client, |s| s.contains("Klage på vedtak om omsorgsstønad")).await;
    press(&client, 'a').await;
    wait_for_text(&client, |s| !s.contains("Klage på vedtak om omsorgsstønad")).await;
    let store = postmottak::store::Store::open(&db).unwrap();
    let (_, allocated) =
        postmottak::store::board::item_access(&store, postmottak::item::ItemId(id))
            .unwrap()
            .unwrap();
    assert_eq!(allocated, Some(users["kari"].id));

    // Kari signs in and finds it.
    sign_out(&client).await;
    sign_in(&client, &base, &users["kari"]).await;
    let page = wait_for_text(&client, |s| s.contains("Tildelt deg (1)")).await;
    assert!(page.contains("Klage på vedtak om omsorgsstønad"));
}
