//! The records officer's board pages against the real board on loopback:
//! sign in with password + TOTP, see the shelves, confirm a ready shelf
//! (and be refused for a blocked one), open a report as HTML and CSV; other
//! roles are turned away.

mod common;
#[path = "support_mail/seed.rs"]
mod seed;

use std::sync::Arc;

use common::http::{Client, PASSWORD};
use postmottak::item::Role;
use postmottak::store::events::Actor;
use postmottak::store::users::{self, NewUser};
use postmottak::web::credentials;
use seed::*;
use tokio_util::sync::CancellationToken;

fn add_user(
    store: &mut postmottak::store::Store,
    username: &str,
    name: &str,
    role: Role,
) -> String {
    let secret = credentials::generate_totp_secret();
    let hash = credentials::hash_password(PASSWORD).unwrap();
    users::create(
        store,
        &NewUser {
            username,
            display_name: name,
            email: None,
            role,
            units: &[postmottak::item::UnitId::new("mta").unwrap()],
            password_hash: &hash,
            totp_secret: &secret,
        },
        Actor::System,
    )
    .unwrap();
    secret
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_records_officer_sees_confirms_shelves_and_opens_reports() {
    let dir = tempfile::tempdir().unwrap();
    let config = config(dir.path(), "");
    let mut store = open(&config);
    let officer = add_user(&mut store, "arkiv", "Anne Arkiv", Role::RecordsOfficer);
    let worker = add_user(&mut store, "kari", "Kari Saksbehandler", Role::Caseworker);
    // July 2026 is ready (from 2 October 2026); August is blocked by one item.
    item(&store, &Seed::scan(oslo(2026, 7, 1, 9, 0), "registered"));
    item(&store, &Seed::scan(oslo(2026, 7, 2, 9, 0), "registered"));
    let stuck = item(&store, &Seed::scan(oslo(2026, 8, 3, 9, 0), "queued"));
    person_id(&store, stuck, "018809*****");
    drop(store);

    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let token = CancellationToken::new();
    let server = tokio::spawn(postmottak::web::serve_on(
        listener,
        Arc::new(config.clone()),
        None,
        token.clone(),
    ));

    let mut kari = Client::signed_in(addr, "kari", &worker).await;
    assert_eq!(kari.get("/shelves").await.status, 403);
    assert_eq!(kari.get("/reports/deviation").await.status, 403);
    assert_eq!(kari.get("/reports/backlog").await.status, 200);

    let mut anne = Client::signed_in(addr, "arkiv", &officer).await;
    let list = anne.get("/shelves").await;
    assert_eq!(list.status, 200);
    assert!(list.body.contains("juli 2026"), "{}", list.body);
    assert!(
        list.body
            .contains("blokkert: 1 dokument er ikke registrert"),
        "{}",
        list.body
    );

    let august = anne.get("/shelves/2026-08").await;
    assert!(august.body.contains("018809*****"), "{}", august.body);
    assert!(august
        .body
        .contains("ikke registrert (status: til fordeling)"));
    assert!(!august.body.contains("Bekreft at hyllen er makulert"));
    let csrf = august.csrf();
    let refused = anne
        .post(
            "/shelves/2026-08/confirm",
            &[("csrf", &csrf), ("date", "2026-11-03")],
        )
        .await;
    assert_eq!(refused.status, 409, "{}", refused.body);

    let july = anne.get("/shelves/2026-07").await;
    assert!(
        july.body.contains("Bekreft at hyllen er makulert"),
        "{}",
        july.body
    );
    let csrf = july.csrf();
    let wrong = anne
        .post(
            "/shelves/2026-07/confirm",
            &[("csrf", "feil"), ("date", "2026-10-05")],
        )
        .await;
    assert_eq!(wrong.status, 400, "a forged form is refused");
    let done = anne
        .post(
            "/shelves/2026-07/confirm",
            &[("csrf", &csrf), ("date", "2026-10-05")],
        )
        .await;
    assert_eq!(done.status, 303, "{}", done.body);
    let july = anne.get("/shelves/2026-07").await;
    assert!(
        july.body.contains("makulert 05.10.2026 av Anne Arkiv"),
        "{}",
        july.body
    );

    let report = anne.get("/reports/deviation").await;
    assert_eq!(report.status, 200);
    assert!(report.body.contains("Avviksrapport"));
    assert!(report.body.contains("Blokkerte makuleringshyller"));
    let csv = anne
        .get("/reports/post-list?from=2026-07-01&to=2026-08-31&format=csv")
        .await;
    assert_eq!(csv.status, 200);
    assert!(csv.header("content-type").unwrap().starts_with("text/csv"));
    assert!(csv.body.contains("018809*****"), "{}", csv.body);
    assert_eq!(anne.get("/reports/post-list").await.status, 400);
    assert_eq!(anne.get("/shelves/2026-13").await.status, 404);

    token.cancel();
    server.await.unwrap().unwrap();
    let store = open(&config);
    let views: i64 = store
        .inspect()
        .one(
            "SELECT COUNT(*) FROM events WHERE kind IN ('shelf_view','shelves_view','report_view')",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert!(views >= 5, "page views are audit events ({views})");
}
