//! Headless Chromium for board tests (Debian `chromium` + `chromium-driver`
//! over WebDriver): start the driver, open a browser, sign in and out, wait
//! for a page; and the real daemon as a child process. The same helpers as
//! in `board_browser.rs`, shared so further browser tests need not copy them.
#![allow(dead_code)]

use std::net::SocketAddr;
use std::os::unix::process::CommandExt;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use fantoccini::actions::{InputSource, KeyAction, KeyActions};
use fantoccini::key::Key;
use fantoccini::{Client, ClientBuilder, Locator};

use crate::board_common::{totp_now, TestUser, PASSWORD};

const CHROMIUM: &str = "/usr/bin/chromium";
const CHROMEDRIVER: &str = "/usr/bin/chromedriver";

/// chromedriver on a free port; killed (by its pid) when dropped.
pub struct Driver {
    child: Child,
    pub port: u16,
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

pub use crate::common::free_port;

pub async fn start_driver() -> Option<Driver> {
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

pub async fn browser(driver: &Driver) -> Client {
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

pub async fn press(client: &Client, key: char) {
    let keys = KeyActions::new("keyboard".into())
        .then(KeyAction::Down { value: key })
        .then(KeyAction::Up { value: key });
    client.perform_actions(keys).await.unwrap();
}

pub async fn sign_in(client: &Client, base: &str, user: &TestUser) {
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

/// Presses «Logg ut» in the page header and waits for the sign-in page.
pub async fn sign_out(client: &Client) {
    client
        .find(Locator::Css("header form button"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    wait_for_url(client, |u| u.ends_with("/login")).await;
}

pub async fn wait_for_url(client: &Client, ok: impl Fn(&str) -> bool) -> String {
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

pub async fn wait_for_text(client: &Client, ok: impl Fn(&str) -> bool) -> String {
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

/// `postmottak run` as a child process; stopped with SIGTERM when dropped.
pub struct Daemon {
    pub child: Child,
}

impl Drop for Daemon {
    fn drop(&mut self) {
        let pid = nix::unistd::Pid::from_raw(self.child.id() as i32);
        let _ = nix::sys::signal::kill(pid, nix::sys::signal::Signal::SIGTERM);
        let deadline = Instant::now() + Duration::from_secs(20);
        while Instant::now() < deadline {
            if let Ok(Some(_)) = self.child.try_wait() {
                return;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
/// Grants the page clipboard access (WebDriver Permissions extension, which
/// chromedriver implements), so a test can read back what a copy button put
/// on the clipboard with `navigator.clipboard.readText()`.
pub async fn grant_clipboard(client: &Client, driver: &Driver) {
    let session = client.session_id().await.unwrap().expect("a session");
    for name in ["clipboard-read", "clipboard-write"] {
        let body =
            serde_json::json!({"descriptor": {"name": name}, "state": "granted"}).to_string();
        let request = format!(
            "POST /session/{session}/permissions HTTP/1.1\r\nHost: 127.0.0.1\r\n\
             Content-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
            body.len()
        );
        use tokio::io::{AsyncReadExt, AsyncWriteExt};
        let mut stream = tokio::net::TcpStream::connect(("127.0.0.1", driver.port))
            .await
            .unwrap();
        stream.write_all(request.as_bytes()).await.unwrap();
        // chromedriver may keep the connection open: the status line is
        // all we need.
        let mut buf = vec![0u8; 4096];
        let n = tokio::time::timeout(Duration::from_secs(10), stream.read(&mut buf))
            .await
            .expect("chromedriver answers")
            .unwrap();
        let answer = String::from_utf8_lossy(&buf[..n]).into_owned();
        assert!(
            answer.starts_with("HTTP/1.1 200"),
            "permission {name}: {answer}"
        );
    }
}

/// What the page can read from the clipboard now.
pub async fn clipboard(client: &Client) -> String {
    let value = client
        .execute_async(
            "const done = arguments[arguments.length - 1];
             navigator.clipboard.readText().then(done, e => done('ERROR: ' + e));",
            vec![],
        )
        .await
        .unwrap();
    value.as_str().unwrap_or_default().to_owned()
}
