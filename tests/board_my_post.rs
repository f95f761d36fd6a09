//! *Min post* and the journal-entry card in a real headless Chromium, with
//! the real daemon on real folders: a scanned letter (real OCR) is allocated
//! in the meeting; the caseworker signs in, finds it on *Min post*, copies
//! every journal field with its button (the clipboard content is read back),
//! and when the case system takes the file out of the scan folder the item
//! is registered and leaves *Min post*.

mod board_common;
mod browser_support;
mod common;

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use board_common::*;
use browser_support::*;
use fantoccini::{Client, Locator};
use postmottak::item::ItemId;
use postmottak::store::board::{self, AllocationKind};
use postmottak::store::events::Actor;
use postmottak::store::Store;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_caseworker_copies_the_journal_fields_and_registration_clears_min_post() {
    let sample = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("samples/files/mta/100-soknad-hjemmesykepleie.pdf");
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
        let mut store = Store::open(&config.database_path()).unwrap();
        add_cast(&mut store)
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
        assert!(Instant::now() < deadline, "board did not start");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    let client = browser(&driver).await;
    let scenario = Scenario {
        base: format!("http://{board_addr}"),
        users,
        sample,
        inbox: dir.path().join("inbox/mta"),
        db: config.database_path(),
    };
    let task = tokio::spawn(scenario.run(client.clone(), driver));
    let outcome = task.await;
    let _ = client.close().await;
    drop(daemon);
    if let Err(e) = outcome {
        let log = std::fs::read_to_string(dir.path().join("daemon.log")).unwrap_or_default();
        eprintln!("daemon log:\n{log}");
        std::panic::resume_unwind(e.into_panic());
    }
}

struct Scenario {
    base: String,
    users: std::collections::HashMap<String, TestUser>,
    sample: PathBuf,
    inbox: PathBuf,
    db: PathBuf,
}

impl Scenario {
    fn queued_item(&self) -> Option<(ItemId, String)> {
        let store = Store::open(&self.db).ok()?;
        store
            .inspect()
            .one(
                "SELECT id, COALESCE(title, '') FROM items WHERE state = 'queued'",
                [],
                |r| Ok((ItemId(r.get(0)?), r.get(1)?)),
            )
            .ok()
    }

    fn state(&self, id: ItemId) -> String {
        Store::open(&self.db)
            .unwrap()
            .inspect()
            .one("SELECT state FROM items WHERE id = ?1", [id.0], |r| {
                r.get(0)
            })
            .unwrap()
    }

    async fn run(self, client: Client, driver: Driver) {
        // The scan lands in MTA's folder and is read (OCR).
        let file_name = "skann-0042.pdf";
        std::fs::copy(&self.sample, self.inbox.join(file_name)).unwrap();
        let deadline = Instant::now() + Duration::from_secs(180);
        let (id, title) = loop {
            if let Some(found) = self.queued_item() {
                break found;
            }
            assert!(
                Instant::now() < deadline,
                "the scan never reached the queue"
            );
            tokio::time::sleep(Duration::from_millis(500)).await;
        };
        // The meeting gives it to Kari (the leader, as on the board).
        let mut store = Store::open(&self.db).unwrap();
        board::allocate(
            &mut store,
            id,
            self.users["kari"].id,
            Actor::User(self.users["leder"].id),
            AllocationKind::Meeting,
            false,
        )
        .unwrap();

        sign_in(&client, &self.base, &self.users["kari"]).await;
        grant_clipboard(&client, &driver).await;
        client
            .find(Locator::LinkText("Min post"))
            .await
            .unwrap()
            .click()
            .await
            .unwrap();
        wait_for_url(&client, |u| u.ends_with("/min-post")).await;
        let page = wait_for_text(&client, |s| s.contains(&format!("data-item=\"{id}\""))).await;
        assert!(
            page.contains("arbeidsdager"),
            "days waiting against the limit"
        );
        client
            .find(Locator::Css(&format!("tr[data-item='{id}'] a")))
            .await
            .unwrap()
            .click()
            .await
            .unwrap();
        wait_for_url(&client, |u| u.ends_with(&format!("/items/{id}"))).await;
        wait_for_text(&client, |s| s.contains("Journalføring i fagsystemet")).await;

        // Every field, in the postjournal row's order: its button puts the
        // shown value on the clipboard.
        let fields = [
            "saksbehandler",
            "dato",
            "type",
            "emne",
            "dokumentdato",
            "avsender",
            "nysak",
            "mappe",
            "filnavn",
        ];
        let mut copied = std::collections::HashMap::new();
        for (n, key) in fields.iter().enumerate() {
            let shown = client
                .find(Locator::Id(&format!("jf-{key}")))
                .await
                .unwrap()
                .text()
                .await
                .unwrap();
            // Alternate mouse and keyboard (the digit keys press the button).
            if n % 2 == 0 {
                client
                    .find(Locator::Css(&format!("button.copy[data-copy='jf-{key}']")))
                    .await
                    .unwrap()
                    .click()
                    .await
                    .unwrap();
            } else {
                press(&client, char::from(b'1' + n as u8)).await;
            }
            let deadline = Instant::now() + Duration::from_secs(5);
            let got = loop {
                let got = clipboard(&client).await;
                if got == shown.trim() || Instant::now() > deadline {
                    break got;
                }
                tokio::time::sleep(Duration::from_millis(100)).await;
            };
            assert_eq!(got, shown.trim(), "clipboard after copying {key}");
            copied.insert(*key, got);
        }
        assert_eq!(copied["saksbehandler"], "Kari Saksbehandler");
        assert_eq!(copied["type"], "Inn");
        assert_eq!(copied["emne"], title);
        assert_eq!(copied["filnavn"], file_name);
        assert!(
            copied["mappe"].ends_with("inbox/mta"),
            "the scan folder: {}",
            copied["mappe"]
        );
        let date_shape =
            |s: &str| s.len() == 10 && s.as_bytes()[2] == b'.' && s.as_bytes()[5] == b'.';
        assert!(
            date_shape(&copied["dato"]),
            "dd.mm.yyyy: {}",
            copied["dato"]
        );
        assert_eq!(copied["nysak"], "Ja", "an application from a new person");

        // The case system takes the file: registered, and off Min post.
        std::fs::remove_file(self.inbox.join(file_name)).unwrap();
        let deadline = Instant::now() + Duration::from_secs(30);
        while self.state(id) != "registered" {
            assert!(Instant::now() < deadline, "never registered");
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
        client
            .goto(&format!("{}/min-post", self.base))
            .await
            .unwrap();
        let page = wait_for_text(&client, |s| s.contains("Du har ingen post som venter")).await;
        assert!(!page.contains(&format!("data-item=\"{id}\"")));
    }
}
