//! Benchmark (not a test): time to serve the queue page with 100 000 items in
//! the store. Target (DESIGN.md §11): under 100 ms.
//!
//! Set-up: a real store on disk with 100 000 items — 99 700 taken into the
//! case system over the last two years (allocation history for the
//! suggestions), 300 waiting in three units — each with a person-ID hash
//! drawn from 30 000 people, so "same person" suggestions hit. A meeting
//! leader of all three units loads `/` over loopback HTTP; the time measured
//! is request to last byte, so it includes (and bounds) the server time.
//!
//! Run: `cargo bench --bench board_queue` (add `-- --items N` for another size;
//! `BOARD_BENCH_KEEP=1` keeps the store for a look with `sqlite3`).

#[path = "../tests/board_common/mod.rs"]
mod board_common;
#[path = "../tests/common/mod.rs"]
mod common;

use std::sync::Arc;
use std::time::{Duration, Instant};

use board_common::*;
use chrono::Utc;
use postmottak::config::Config;
use postmottak::item::{Role, Source, UnitId};
use postmottak::store::board::fixture::{self, FixtureItem, FixturePerson, FixtureState};
use postmottak::store::events::Actor;
use postmottak::store::users::{self, NewUser};
use postmottak::store::Store;
use postmottak::web::credentials;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use tokio_util::sync::CancellationToken;

const UNITS: [&str; 3] = ["mta", "rus-psykisk-helse", "omsorg"];
const QUEUED_PER_UNIT: usize = 100;
const CASEWORKERS_PER_UNIT: usize = 10;
const PEOPLE: u32 = 30_000;
const RUNS: usize = 50;

fn main() {
    // `cargo test --all-targets` runs bench targets too, without `--bench`.
    if !std::env::args().any(|a| a == "--bench") {
        println!("board_queue: skipped (run `cargo bench --bench board_queue`)");
        return;
    }
    let items: usize = std::env::args()
        .skip_while(|a| a != "--items")
        .nth(1)
        .and_then(|n| n.parse().ok())
        .unwrap_or(100_000);
    let runtime = tokio::runtime::Runtime::new().unwrap();
    runtime.block_on(run(items));
}

async fn run(total: usize) {
    let (dir, path) = write_config("");
    let config = Arc::new(Config::load(&path).unwrap());
    std::fs::create_dir_all(config.data_dir()).unwrap();
    let mut store = Store::open(&config.database_path()).unwrap();
    let cast = add_cast(&mut store);
    let hash = credentials::hash_password(PASSWORD).unwrap();
    let secret = credentials::generate_totp_secret();
    let all_units: Vec<UnitId> = UNITS.iter().map(|u| UnitId::new(u).unwrap()).collect();
    users::create(
        &store,
        &NewUser {
            username: "moteleder",
            display_name: "Møteleder",
            email: None,
            role: Role::Leader,
            units: &all_units,
            password_hash: &hash,
            totp_secret: &secret,
        },
        Actor::System,
    )
    .unwrap();
    let mut caseworkers: Vec<Vec<i64>> = Vec::new();
    for unit in &all_units {
        let mut ids = Vec::new();
        for n in 0..CASEWORKERS_PER_UNIT {
            let username = format!("sb-{unit}-{n}");
            ids.push(
                users::create(
                    &store,
                    &NewUser {
                        username: &username,
                        display_name: &format!("Saksbehandler {unit} {n}"),
                        email: None,
                        role: Role::Caseworker,
                        units: std::slice::from_ref(unit),
                        password_hash: &hash,
                        totp_secret: &secret,
                    },
                    Actor::System,
                )
                .unwrap(),
            );
        }
        caseworkers.push(ids);
    }
    drop(cast);

    // The document types from the rules file, the one list of them.
    let taxonomy = postmottak::classify::Taxonomy::embedded();
    let types: Vec<&str> = taxonomy.types().iter().map(|t| t.id.as_str()).collect();
    let started = Instant::now();
    let mut rng = StdRng::seed_from_u64(2026);
    let queued = QUEUED_PER_UNIT * UNITS.len();
    let history = total.saturating_sub(queued);
    let now = Utc::now();
    let mut batch = Vec::with_capacity(10_000);
    for n in 0..total {
        let u = rng.gen_range(0..UNITS.len());
        let doc_type = types[rng.gen_range(0..types.len())];
        let person = rng.gen_range(0..PEOPLE);
        let waiting = n >= history;
        let unit_index = if waiting { n % UNITS.len() } else { u };
        let mut item = FixtureItem::queued(
            &all_units[unit_index],
            doc_type,
            &format!("Brev nummer {n}"),
            "Brevtekst til ytelsesmåling.",
        );
        item.source = if n % 3 == 0 {
            Source::Scan
        } else {
            Source::Digital
        };
        item.urgent = waiting && n % 17 == 0;
        item.leader_review = matches!(doc_type, "soknad_bpa" | "soknad_omsorgsstonad" | "klage");
        item.persons = vec![FixturePerson {
            keyed_hash: format!("person-{person}"),
            masked: "010180*****".into(),
        }];
        if waiting {
            item.received_at = now - chrono::Duration::minutes(rng.gen_range(0..3 * 24 * 60));
        } else {
            item.received_at = now - chrono::Duration::minutes(rng.gen_range(0..2 * 365 * 24 * 60));
            let who = caseworkers[unit_index][rng.gen_range(0..CASEWORKERS_PER_UNIT)];
            item.state = FixtureState::Registered {
                allocated_to: Some(who),
            };
        }
        batch.push(item);
        if batch.len() == batch.capacity() {
            fixture::insert(&store, &batch).unwrap();
            batch.clear();
        }
    }
    fixture::insert(&store, &batch).unwrap();
    fixture::analyze(&store).unwrap();
    eprintln!(
        "set-up: {total} items ({queued} waiting) in {:.1} s",
        started.elapsed().as_secs_f64()
    );
    drop(store);

    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let shutdown = CancellationToken::new();
    let server = tokio::spawn(postmottak::web::serve_on(
        listener,
        config.clone(),
        None,
        shutdown.clone(),
    ));
    let mut client = Client::new(addr);
    let resp = client
        .login("moteleder", PASSWORD, &totp_now(&secret))
        .await;
    assert_eq!(resp.status, 303, "sign-in failed");

    let mut times: Vec<Duration> = Vec::with_capacity(RUNS);
    for run in 0..RUNS + 5 {
        let t = Instant::now();
        let page = client.get("/").await;
        let elapsed = t.elapsed();
        assert_eq!(page.status, 200);
        assert_eq!(page.body.matches("<tr data-item=").count(), queued);
        if run >= 5 {
            times.push(elapsed);
        }
    }
    times.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    let median = times[times.len() / 2];
    let p95 = times[times.len() * 95 / 100];
    println!(
        "board_queue: {total} items, {queued} rows on the page: min {:.1} ms, median {:.1} ms, p95 {:.1} ms, max {:.1} ms (target < 100 ms) — {}",
        ms(times[0]),
        ms(median),
        ms(p95),
        ms(times[times.len() - 1]),
        if median < Duration::from_millis(100) { "met" } else { "NOT met" }
    );
    shutdown.cancel();
    let _ = server.await;
    if std::env::var_os("BOARD_BENCH_KEEP").is_some() {
        eprintln!("kept: {}", dir.keep().display());
    }
}
