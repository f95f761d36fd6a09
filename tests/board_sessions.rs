//! Sessions on the real board over real HTTP (a real server on
//! 127.0.0.1:0 over a real store on disk): every route needs a session,
//! sign-in with password + TOTP, cookies, idle timeout, lockout, CSRF on
//! every form, and the security headers on every page. What signed-in users
//! may do is in `board_http.rs`.

mod board_common;
mod common;

use board_common::*;

const ROUTES_GET: &[&str] = &[
    "/",
    "/?mote=1",
    "/items/1",
    "/items/1/pages/1",
    "/audit",
    "/audit/items/1",
    "/audit/users/1",
    "/admin",
    "/shelves",
    "/shelves/2026-11",
    "/reports",
    "/reports/backlog",
];

const ROUTES_POST: &[&str] = &[
    "/items/1/allocate",
    "/items/1/take",
    "/items/1/reallocate",
    "/items/1/leader-review",
    "/items/1/correct",
    "/logout",
    "/shelves/2026-11/confirm",
];

#[tokio::test]
async fn every_route_refuses_without_a_session() {
    let board = Board::start().await;
    let ids = board.seed(&[letter(
        "mta",
        "klage",
        "Klage på vedtak om hjemmetjenester",
        "Hemmelig brevtekst",
    )]);
    let mut anon = board.client();
    for path in ROUTES_GET {
        let resp = anon.get(path).await;
        assert_eq!(resp.status, 303, "GET {path}");
        assert_eq!(resp.header("location"), Some("/login"), "GET {path}");
        assert!(
            !resp.body.contains("Klage på vedtak"),
            "GET {path} leaked content"
        );
    }
    let kari = board.user("kari").id.to_string();
    for path in ROUTES_POST {
        let resp = anon.post(path, &[("csrf", "x"), ("to", &kari)]).await;
        assert_eq!(resp.status, 303, "POST {path}");
        assert_eq!(resp.header("location"), Some("/login"), "POST {path}");
    }
    assert_eq!(
        board.state_of(ids[0]),
        "queued",
        "nothing happened to the item"
    );
    // A made-up session cookie is no session either.
    anon.cookies.insert("pm_session".into(), "forged".into());
    assert_eq!(anon.get("/").await.status, 303);
    // Unknown paths are a plain 404 with the same headers.
    let missing = anon.get("/finnes-ikke").await;
    assert_eq!(missing.status, 404);
    assert!(missing.header("content-security-policy").is_some());
    // The sign-in page itself is open, and so are the static files.
    assert_eq!(board.client().get("/login").await.status, 200);
    assert_eq!(board.client().get("/static/board.js").await.status, 200);
}

#[tokio::test]
async fn sign_in_needs_password_and_code_and_sets_a_strict_cookie() {
    let board = Board::start().await;
    let kari = board.user("kari");
    let mut client = board.client();
    let wrong_code = client.login("kari", PASSWORD, "000000").await;
    assert_eq!(wrong_code.status, 200);
    assert!(wrong_code
        .body
        .contains("Feil brukernavn, passord eller engangskode"));
    assert!(!client.cookies.contains_key("pm_session"));
    let wrong_password = client.login("kari", "feil", &totp_now(&kari.secret)).await;
    assert!(wrong_password.body.contains("Feil brukernavn"));
    let unknown = client
        .login("ingen", PASSWORD, &totp_now(&kari.secret))
        .await;
    assert!(unknown.body.contains("Feil brukernavn"));

    let ok = client
        .login("kari", PASSWORD, &totp_now(&kari.secret))
        .await;
    assert_eq!(ok.status, 303, "{}", ok.body);
    assert_eq!(ok.header("location"), Some("/"));
    let cookie = ok
        .headers_named("set-cookie")
        .into_iter()
        .find(|c| c.starts_with("pm_session="))
        .expect("session cookie");
    assert!(
        cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict"),
        "{cookie}"
    );
    let queue = client.get("/").await;
    assert_eq!(queue.status, 200);
    assert!(queue.body.contains("Kari Saksbehandler"));
    assert_eq!(
        board.events(None, kari.id).last().map(String::as_str),
        Some("view_queue")
    );

    // Signing out ends the session on the server, not only in the browser.
    let session = client.cookies["pm_session"].clone();
    let csrf = queue.csrf();
    assert_eq!(client.post("/logout", &[("csrf", &csrf)]).await.status, 303);
    client.cookies.insert("pm_session".into(), session);
    assert_eq!(client.get("/").await.status, 303);
}

#[tokio::test]
async fn security_headers_on_every_page() {
    let board = Board::start().await;
    let ids = board.seed(&[letter("mta", "klage", "Klage", "tekst")]);
    let mut clerk = board.signed_in("merkantil").await;
    for path in [
        "/login".to_owned(),
        "/".to_owned(),
        format!("/items/{}", ids[0]),
    ] {
        let resp = if path == "/login" {
            board.client().get(&path).await
        } else {
            clerk.get(&path).await
        };
        let csp = resp.header("content-security-policy").expect("CSP");
        assert!(
            csp.contains("script-src 'self'") && !csp.contains("unsafe-inline"),
            "{csp}"
        );
        assert!(csp.contains("frame-ancestors 'none'"), "{csp}");
        assert_eq!(resp.header("x-content-type-options"), Some("nosniff"));
        assert_eq!(resp.header("referrer-policy"), Some("no-referrer"));
        assert_eq!(resp.header("cache-control"), Some("no-store"), "{path}");
    }
}

#[tokio::test]
async fn secure_cookies_when_served_over_https() {
    let board = Board::start_with("base_url = \"https://postmottak.example.kommune.no\"").await;
    let mut client = board.client();
    let kari = board.user("kari");
    let ok = client
        .login("kari", PASSWORD, &totp_now(&kari.secret))
        .await;
    assert_eq!(ok.status, 303);
    let cookie = ok
        .headers_named("set-cookie")
        .into_iter()
        .find(|c| c.starts_with("__Host-pm_session="))
        .expect("__Host- session cookie");
    assert!(
        cookie.contains("Secure") && cookie.contains("Path=/"),
        "{cookie}"
    );
}

#[tokio::test]
async fn idle_sessions_end() {
    let board = Board::start_with("session_idle_minutes = 0").await;
    let mut kari = board.signed_in("kari").await;
    tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    let resp = kari.get("/").await;
    assert_eq!(resp.status, 303, "idle session must be refused");
    assert_eq!(resp.header("location"), Some("/login"));
}

#[tokio::test]
async fn lockout_after_repeated_failures() {
    let board = Board::start().await;
    let kari = board.user("kari");
    let mut client = board.client();
    for _ in 0..5 {
        let resp = client.login("kari", "feil passord", "123456").await;
        assert_eq!(resp.status, 200);
    }
    // Now even the right password and code are refused.
    let resp = client
        .login("kari", PASSWORD, &totp_now(&kari.secret))
        .await;
    assert_eq!(resp.status, 200);
    assert!(
        resp.body.contains("for mange mislykkede forsøk"),
        "{}",
        resp.body
    );
    assert!(!client.cookies.contains_key("pm_session"));
    let events = board.events(None, kari.id);
    assert_eq!(events.iter().filter(|e| *e == "login_failed").count(), 4);
    assert!(events.contains(&"login_locked".to_owned()));
    assert!(events.contains(&"login_refused_locked".to_owned()));
    // Another user is not affected, and the admin sees the lock.
    let mut admin = board.signed_in("admin").await;
    let users_page = admin.get("/admin").await.body;
    assert!(users_page.contains("låst til"), "{users_page}");
    assert!(users_page.contains("postmottak user unlock kari"));
}

#[tokio::test]
async fn forms_without_a_valid_csrf_token_are_refused() {
    let board = Board::start().await;
    let ids = board.seed(&[letter("mta", "klage", "Klage", "tekst")]);
    let mut clerk = board.signed_in("merkantil").await;
    let kari = board.user("kari").id.to_string();
    let path = format!("/items/{}/allocate", ids[0]);
    let missing = clerk.post(&path, &[("to", &kari)]).await;
    assert_eq!(missing.status, 400);
    let wrong = clerk
        .post(&path, &[("csrf", "gjettet"), ("to", &kari)])
        .await;
    assert_eq!(wrong.status, 400);
    assert_eq!(board.state_of(ids[0]), "queued");
    // Another user's token does not work either.
    let other = board.signed_in("leder").await;
    let mut other = other;
    let other_csrf = other.get("/").await.csrf();
    let foreign = clerk
        .post(&path, &[("csrf", &other_csrf), ("to", &kari)])
        .await;
    assert_eq!(foreign.status, 400);
    assert_eq!(board.state_of(ids[0]), "queued");
    // The sign-in form is protected too: no matching cookie, no sign-in.
    let mut fresh = board.client();
    let resp = fresh
        .post(
            "/login",
            &[
                ("csrf", "x"),
                ("username", "kari"),
                ("password", PASSWORD),
                ("code", "000000"),
            ],
        )
        .await;
    assert_eq!(resp.status, 400);
    // With the right token the same form works.
    let csrf = clerk.get("/").await.csrf();
    let ok = clerk.post(&path, &[("csrf", &csrf), ("to", &kari)]).await;
    assert_eq!(ok.status, 303);
    assert_eq!(board.state_of(ids[0]), "allocated");
}
