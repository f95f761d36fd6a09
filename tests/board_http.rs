//! The board over real HTTP: a real server on 127.0.0.1:0 over a real store
//! on disk. Sessions, the role matrix of DESIGN.md §2, CSRF, lockout,
//! escaping of letter text, suggestions, corrections and the audit trail.

mod board_common;

use board_common::*;
use postmottak::store::board::fixture::{FixturePerson, FixtureState};

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
        resp.body.contains("For mange mislykkede forsøk"),
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

#[tokio::test]
async fn role_matrix() {
    let board = Board::start().await;
    let ids = board.seed(&[
        letter(
            "mta",
            "soknad_bpa",
            "Søknad om BPA fra Nordmann",
            "Brevtekst om BPA",
        ),
        letter(
            "omsorg",
            "endring",
            "Endring i hjemmetjeneste",
            "Brevtekst om omsorg",
        ),
        letter("mta", "klage", "Klage på vedtak", "Brevtekst om klage"),
    ]);
    let (bpa, omsorg, klage) = (ids[0], ids[1], ids[2]);
    let kari = board.user("kari").id;
    let per = board.user("per").id;
    let olga = board.user("olga").id;

    // A caseworker in omsorg cannot see or take an MTA item.
    let mut olga_c = board.signed_in("olga").await;
    let queue = olga_c.get("/").await;
    assert!(queue.body.contains("Endring i hjemmetjeneste"));
    assert!(
        !queue.body.contains("Søknad om BPA"),
        "need-to-know by unit"
    );
    let csrf = queue.csrf();
    let view = olga_c.get(&format!("/items/{bpa}")).await;
    assert_eq!(view.status, 403);
    assert!(!view.body.contains("Brevtekst om BPA"));
    let take = olga_c
        .post(&format!("/items/{bpa}/take"), &[("csrf", &csrf)])
        .await;
    assert_eq!(take.status, 403);
    let alloc = olga_c
        .post(
            &format!("/items/{bpa}/allocate"),
            &[("csrf", &csrf), ("to", &olga.to_string())],
        )
        .await;
    assert_eq!(
        alloc.status, 403,
        "a caseworker cannot allocate in another unit"
    );
    assert_eq!(board.state_of(bpa), "queued");
    assert!(board
        .events(Some(bpa), olga)
        .contains(&"refused".to_owned()));

    // A caseworker in MTA may take an item but not share items out.
    let mut kari_c = board.signed_in("kari").await;
    let csrf = kari_c.get("/").await.csrf();
    let give = kari_c
        .post(
            &format!("/items/{klage}/allocate"),
            &[("csrf", &csrf), ("to", &per.to_string())],
        )
        .await;
    assert_eq!(give.status, 403);
    let take = kari_c
        .post(&format!("/items/{klage}/take"), &[("csrf", &csrf)])
        .await;
    assert_eq!(take.status, 303);
    assert_eq!(board.allocated_to(klage), Some(kari));

    // The clerk allocates at the meeting, but only to people of the unit.
    let mut clerk = board.signed_in("merkantil").await;
    let csrf = clerk.get("/").await.csrf();
    let wrong_unit = clerk
        .post(
            &format!("/items/{bpa}/allocate"),
            &[("csrf", &csrf), ("to", &olga.to_string())],
        )
        .await;
    assert_eq!(wrong_unit.status, 400);
    let ok = clerk
        .post(
            &format!("/items/{bpa}/allocate"),
            &[("csrf", &csrf), ("to", &per.to_string())],
        )
        .await;
    assert_eq!(ok.status, 303);
    assert_eq!(board.allocated_to(bpa), Some(per));
    // Clerks do not reallocate or approve; leaders do.
    let re = clerk
        .post(
            &format!("/items/{bpa}/reallocate"),
            &[("csrf", &csrf), ("to", &kari.to_string())],
        )
        .await;
    assert_eq!(re.status, 403);
    let approve = clerk
        .post(&format!("/items/{bpa}/leader-review"), &[("csrf", &csrf)])
        .await;
    assert_eq!(approve.status, 403);
    let mut leader = board.signed_in("leder").await;
    let csrf_l = leader.get("/").await.csrf();
    let re = leader
        .post(
            &format!("/items/{bpa}/reallocate"),
            &[("csrf", &csrf_l), ("to", &kari.to_string())],
        )
        .await;
    assert_eq!(re.status, 303);
    assert_eq!(board.allocated_to(bpa), Some(kari));
    let back = leader
        .post(
            &format!("/items/{bpa}/reallocate"),
            &[("csrf", &csrf_l), ("to", "queue")],
        )
        .await;
    assert_eq!(back.status, 303);
    assert_eq!(board.state_of(bpa), "queued");

    // The admin sees users, never letters.
    let mut admin = board.signed_in("admin").await;
    let home = admin.get("/").await;
    assert_eq!(home.header("location"), Some("/admin"));
    let users_page = admin.get("/admin").await;
    assert_eq!(users_page.status, 200);
    assert!(users_page.body.contains("Kari Saksbehandler"));
    for id in [bpa, omsorg, klage] {
        let resp = admin.get(&format!("/items/{id}")).await;
        assert_eq!(resp.status, 403);
        assert!(!resp.body.contains("Brevtekst") && !resp.body.contains("Søknad om BPA"));
    }
    assert!(!users_page.body.contains("Søknad om BPA"));
    let admin_csrf = users_page.csrf();
    let resp = admin
        .post(
            &format!("/items/{omsorg}/allocate"),
            &[("csrf", &admin_csrf), ("to", &olga.to_string())],
        )
        .await;
    assert_eq!(resp.status, 403);
    assert_eq!(
        admin.get("/audit").await.status,
        403,
        "audit is the records officer's"
    );

    // The records officer sees the audit log, not the letter.
    let mut arkiv = board.signed_in("arkiv").await;
    assert_eq!(arkiv.get(&format!("/items/{bpa}")).await.status, 403);
    assert_eq!(arkiv.get("/admin").await.status, 403);
    let log = arkiv.get(&format!("/audit/items/{bpa}")).await;
    assert_eq!(log.status, 200);
    assert!(log.body.contains("Mona Merkantil") && log.body.contains("Lise Leder"));
    assert!(log.body.contains("nektet tilgang"), "refusals are logged");
    assert!(!log.body.contains("Brevtekst") && !log.body.contains("Søknad om BPA"));
    let per_user = arkiv.get(&format!("/audit/users/{olga}")).await;
    assert!(per_user.body.contains("så køen") && per_user.body.contains("nektet tilgang"));
}

#[tokio::test]
async fn letter_text_with_markup_is_shown_as_text() {
    let board = Board::start().await;
    let evil = "Hei <script>alert('x')</script> <img src=x onerror=alert(1)> \"sitat\" & mer";
    let ids = board.seed(&[letter(
        "mta",
        "annet",
        "<b>Emne</b><script>alert(2)</script>",
        evil,
    )]);
    let mut clerk = board.signed_in("merkantil").await;
    for path in ["/".to_owned(), format!("/items/{}", ids[0])] {
        let page = clerk.get(&path).await;
        assert_eq!(page.status, 200);
        assert!(
            !page.body.contains("<script>alert"),
            "{path}: script injected"
        );
        assert!(!page.body.contains("<b>Emne"), "{path}: markup injected");
        assert!(
            page.body
                .contains("&lt;b&gt;Emne&lt;/b&gt;&lt;script&gt;alert(2)&lt;/script&gt;"),
            "{path}"
        );
    }
    let item = clerk.get(&format!("/items/{}", ids[0])).await;
    assert!(item
        .body
        .contains("&lt;script&gt;alert('x')&lt;/script&gt;"));
    assert!(item.body.contains("&lt;img src=x onerror=alert(1)&gt;"));
    // Every view of content is in the audit trail.
    let clerk_id = board.user("merkantil").id;
    assert!(board
        .events(Some(ids[0]), clerk_id)
        .contains(&"view_item".to_owned()));
    // The classification is shown with its reasons.
    assert!(
        item.body
            .contains("dokumenttype → annet: «testdata» (vekt 1)"),
        "reasons shown"
    );
    // The only script on the page is the static file.
    assert_eq!(item.body.matches("<script").count(), 1);
    assert!(item.body.contains("<script src=\"/static/board.js\""));
}

#[tokio::test]
async fn queue_is_per_unit_urgent_first_then_oldest_with_flags() {
    let board = Board::start().await;
    let now = chrono::Utc::now();
    let mut old = letter("mta", "soknad_tjenester", "Eldst", "a");
    old.received_at = now - chrono::Duration::days(3);
    let mut newer = letter("mta", "innsyn", "Nyere innsyn", "b");
    newer.received_at = now - chrono::Duration::days(1);
    let mut urgent = letter("mta", "soknad_bpa", "Haster nyest", "c");
    urgent.urgent = true;
    urgent.leader_review = true;
    urgent.quality_flags = vec![postmottak::item::QualityFlag::BlankPages];
    urgent.persons = vec![FixturePerson {
        keyed_hash: "h1".into(),
        masked: "010180*****".into(),
    }];
    board.seed(&[old, newer, urgent]);
    let mut clerk = board.signed_in("merkantil").await;
    let page = clerk.get("/?mote=1").await.body;
    assert!(page.contains("<body class=\"meeting\">"));
    let pos = |s: &str| page.find(s).unwrap_or_else(|| panic!("{s} missing"));
    assert!(pos("Haster nyest") < pos("Eldst") && pos("Eldst") < pos("Nyere innsyn"));
    assert!(page.contains("010180*****"));
    assert!(
        page.contains("Lederkontroll") && page.contains("Innsyn") && page.contains("blanke sider")
    );
    assert!(page.contains("skannet") || page.contains("digital"));
}

#[tokio::test]
async fn suggestions_come_with_their_reason() {
    let board = Board::start().await;
    let kari = board.user("kari").id;
    let per = board.user("per").id;
    let person = FixturePerson {
        keyed_hash: "person-a".into(),
        masked: "020280*****".into(),
    };
    let mut earlier = letter("mta", "soknad_tjenester", "Tidligere søknad", "x");
    earlier.persons = vec![person.clone()];
    earlier.received_at = chrono::Utc::now() - chrono::Duration::days(20);
    earlier.state = FixtureState::Allocated { to: kari };
    // Per had a letter about the same person more recently, but it is done:
    // Kari, who still has an open one, is the better suggestion.
    let mut done = letter("mta", "fullmakt", "Avsluttet fullmakt", "x");
    done.persons = vec![person.clone()];
    done.received_at = chrono::Utc::now() - chrono::Duration::days(2);
    done.state = FixtureState::Registered {
        allocated_to: Some(per),
    };
    let mut history = Vec::new();
    for _ in 0..3 {
        let mut h = letter("mta", "klage", "Gammel klage", "x");
        h.state = FixtureState::Registered {
            allocated_to: Some(per),
        };
        history.push(h);
    }
    let mut new_same_person = letter("mta", "klage", "Ny klage samme person", "x");
    new_same_person.persons = vec![person];
    let new_other = letter("mta", "klage", "Ny klage annen person", "x");
    let mut items = vec![earlier];
    items.extend(history);
    items.push(done);
    items.push(new_same_person);
    items.push(new_other);
    let ids = board.seed(&items);

    let mut clerk = board.signed_in("merkantil").await;
    let page = clerk.get("/").await.body;
    let row = |id: postmottak::item::ItemId| {
        let start = page.find(&format!("data-item=\"{id}\"")).unwrap();
        let end = page[start..].find("</tr>").unwrap();
        page[start..start + end].to_owned()
    };
    let same = row(ids[5]);
    assert!(
        same.contains(&format!("data-suggested=\"{kari}\"")),
        "{same}"
    );
    assert!(same.contains("Kari Saksbehandler") && same.contains("samme person"));
    let other = row(ids[6]);
    assert!(
        other.contains(&format!("data-suggested=\"{per}\"")),
        "{other}"
    );
    assert!(
        other.contains("oftest") && other.contains("3 av 3"),
        "{other}"
    );
}

#[tokio::test]
async fn corrections_are_events_and_feed_later_suggestions() {
    let board = Board::start().await;
    let per = board.user("per").id;
    let mut done = letter("mta", "fullmakt", "Fullmakt", "x");
    done.state = FixtureState::Registered {
        allocated_to: Some(per),
    };
    let ids = board.seed(&[done, letter("mta", "annet", "Uklart brev", "x")]);
    let item = ids[1];
    let mut clerk = board.signed_in("merkantil").await;
    let page = clerk.get(&format!("/items/{item}")).await;
    assert!(
        !page.body.contains("data-suggested"),
        "no suggestion for «annet»"
    );
    let csrf = page.csrf();
    let resp = clerk
        .post(
            &format!("/items/{item}/correct"),
            &[
                ("csrf", &csrf),
                ("document_type", "fullmakt"),
                ("unit", "mta"),
                ("title", "Fullmakt fra pårørende"),
                ("urgent", "on"),
            ],
        )
        .await;
    assert_eq!(resp.status, 303);
    let clerk_id = board.user("merkantil").id;
    let kinds = board.events(Some(item), clerk_id);
    assert_eq!(
        kinds.iter().filter(|k| *k == "correction").count(),
        3,
        "{kinds:?}"
    );
    let page = clerk.get("/").await.body;
    assert!(page.contains("Fullmakt fra pårørende") && page.contains("Haster"));
    assert!(
        page.contains(&format!("data-suggested=\"{per}\"")),
        "corrected type drives the suggestion"
    );
    let corrections = postmottak::store::board::type_corrections(&board.store()).unwrap();
    assert_eq!(
        corrections,
        vec![("annet".to_owned(), "fullmakt".to_owned(), 1)]
    );
}

#[tokio::test]
async fn duplicate_shows_its_original_and_leader_review_can_be_done() {
    let board = Board::start().await;
    let mut original = letter("mta", "soknad_bpa", "Søknad om BPA", "x");
    original.leader_review = true;
    let ids = board.seed(&[original]);
    let mut dup = letter("mta", "soknad_bpa", "Søknad om BPA (kopi)", "x");
    dup.state = FixtureState::Duplicate { of: ids[0] };
    let dup_id = board.seed(&[dup])[0];
    let mut leader = board.signed_in("leder").await;
    let page = leader.get(&format!("/items/{dup_id}")).await.body;
    assert!(page.contains("Dette er et duplikat av"));
    assert!(page.contains(&format!("href=\"/items/{}\"", ids[0])));
    let queue = leader.get("/").await.body;
    assert!(queue.contains("Duplikater (1)"));
    let item = leader.get(&format!("/items/{}", ids[0])).await;
    assert!(item.body.contains("Marker lederkontroll som utført"));
    let csrf = item.csrf();
    let resp = leader
        .post(
            &format!("/items/{}/leader-review", ids[0]),
            &[("csrf", &csrf)],
        )
        .await;
    assert_eq!(resp.status, 303);
    let item = leader.get(&format!("/items/{}", ids[0])).await;
    assert!(item.body.contains("utført") && !item.body.contains("Marker lederkontroll"));
    assert!(
        item.body.contains("lederkontroll utført"),
        "history shows it"
    );
}

#[tokio::test]
async fn page_images_are_rendered_once_cached_and_audited() {
    let sample = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("samples/files/mta/000-soknad-bpa.pdf");
    let board = Board::start_full("", true).await;
    let data_dir = board.config.data_dir();
    std::fs::create_dir_all(data_dir.join("content")).unwrap();
    std::fs::copy(&sample, data_dir.join("content/bpa.pdf")).unwrap();
    let mut item = letter("mta", "soknad_bpa", "Søknad om BPA", "side 1");
    item.content_path = "content/bpa.pdf".into();
    item.pages = vec!["side 1".into(), "side 2".into()];
    let id = board.seed(&[item])[0];
    let mut clerk = board.signed_in("merkantil").await;
    let page = clerk.get(&format!("/items/{id}")).await;
    assert!(page.body.contains(&format!("src=\"/items/{id}/pages/2\"")));
    let image = clerk.get(&format!("/items/{id}/pages/1")).await;
    assert_eq!(image.status, 200, "{}", image.body);
    assert_eq!(image.header("content-type"), Some("image/png"));
    assert!(image.bytes.starts_with(b"\x89PNG\r\n"), "a PNG");
    assert!(
        image.bytes.len() > 10_000,
        "a real page, {} bytes",
        image.bytes.len()
    );
    let cached: Vec<_> = std::fs::read_dir(data_dir.join("cache/pages"))
        .unwrap()
        .collect();
    assert_eq!(cached.len(), 1, "rendered once and cached");
    let again = clerk.get(&format!("/items/{id}/pages/1")).await;
    assert_eq!(again.status, 200);
    assert_eq!(
        std::fs::read_dir(data_dir.join("cache/pages"))
            .unwrap()
            .count(),
        1
    );
    assert_eq!(clerk.get(&format!("/items/{id}/pages/3")).await.status, 404);
    let clerk_id = board.user("merkantil").id;
    let views = board.events(Some(id), clerk_id);
    assert_eq!(
        views.iter().filter(|k| *k == "view_page").count(),
        2,
        "{views:?}"
    );
    // Someone outside the unit gets no image.
    let mut olga = board.signed_in("olga").await;
    assert_eq!(olga.get(&format!("/items/{id}/pages/1")).await.status, 403);
}
