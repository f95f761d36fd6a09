//! The board as a new user meets it (issue 15), in a real headless Chromium
//! against the real daemon reading real letters dropped into its folder:
//! nothing is allocated by one careless click, dates read the Norwegian way,
//! a letter without a subject line gets a title that says something (marked
//! as derived), the history reads as sentences, and a private person's
//! letter names its sender — for the leader and for the caseworker.
//!
//! Set `POSTMOTTAK_SCREENSHOTS=/some/dir` to keep PNGs of the pages.

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

const GP_LETTER: &str = "188-lege-vurderes-snarest.pdf";
const PRIVATE_LETTER: &str = "010-klage-omsorgsstonad.pdf";
const DERIVED_TITLE: &str = "Vurdering av korttidsopphold – fastlege";
const SUBJECT_TITLE: &str = "Klage på vedtak om omsorgsstønad";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_new_user_reads_the_board_without_stumbling() {
    let Some(driver) = start_driver().await else {
        return;
    };
    let port = free_port();
    let (dir, config_path) = write_config(&format!(
        "listen = \"127.0.0.1:{port}\"\n\n[watch]\nsettle_ms = 300\n\n[extract]\nocr_workers = 1\n"
    ));
    let config = postmottak::config::Config::load(&config_path).unwrap();
    std::fs::create_dir_all(config.data_dir()).unwrap();
    // No history: nobody is suggested, so every chooser starts empty.
    let users = add_cast(&mut postmottak::store::Store::open(&config.database_path()).unwrap());
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
    let outcome = tokio::spawn(scenario(
        client.clone(),
        format!("http://{board_addr}"),
        users,
        dir.path().join("inbox/digital"),
        config.database_path(),
    ))
    .await;
    let _ = client.close().await;
    drop(daemon);
    if let Err(e) = outcome {
        let log = std::fs::read_to_string(dir.path().join("daemon.log")).unwrap_or_default();
        eprintln!("daemon log:\n{log}");
        std::panic::resume_unwind(e.into_panic());
    }
}

async fn text_of(client: &Client) -> String {
    client
        .execute("return document.body.innerText;", vec![])
        .await
        .unwrap()
        .as_str()
        .unwrap_or_default()
        .to_owned()
}

/// The values the allocation choosers start on.
async fn chooser_values(client: &Client) -> Vec<String> {
    let v = client
        .execute(
            "return Array.from(document.querySelectorAll('form.allocate select')).map(s => s.value);",
            vec![],
        )
        .await
        .unwrap();
    serde_json::from_value(v).unwrap()
}

async fn screenshot(client: &Client, name: &str) {
    if let Some(dir) = std::env::var_os("POSTMOTTAK_SCREENSHOTS") {
        let png = client.screenshot().await.unwrap();
        std::fs::write(Path::new(&dir).join(format!("{name}.png")), png).unwrap();
    }
}

/// The value of a fact on the item page ("Avsender" → "Kari Vik").
async fn fact(client: &Client, label: &str) -> String {
    let v = client
        .execute(
            "const dt = Array.from(document.querySelectorAll('dt'))
                 .find(d => d.textContent.trim() === arguments[0]);
             return dt ? dt.nextElementSibling.textContent.trim() : null;",
            vec![serde_json::json!(label)],
        )
        .await
        .unwrap();
    v.as_str().unwrap_or("(no such fact)").to_owned()
}

fn has_iso_date(text: &str) -> Option<String> {
    let re = regex::Regex::new(r"\b\d{4}-\d{2}-\d{2}\b").unwrap();
    re.find(text).map(|m| m.as_str().to_owned())
}

fn allocated_to(db: &Path, id: i64) -> Option<i64> {
    let store = postmottak::store::Store::open(db).unwrap();
    postmottak::store::board::item_access(&store, ItemId(id))
        .unwrap()
        .unwrap()
        .1
}

async fn open_item(client: &Client, base: &str, title: &str) -> i64 {
    client
        .find(Locator::LinkText(title))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    let url = wait_for_url(client, |u| u.contains("/items/")).await;
    wait_for_text(client, |s| s.contains("Historikk")).await;
    let id = url.rsplit('/').next().unwrap().parse().unwrap();
    assert!(url.starts_with(base));
    id
}

async fn scenario(
    client: Client,
    base: String,
    users: std::collections::HashMap<String, TestUser>,
    inbox: PathBuf,
    db: PathBuf,
) {
    sign_in(&client, &base, &users["leder"]).await;
    let samples = Path::new(env!("CARGO_MANIFEST_DIR")).join("samples/files/digital");
    for name in [GP_LETTER, PRIVATE_LETTER] {
        std::fs::copy(samples.join(name), inbox.join(name)).unwrap();
    }
    let deadline = Instant::now() + Duration::from_secs(90);
    loop {
        client.goto(&base).await.unwrap();
        let text = text_of(&client).await;
        if text.contains(DERIVED_TITLE) && text.contains(SUBJECT_TITLE) {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "the letters never reached the board:\n{text}"
        );
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
    screenshot(&client, "queue-leader").await;

    // 5. The GP letter without a subject line says what it asks for, and
    // says that the title is derived; the letter with a subject does not.
    let queue = text_of(&client).await;
    let gp_row = queue.lines().find(|l| l.contains(DERIVED_TITLE)).unwrap();
    assert!(gp_row.contains("(utledet)"), "{gp_row}");
    let klage_row = queue.lines().find(|l| l.contains(SUBJECT_TITLE)).unwrap();
    assert!(!klage_row.contains("(utledet)"), "{klage_row}");

    // 1. No suggestion: every chooser starts on "Velg saksbehandler", and
    // pressing «Fordel» without choosing gives the letter to nobody.
    assert_eq!(chooser_values(&client).await, vec!["", ""]);
    assert!(queue.contains("Velg saksbehandler"), "{queue}");
    client
        .find(Locator::Css("form.allocate button"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    tokio::time::sleep(Duration::from_millis(800)).await;
    assert_eq!(
        client.current_url().await.unwrap().path(),
        "/",
        "the form was not sent"
    );

    // 2 + 7. The GP letter's page: Norwegian dates only, history in sentences.
    let gp = open_item(&client, &base, DERIVED_TITLE).await;
    assert_eq!(allocated_to(&db, gp), None, "one click allocated nothing");
    let page = text_of(&client).await;
    screenshot(&client, "item-derived-title").await;
    assert_eq!(fact(&client, "Dokumentdato").await, "05.11.2026");
    assert_eq!(has_iso_date(&page), None, "{page}");
    assert!(page.contains("(utledet)"), "{page}");
    assert_eq!(chooser_values(&client).await, vec![""]);
    let history = page.split("Historikk").nth(1).unwrap();
    for sentence in [
        "Kom inn som digital post",
        "Lest: 1 side fra tekstlaget.",
        "Klassifisert som «Helseopplysninger».",
        "Lagt i køen til morgenmøtet.",
    ] {
        assert!(history.contains(sentence), "{sentence:?} in {history}");
    }
    assert!(
        !history.contains('{') && !history.contains(GP_LETTER),
        "{history}"
    );

    // 9. A private person's letter names its sender; the leader allocates
    // it to Per by choosing him.
    client.goto(&base).await.unwrap();
    let klage = open_item(&client, &base, SUBJECT_TITLE).await;
    assert_eq!(fact(&client, "Avsender").await, "Kari Vik");
    client
        .find(Locator::Css("form.allocate select"))
        .await
        .unwrap()
        .select_by_value(&users["per"].id.to_string())
        .await
        .unwrap();
    client
        .find(Locator::Css("form.allocate button"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    wait_for_text(&client, |s| s.contains("Fordelt til Per Saksbehandler")).await;
    assert_eq!(allocated_to(&db, klage), Some(users["per"].id));
    let history = text_of(&client).await;
    assert!(
        history.contains("Fordelt til Per Saksbehandler i morgenmøtet."),
        "{history}"
    );
    client
        .execute(
            "document.getElementById('hist-h').scrollIntoView();",
            vec![],
        )
        .await
        .unwrap();
    screenshot(&client, "item-history").await;

    // The caseworker who has the letter sees its sender too.
    sign_out(&client).await;
    sign_in(&client, &base, &users["per"]).await;
    wait_for_text(&client, |s| s.contains("Tildelt deg (1)")).await;
    screenshot(&client, "queue-caseworker").await;
    open_item(&client, &base, SUBJECT_TITLE).await;
    assert_eq!(fact(&client, "Avsender").await, "Kari Vik");
    let page = text_of(&client).await;
    assert_eq!(has_iso_date(&page), None, "{page}");
    screenshot(&client, "item-caseworker").await;
}

/// Without a browser's help (no script, an old client, a crafted form) an
/// empty choice is refused with a sentence, and the letter stays queued.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_allocation_without_a_chosen_caseworker_is_refused_in_words() {
    let board = Board::start().await;
    let mut given = letter("mta", "klage", "Klage", "Jeg klager.");
    given.state = postmottak::store::board::fixture::FixtureState::Allocated {
        to: board.user("kari").id,
    };
    let ids = board.seed(&[
        letter(
            "mta",
            "helseopplysninger",
            "Epikrise",
            "Pasienten er utskrevet.",
        ),
        given,
    ]);
    let mut leader = board.signed_in("leder").await;
    let queue = leader.get("/").await;
    assert!(
        queue
            .body
            .contains(r#"<option value="" selected disabled>Velg saksbehandler</option>"#),
        "{}",
        queue.body
    );
    let csrf = queue.csrf();
    let refused = leader
        .post(
            &format!("/items/{}/allocate", ids[0]),
            &[("csrf", &csrf), ("to", ""), ("back", "/")],
        )
        .await;
    assert_eq!(refused.status, 400, "{}", refused.body);
    assert!(
        refused.body.contains("Velg en saksbehandler"),
        "{}",
        refused.body
    );
    assert_eq!(board.state_of(ids[0]), "queued");

    // Reallocation starts empty too: one click neither moves the letter to
    // someone else nor sends it back to the meeting.
    let page = leader.get(&format!("/items/{}", ids[1])).await;
    assert!(
        page.body.contains(
            r#"<select id="realloc" name="to" required><option value="" selected disabled>Velg saksbehandler</option>"#
        ),
        "{}",
        page.body
    );
    let csrf = page.csrf();
    let refused = leader
        .post(
            &format!("/items/{}/reallocate", ids[1]),
            &[("csrf", &csrf), ("to", "")],
        )
        .await;
    assert_eq!(refused.status, 400, "{}", refused.body);
    assert!(refused.body.contains("Velg hvem saken skal til"));
    assert_eq!(board.allocated_to(ids[1]), Some(board.user("kari").id));
}
