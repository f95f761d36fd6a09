//! Issue 13 on the real board (HTTP, real store on disk): the quality
//! sign-off unblocks a duplex scan's shred shelf; a replacement scan
//! supersedes the old item and the shelf follows the new one; *Min post*
//! lists my own post in the right order; the journal-entry card shows a
//! person ID in full only to the person who has the item, and that is logged.

mod board_common;
mod common;

use board_common::*;
use chrono::{NaiveDate, TimeZone, Utc};
use postmottak::item::{ItemId, QualityFlag, Source};
use postmottak::retention::{self, RetentionConfig, ShelfId, ShelfState};
use postmottak::store::board::fixture::{self, FixturePerson, FixtureState};

fn september() -> ShelfId {
    "2026-09".parse().unwrap()
}

/// The day the September shelf has had its 62 days.
fn shred_day() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 12, 2).unwrap()
}

fn shelf_state(board: &Board) -> (ShelfState, Vec<i64>) {
    let shelf = retention::shelf(
        &board.store(),
        &RetentionConfig::default(),
        september(),
        shred_day(),
    )
    .unwrap();
    (shelf.state, shelf.items.iter().map(|i| i.id.0).collect())
}

/// A scan from September 2026 with blank back pages (duplex).
fn duplex_scan(state: FixtureState, day: u32) -> postmottak::store::board::fixture::FixtureItem {
    let mut item = letter(
        "mta",
        "soknad_tjenester",
        "Søknad om praktisk bistand",
        "Side 1",
    );
    item.source = Source::Scan;
    item.file_name = format!("skann-{day}.pdf");
    item.received_at = Utc.with_ymd_and_hms(2026, 9, day, 8, 0, 0).unwrap();
    item.quality_flags = vec![QualityFlag::BlankPages];
    item.pages = vec!["Side 1".into(), String::new()];
    item.state = state;
    item
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn confirming_the_quality_on_the_board_unblocks_the_shelf() {
    let board = Board::start().await;
    let kari = board.user("kari").id;
    let ids = board.seed(&[duplex_scan(
        FixtureState::Registered {
            allocated_to: Some(kari),
        },
        10,
    )]);
    let id = ids[0];
    assert_eq!(shelf_state(&board), (ShelfState::Blocked, vec![id.0]));

    // Per works in the unit but does not have the item: no button, refused.
    let mut per = board.signed_in("per").await;
    let page = per.get(&format!("/items/{id}")).await;
    assert_eq!(page.status, 200);
    assert!(!page.body.contains("alle sider er med"));
    let refused = per
        .post(
            &format!("/items/{id}/quality/confirm"),
            &[("csrf", &page.csrf())],
        )
        .await;
    assert_eq!(refused.status, 403);
    assert_eq!(shelf_state(&board).0, ShelfState::Blocked);

    // Kari has it: she confirms, the shelf is ready.
    let mut client = board.signed_in("kari").await;
    let page = client.get(&format!("/items/{id}")).await;
    assert!(page.body.contains("blanke sider"), "{}", page.body);
    assert!(page
        .body
        .contains("Kvaliteten er kontrollert, alle sider er med"));
    let done = client
        .post(
            &format!("/items/{id}/quality/confirm"),
            &[("csrf", &page.csrf())],
        )
        .await;
    assert_eq!(done.status, 303, "{}", done.body);
    assert_eq!(shelf_state(&board).0, ShelfState::Ready);
    let page = client.get(&format!("/items/{id}")).await;
    assert!(
        page.body.contains("av Kari Saksbehandler"),
        "the sign-off names who: {}",
        page.body
    );
    assert!(board
        .events(Some(id), kari)
        .contains(&"quality_confirmed".to_owned()));
    assert!(board
        .events(Some(id), board.user("per").id)
        .contains(&"refused".to_owned()));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_replacement_scan_supersedes_the_old_item_and_the_shelf_follows_it() {
    let board = Board::start().await;
    let kari = board.user("kari").id;
    let mut new = duplex_scan(FixtureState::Queued, 20);
    new.quality_flags = Vec::new();
    let ids = board.seed(&[duplex_scan(FixtureState::Allocated { to: kari }, 10), new]);
    let (old, new) = (ids[0], ids[1]);
    assert_eq!(shelf_state(&board).1, vec![old.0, new.0]);

    let mut client = board.signed_in("kari").await;
    let page = client.get(&format!("/items/{old}")).await;
    assert!(
        page.body.contains("Erstatt med ny skanning"),
        "{}",
        page.body
    );
    let replaced = client
        .post(
            &format!("/items/{old}/quality/replace"),
            &[("csrf", &page.csrf()), ("with", &new.to_string())],
        )
        .await;
    assert_eq!(replaced.status, 303, "{}", replaced.body);
    assert_eq!(board.state_of(old), "superseded");
    assert_eq!(board.state_of(new), "allocated");
    assert_eq!(board.allocated_to(new), Some(kari), "the new scan is hers");
    // The shelf holds only the new scan; once it is registered the shelf is
    // ready without any check of the old one.
    assert_eq!(shelf_state(&board).1, vec![new.0]);
    let old_page = client.get(&format!("/items/{old}")).await;
    assert!(old_page.body.contains("erstattet av"), "{}", old_page.body);
    let new_page = client.get(&format!("/items/{new}")).await;
    assert!(new_page.body.contains("erstatter"), "{}", new_page.body);
    let events = board.events(Some(new), kari);
    assert!(events.contains(&"replaces".to_owned()), "{events:?}");
    assert!(board
        .events(Some(old), kari)
        .contains(&"transition".to_owned()));
    // Nothing superseded is on Min post.
    let mine = client.get("/min-post").await;
    assert!(mine.body.contains(&format!("data-item=\"{new}\"")));
    assert!(!mine.body.contains(&format!("data-item=\"{old}\"")));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn min_post_lists_my_items_urgent_and_appeals_first_then_oldest() {
    let board = Board::start().await;
    let kari = board.user("kari").id;
    let per = board.user("per").id;
    let day = |d: i64| Utc::now() - chrono::Duration::days(d);
    let mut old = letter("mta", "fullmakt", "Fullmakt fra datter", "x");
    old.received_at = day(40);
    old.state = FixtureState::Allocated { to: kari };
    let mut newer = letter("mta", "soknad_tjenester", "Søknad om avlastning", "x");
    newer.received_at = day(3);
    newer.state = FixtureState::Allocated { to: kari };
    let mut appeal = letter("mta", "klage", "Klage på vedtak", "x");
    appeal.received_at = day(1);
    appeal.state = FixtureState::Allocated { to: kari };
    let mut pers = letter("mta", "soknad_tjenester", "Pers søknad", "x");
    pers.state = FixtureState::Allocated { to: per };
    let ids = board.seed(&[old, newer, appeal, pers]);

    let mut client = board.signed_in("kari").await;
    let home = client.get("/").await;
    assert!(home.body.contains("href=\"/min-post\""), "in the menu");
    let page = client.get("/min-post").await;
    assert_eq!(page.status, 200);
    let pos = |id: ItemId| {
        page.body
            .find(&format!("data-item=\"{id}\""))
            .unwrap_or_else(|| panic!("{id} missing: {}", page.body))
    };
    assert!(pos(ids[2]) < pos(ids[0]), "the appeal first");
    assert!(pos(ids[0]) < pos(ids[1]), "then the oldest");
    assert!(!page.body.contains("Pers søknad"), "only my own post");
    assert!(page.body.contains("fvl. § 11 a"), "40 days: a month passed");
    assert!(page.body.contains("over fristen"));
    assert!(board
        .events(None, kari)
        .contains(&"view_my_post".to_owned()));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_journal_card_reveals_a_person_id_only_to_whom_has_the_item_and_logs_it() {
    let board = Board::start().await;
    let kari = board.user("kari").id;
    // A synthetic number (month + 80), in the letter's own text.
    let number = "17854100084";
    let key = postmottak::store::PersonIdKey::load_or_create(&board.config.data_dir()).unwrap();
    let mut item = letter(
        "mta",
        "soknad_tjenester",
        "Søknad om hjemmesykepleie",
        &format!("Søknad om hjemmesykepleie\nFødselsnummer: {number}\n"),
    );
    item.persons = vec![FixturePerson {
        keyed_hash: postmottak::store::person_key_hash(&key, number),
        masked: "178541*****".into(),
    }];
    item.state = FixtureState::Allocated { to: kari };
    let id = board.seed(&[item])[0];

    let mut client = board.signed_in("kari").await;
    let page = client.get(&format!("/items/{id}")).await;
    for field in [
        "Saksbehandler",
        "Dato",
        "Type",
        "Emne",
        "Dokumentdato",
        "Avsender",
        "Ny sak?",
        "Hent dokument: mappe",
        "Hent dokument: filnavn",
    ] {
        assert!(page.body.contains(field), "{field} on the card");
    }
    assert!(page.body.contains("id=\"jf-type\">Inn<"));
    assert!(page.body.contains("id=\"jf-nysak\">Ja<"), "{}", page.body);
    // (The page's text section shows the letter as written; the card's
    // person field is masked until asked.)
    assert!(
        page.body.contains("id=\"jf-fnr\">178541*****<"),
        "masked until asked: {}",
        page.body
    );
    // The clerk sees the item but may not see the number.
    let mut clerk = board.signed_in("merkantil").await;
    let refused = clerk.get(&format!("/items/{id}/journal?fnr=1")).await;
    assert_eq!(refused.status, 403);
    assert!(!refused.body.contains(number));
    assert!(board
        .events(Some(id), board.user("merkantil").id)
        .contains(&"refused".to_owned()));

    let shown = client.get(&format!("/items/{id}/journal?fnr=1")).await;
    assert_eq!(shown.status, 200);
    assert!(
        shown.body.contains(&format!("id=\"jf-fnr\">{number}<")),
        "{}",
        shown.body
    );
    assert!(board
        .events(Some(id), kari)
        .contains(&"reveal_person_id".to_owned()));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ending_meeting_mode_sends_the_after_meeting_mail_at_once() {
    let board = Board::start().await;
    let kari = board.user("kari").id;
    let store = board.store();
    fixture::set_email(&store, kari, Some("kari@example.kommune.no")).unwrap();
    let mut item = letter("mta", "klage", "Klage", "x");
    item.state = FixtureState::Allocated { to: kari };
    board.seed(&[item]);
    let types = postmottak::classify::Taxonomy::from_config(&board.config).unwrap();
    let now = Utc::now();
    // Within the quiet period: nothing yet.
    assert_eq!(
        postmottak::mail::after_meeting::enqueue_round(&store, &board.config, &types, now).unwrap(),
        0
    );

    // A caseworker cannot end the meeting; the leader can, in meeting mode.
    let mut per = board.signed_in("per").await;
    let csrf = per.get("/min-post").await.csrf();
    assert_eq!(
        per.post("/meeting/end", &[("csrf", &csrf)]).await.status,
        403
    );
    let mut leader = board.signed_in("leder").await;
    let meeting = leader.get("/?mote=1").await;
    assert!(meeting.body.contains("Avslutt møtet"), "{}", meeting.body);
    let ended = leader
        .post("/meeting/end", &[("csrf", &meeting.csrf())])
        .await;
    assert_eq!(ended.status, 303);

    let queued =
        postmottak::mail::after_meeting::enqueue_round(&store, &board.config, &types, Utc::now())
            .unwrap();
    assert_eq!(queued, 1, "Kari's mail goes at once");
    let rows = postmottak::store::outbox::outbox_rows(&store).unwrap();
    assert_eq!(rows.len(), 1);
    assert!(rows[0]
        .notice_key
        .starts_with(&format!("after_meeting:{kari}:")));
    // Asked again: the allocation was told once.
    assert_eq!(
        postmottak::mail::after_meeting::enqueue_round(&store, &board.config, &types, Utc::now())
            .unwrap(),
        0
    );
    assert!(board
        .events(None, board.user("leder").id)
        .contains(&"meeting_ended".to_owned()));
}
