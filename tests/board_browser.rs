//! The board in a real headless Chromium (Debian `chromium` +
//! `chromium-driver`, driven over WebDriver by fantoccini): sign in with
//! password and TOTP, find a letter on the board, open it, allocate it with
//! the keyboard in meeting mode, then sign in as the caseworker and find it.

mod board_common;

use std::net::SocketAddr;
use std::os::unix::process::CommandExt;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use board_common::*;
use fantoccini::actions::{InputSource, KeyAction, KeyActions};
use fantoccini::key::Key;
use fantoccini::{Client, ClientBuilder, Locator};
use postmottak::store::board::fixture::FixtureState;

const CHROMIUM: &str = "/usr/bin/chromium";
const CHROMEDRIVER: &str = "/usr/bin/chromedriver";

/// chromedriver on a free port; killed (by its pid) when dropped.
struct Driver {
    child: Child,
    port: u16,
    _profile: tempfile::TempDir,
}

impl Drop for Driver {
    fn drop(&mut self) {
        // chromedriver runs in its own process group with the Chromium it
        // started; end the whole group (by its id) so no browser outlives us.
        let pgid = nix::unistd::Pid::from_raw(self.child.id() as i32);
        let _ = nix::sys::signal::killpg(pgid, nix::sys::signal::Signal::SIGTERM);
        let _ = self.child.wait();
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

async fn start_driver() -> Option<Driver> {
    if !Path::new(CHROMIUM).exists() || !Path::new(CHROMEDRIVER).exists() {
        eprintln!("SKIPPED: {CHROMIUM} or {CHROMEDRIVER} missing (run scripts/setup)");
        return None;
    }
    let port = free_port();
    let child = Command::new(CHROMEDRIVER)
        .arg(format!("--port={port}"))
        .process_group(0)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("start chromedriver");
    let deadline = Instant::now() + Duration::from_secs(20);
    let addr = SocketAddr::from(([127, 0, 0, 1], port));
    while tokio::net::TcpStream::connect(addr).await.is_err() {
        assert!(Instant::now() < deadline, "chromedriver did not start");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    Some(Driver {
        child,
        port,
        _profile: tempfile::tempdir().unwrap(),
    })
}

async fn browser(driver: &Driver) -> Client {
    // Both ring and aws-lc-rs are in the graph; rustls wants one chosen.
    let _ = rustls::crypto::ring::default_provider().install_default();
    let profile = driver._profile.path().display().to_string();
    let caps = serde_json::json!({
        "goog:chromeOptions": {
            "binary": CHROMIUM,
            "args": [
                "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                "--no-first-run", "--disable-background-networking",
                "--disable-component-update", "--disable-sync",
                "--window-size=1400,1000",
                format!("--user-data-dir={profile}"),
            ]
        }
    });
    let serde_json::Value::Object(caps) = caps else {
        unreachable!()
    };
    ClientBuilder::rustls()
        .unwrap()
        .capabilities(caps)
        .connect(&format!("http://127.0.0.1:{}", driver.port))
        .await
        .expect("WebDriver session")
}

async fn press(client: &Client, key: char) {
    let keys = KeyActions::new("keyboard".into())
        .then(KeyAction::Down { value: key })
        .then(KeyAction::Up { value: key });
    client.perform_actions(keys).await.unwrap();
}

async fn sign_in(client: &Client, base: &str, user: &TestUser) {
    client.goto(&format!("{base}/login")).await.unwrap();
    client
        .find(Locator::Id("username"))
        .await
        .unwrap()
        .send_keys(&user.username)
        .await
        .unwrap();
    client
        .find(Locator::Id("password"))
        .await
        .unwrap()
        .send_keys(PASSWORD)
        .await
        .unwrap();
    let code = client.find(Locator::Id("code")).await.unwrap();
    code.send_keys(&totp_now(&user.secret)).await.unwrap();
    code.send_keys(&String::from(char::from(Key::Enter)))
        .await
        .unwrap();
    wait_for_url(client, |u| !u.ends_with("/login")).await;
}

async fn wait_for_url(client: &Client, ok: impl Fn(&str) -> bool) -> String {
    let deadline = Instant::now() + Duration::from_secs(15);
    loop {
        let url = client.current_url().await.unwrap().to_string();
        if ok(&url) {
            return url;
        }
        assert!(Instant::now() < deadline, "still at {url}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

async fn wait_for_text(client: &Client, ok: impl Fn(&str) -> bool) -> String {
    let deadline = Instant::now() + Duration::from_secs(15);
    loop {
        let source = client.source().await.unwrap();
        if ok(&source) {
            return source;
        }
        assert!(Instant::now() < deadline, "page never matched:\n{source}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

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

    // Meeting mode starts on the first (oldest) row; Enter opens it.
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
    client
        .find(Locator::Css("header form button"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    wait_for_url(&client, |u| u.ends_with("/login")).await;
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
