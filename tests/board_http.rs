//! The board over real HTTP: a real server on 127.0.0.1:0 over a real store
//! on disk. What signed-in users may do: the role matrix of DESIGN.md §2 and
//! each role's menu, escaping of letter text, the queue's order,
//! suggestions, corrections, page images and the audit trail. Sessions,
//! sign-in, CSRF and security headers are in `board_sessions.rs`.

mod board_common;
mod common;

use board_common::*;
use postmottak::store::board::fixture::{FixturePerson, FixtureState};

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
    assert!(per_user.body.contains("Så køen.") && per_user.body.contains("nektet tilgang"));
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
            .contains("dokumenttype → Annet: «testdata» (vekt 1)"),
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
        item.body.contains("Lederkontrollen er utført."),
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

/// The main menu's links of a page, in order.
fn menu_links(body: &str) -> Vec<String> {
    let nav = body
        .split_once(r#"<nav aria-label="Hovedmeny">"#)
        .and_then(|(_, rest)| rest.split_once("</nav>"))
        .map(|(nav, _)| nav)
        .unwrap_or("");
    let href = regex::Regex::new(r#"href="([^"]+)""#).unwrap();
    href.captures_iter(nav).map(|c| c[1].to_owned()).collect()
}

#[tokio::test]
async fn the_menu_shows_each_role_its_pages_and_every_link_opens() {
    let board = Board::start().await;
    let cases: &[(&str, &[&str])] = &[
        ("arkiv", &["/audit", "/shelves", "/reports"]),
        ("kari", &["/min-post", "/", "/?mote=1", "/reports/backlog"]),
        ("merkantil", &["/min-post", "/", "/?mote=1"]),
        ("leder", &["/min-post", "/", "/?mote=1"]),
        ("admin", &["/admin"]),
    ];
    // One sign-in per user: a TOTP code is accepted only once.
    let mut clients = std::collections::HashMap::new();
    for (name, expected) in cases {
        let client = clients.entry(*name).or_insert(board.signed_in(name).await);
        let mut page = client.get("/").await;
        if let Some(home) = page.header("location").map(str::to_owned) {
            page = client.get(&home).await;
        }
        assert_eq!(page.status, 200, "{name}'s home page");
        let links = menu_links(&page.body);
        assert_eq!(&links, expected, "{name}'s menu");
        for link in &links {
            let opened = client.get(link).await;
            assert_eq!(opened.status, 200, "{name} follows the menu to {link}");
        }
    }
    // The records officer's reports page leads on to every report and the
    // shelves; a caseworker who guesses the address is turned away.
    let arkiv = clients.get_mut("arkiv").unwrap();
    let reports = arkiv.get("/reports").await;
    for link in [
        "/reports/backlog",
        "/reports/deviation",
        "/reports/access-requests",
        "/shelves",
        "/reports/post-list",
    ] {
        assert!(reports.body.contains(link), "{link} on the reports page");
    }
    let kari = clients.get_mut("kari").unwrap();
    assert_eq!(kari.get("/shelves").await.status, 403);
    assert_eq!(kari.get("/reports/deviation").await.status, 403);
    assert!(!kari.get("/reports").await.body.contains("/shelves"));
}

#[tokio::test]
async fn a_correction_to_a_type_outside_the_rules_file_is_refused() {
    let board = Board::start().await;
    let item = board.seed(&[letter("mta", "annet", "Uklart brev", "x")])[0];
    let mut clerk = board.signed_in("merkantil").await;
    let csrf = clerk.get(&format!("/items/{item}")).await.csrf();
    // Well-formed ids the shipped rules do not have, and a label for an id.
    for bad in ["klagesak", "Klage", "", "fullmakt_x"] {
        let resp = clerk
            .post(
                &format!("/items/{item}/correct"),
                &[
                    ("csrf", &csrf),
                    ("document_type", bad),
                    ("unit", "mta"),
                    ("title", "Rettet"),
                ],
            )
            .await;
        assert_eq!(resp.status, 400, "{bad:?}");
        assert!(
            resp.body
                .contains("Ukjent dokumenttype. Velg en av typene i listen"),
            "{}",
            resp.body
        );
    }
    let clerk_id = board.user("merkantil").id;
    assert!(
        !board
            .events(Some(item), clerk_id)
            .contains(&"correction".to_owned()),
        "nothing was changed"
    );
    let page = clerk.get(&format!("/items/{item}")).await.body;
    assert!(page.contains("<dd>Annet</dd>"), "{page}");
}

/// A municipality's own rules file: a type of its own (an access request,
/// as far as the routine goes), a name of its own.
fn custom_rules() -> String {
    let rules = postmottak::classify::DEFAULT_RULES_TOML
        .replacen("short_label = \"Klage\"", "short_label = \"Klagesak\"", 1)
        .replacen(
            "[[types]]\nid = \"annet\"",
            "[[types]]\nid = \"vergemal\"\nlabel = \"Melding om vergemål\"\n\
             short_label = \"Vergemål\"\nroutine = \"access_request\"\n\n[[types]]\nid = \"annet\"",
            1,
        );
    assert!(
        rules.contains("Klagesak") && rules.contains("Vergemål"),
        "fixture"
    );
    rules
}

#[tokio::test]
async fn the_board_names_and_offers_the_types_of_a_custom_rules_file() {
    let rules_dir = tempfile::tempdir().unwrap();
    let rules = rules_dir.path().join("regler.toml");
    std::fs::write(&rules, custom_rules()).unwrap();
    let board = Board::start_with(&format!(
        "\n[classify]\nrules = {:?}\n",
        rules.display().to_string()
    ))
    .await;
    let ids = board.seed(&[
        letter("mta", "vergemal", "Melding fra Statsforvalteren", "x"),
        letter("mta", "klage", "Klage på vedtak om BPA", "x"),
    ]);
    let mut clerk = board.signed_in("merkantil").await;
    let queue = clerk.get("/").await.body;
    assert!(queue.contains("<td>Vergemål</td>"), "{queue}");
    assert!(queue.contains("<td>Klagesak</td>"), "{queue}");
    assert!(!queue.contains("<td>vergemal</td>"), "no raw id: {queue}");
    assert!(
        queue.contains("<li class=\"flag access\">Innsyn</li>"),
        "the file's routine flags it: {queue}"
    );

    let page = clerk.get(&format!("/items/{}", ids[1])).await;
    assert!(
        page.body
            .contains("<option value=\"vergemal\">Vergemål</option>"),
        "{}",
        page.body
    );
    let resp = clerk
        .post(
            &format!("/items/{}/correct", ids[1]),
            &[
                ("csrf", &page.csrf()),
                ("document_type", "vergemal"),
                ("unit", "mta"),
                ("title", "Klage på vedtak om BPA"),
            ],
        )
        .await;
    assert_eq!(resp.status, 303, "{}", resp.body);
    let page = clerk.get(&format!("/items/{}", ids[1])).await.body;
    assert!(
        page.contains("Rettet typen fra «Klagesak» til «Vergemål»."),
        "{page}"
    );
}
