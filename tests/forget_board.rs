//! The board after forgetting (issue 16): a registered letter's page image is
//! rendered (real pdfium) and cached; once the grace period is over the item
//! page says "Innholdet er slettet etter registrering (dato)", shows no
//! title or text, serves no page image, and the cached image is gone.

mod board_common;
mod common;

use board_common::*;
use postmottak::ingest::content::ContentStore;
use postmottak::store::board::fixture::FixtureState;

#[tokio::test]
async fn the_item_page_says_the_content_is_deleted_and_serves_no_images() {
    let sample = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("samples/files/mta/000-soknad-bpa.pdf");
    let board = Board::start_full("", true).await;
    let data_dir = board.config.data_dir();
    let copy = ContentStore::open(&data_dir)
        .unwrap()
        .copy_in(&sample)
        .unwrap();
    let mut item = letter(
        "mta",
        "soknad_bpa",
        "Søknad om BPA for Ola",
        "Ola trenger hjelp",
    );
    item.content_path = copy.content_path.clone();
    item.pages = vec!["Ola trenger hjelp".into(), "side 2".into()];
    item.received_at = "2026-03-02T10:00:00Z".parse().unwrap();
    item.state = FixtureState::Registered { allocated_to: None };
    let id = board.seed(&[item])[0];

    let mut clerk = board.signed_in("merkantil").await;
    let image = clerk.get(&format!("/items/{id}/pages/1")).await;
    assert_eq!(image.status, 200, "{}", image.body);
    let cache = data_dir.join("cache/pages");
    assert_eq!(std::fs::read_dir(&cache).unwrap().count(), 1);

    let cfg = board.config.raw.forget.clone();
    let run = |day: &str| {
        let day: chrono::NaiveDate = day.parse().unwrap();
        postmottak::forget::run(
            &mut board.store(),
            &data_dir,
            &cfg,
            day,
            postmottak::forget::start_of_day(day),
        )
        .unwrap()
    };
    assert_eq!(run("2026-03-31").content_total(), 0, "not a day before");
    let page = clerk.get(&format!("/items/{id}")).await;
    assert!(page.body.contains("Søknad om BPA for Ola"));
    assert!(!page.body.contains("Innholdet er slettet"));

    assert_eq!(run("2026-04-01").content_total(), 1);
    let page = clerk.get(&format!("/items/{id}")).await;
    assert_eq!(page.status, 200);
    assert!(
        page.body
            .contains("Innholdet er slettet etter registrering (01.04.2026)."),
        "{}",
        page.body
    );
    assert!(!page.body.contains("Ola"), "no title or text left");
    assert!(page
        .body
        .contains("Innholdet ble slettet etter lagringsreglene."));
    assert!(!page.body.contains("/pages/1"), "no images offered");
    assert_eq!(clerk.get(&format!("/items/{id}/pages/1")).await.status, 404);
    assert_eq!(std::fs::read_dir(&cache).unwrap().count(), 0, "cache gone");
    assert!(!data_dir.join(&copy.content_path).exists(), "copy gone");
}

#[tokio::test]
async fn the_page_image_cache_stays_under_its_bound_oldest_out_first() {
    let sample = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("samples/files/mta/000-soknad-bpa.pdf");
    let board = Board::start_full("[forget]\npage_cache_max_mb = 1\n", true).await;
    let data_dir = board.config.data_dir();
    let copy = ContentStore::open(&data_dir)
        .unwrap()
        .copy_in(&sample)
        .unwrap();
    let items: Vec<_> = (0..12)
        .map(|n| {
            let mut item = letter("mta", "soknad_bpa", &format!("Søknad {n}"), "tekst");
            item.content_path = copy.content_path.clone();
            item.pages = vec!["side 1".into(), "side 2".into()];
            item
        })
        .collect();
    let ids = board.seed(&items);
    let mut clerk = board.signed_in("merkantil").await;
    let cache = data_dir.join("cache/pages");
    let size = || -> u64 {
        std::fs::read_dir(&cache)
            .unwrap()
            .map(|e| e.unwrap().metadata().unwrap().len())
            .sum()
    };
    let mut rendered = 0;
    for id in &ids {
        for page in 1..=2 {
            let image = clerk.get(&format!("/items/{id}/pages/{page}")).await;
            assert_eq!(image.status, 200);
            rendered += 1;
            assert!(size() <= 1024 * 1024, "cache over its bound: {}", size());
        }
    }
    let left = std::fs::read_dir(&cache).unwrap().count();
    assert!(
        left < rendered,
        "{left} of {rendered} images kept: nothing pruned"
    );
    // The newest image is still there, the first one went.
    let last = ids.last().unwrap();
    assert!(cache.join(format!("{}-2-110.png", last.0)).exists());
    assert!(!cache.join(format!("{}-1-110.png", ids[0].0)).exists());
}
