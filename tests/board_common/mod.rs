//! Shared set-up for the board tests and benchmark: a real store on disk in a
//! temporary folder, users with real argon2id hashes and TOTP secrets, the
//! real board on 127.0.0.1:0, and the HTTP client with a cookie jar
//! (`tests/common/http.rs`, which tests without the board cast include on
//! their own).
#![allow(dead_code)]

pub use crate::common::http::*;

use std::collections::HashMap;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;

use postmottak::config::Config;
use postmottak::item::{ItemId, Role, UnitId};
use postmottak::store::board::fixture::{self, FixtureItem};
use postmottak::store::events::Actor;
use postmottak::store::users::{self, NewUser};
use postmottak::store::Store;
use postmottak::web::credentials;
use tokio_util::sync::CancellationToken;

pub struct TestUser {
    pub id: i64,
    pub username: String,
    pub secret: String,
}

pub struct Board {
    pub dir: tempfile::TempDir,
    pub config: Arc<Config>,
    pub addr: SocketAddr,
    pub shutdown: CancellationToken,
    pub users: HashMap<String, TestUser>,
}

impl Drop for Board {
    fn drop(&mut self) {
        self.shutdown.cancel();
    }
}

/// Writes a config into a fresh temporary folder; `web_extra` is appended to
/// the `[web]` section.
pub fn write_config(web_extra: &str) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    for folder in [
        "inbox/mta",
        "inbox/omsorg",
        "inbox/rus-psykisk-helse",
        "inbox/digital",
    ] {
        std::fs::create_dir_all(dir.path().join(folder)).unwrap();
    }
    let path = dir.path().join("postmottak.toml");
    std::fs::write(
        &path,
        format!(
            r#"data_dir = "var"

[[units]]
id = "mta"
name = "MTA"
scan_folder = "inbox/mta"

[[units]]
id = "rus-psykisk-helse"
name = "Rus og psykisk helse"
scan_folder = "inbox/rus-psykisk-helse"

[[units]]
id = "omsorg"
name = "Omsorg"
scan_folder = "inbox/omsorg"

[digital]
folder = "inbox/digital"

[web]
{listen}{web_extra}
"#,
            listen = if web_extra.contains("listen") {
                ""
            } else {
                "listen = \"127.0.0.1:0\"\n"
            },
        ),
    )
    .unwrap();
    (dir, path)
}

/// The standard cast: one of each role (caseworkers in two units).
pub const CAST: &[(&str, &str, Role, &[&str])] = &[
    ("merkantil", "Mona Merkantil", Role::Clerk, &["mta"]),
    ("kari", "Kari Saksbehandler", Role::Caseworker, &["mta"]),
    ("per", "Per Saksbehandler", Role::Caseworker, &["mta"]),
    ("olga", "Olga Omsorg", Role::Caseworker, &["omsorg"]),
    ("leder", "Lise Leder", Role::Leader, &["mta"]),
    ("arkiv", "Arne Arkiv", Role::RecordsOfficer, &[]),
    ("admin", "Ada Admin", Role::Admin, &[]),
];

impl Board {
    /// A store with the standard cast, and the board serving it.
    pub async fn start() -> Board {
        Self::start_with("").await
    }

    pub async fn start_with(web_extra: &str) -> Board {
        Self::start_full(web_extra, false).await
    }

    /// `render`: page images through a real extractor (pdfium).
    pub async fn start_full(web_extra: &str, render: bool) -> Board {
        let (dir, path) = write_config(web_extra);
        let config = Arc::new(Config::load(&path).unwrap());
        std::fs::create_dir_all(config.data_dir()).unwrap();
        let users = {
            let mut store = Store::open(&config.database_path()).unwrap();
            add_cast(&mut store)
        };
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let shutdown = CancellationToken::new();
        let renderer = render.then(|| postmottak::web::lazy_renderer(&config));
        tokio::spawn(postmottak::web::serve_on(
            listener,
            config.clone(),
            renderer,
            shutdown.clone(),
        ));
        Board {
            dir,
            config,
            addr,
            shutdown,
            users,
        }
    }

    pub fn store(&self) -> Store {
        Store::open(&self.config.database_path()).unwrap()
    }

    pub fn seed(&self, items: &[FixtureItem]) -> Vec<ItemId> {
        fixture::insert(&self.store(), items).unwrap()
    }

    pub fn user(&self, name: &str) -> &TestUser {
        &self.users[name]
    }

    pub fn client(&self) -> Client {
        Client::new(self.addr)
    }

    /// A client signed in as `name` (password + current TOTP code).
    pub async fn signed_in(&self, name: &str) -> Client {
        let user = self.user(name);
        Client::signed_in(self.addr, &user.username, &user.secret).await
    }

    /// The state of an item, straight from the store.
    pub fn state_of(&self, id: ItemId) -> String {
        self.store()
            .inspect()
            .one("SELECT state FROM items WHERE id = ?1", [id.0], |r| {
                r.get(0)
            })
            .unwrap()
    }

    pub fn allocated_to(&self, id: ItemId) -> Option<i64> {
        self.store()
            .inspect()
            .one(
                "SELECT allocated_to FROM items WHERE id = ?1",
                [id.0],
                |r| r.get(0),
            )
            .unwrap()
    }

    /// Event kinds recorded for an item by a user.
    pub fn events(&self, item: Option<ItemId>, actor: i64) -> Vec<String> {
        let store = self.store();
        store
            .inspect()
            .all(
                "SELECT kind FROM events WHERE item_id IS ?1 AND actor = ?2 ORDER BY id",
                rusqlite::params![item.map(|i| i.0), actor],
                |r| r.get(0),
            )
            .unwrap()
    }
}

pub fn add_cast(store: &mut Store) -> HashMap<String, TestUser> {
    // One hash for everyone keeps set-up fast; each user still has their own
    // TOTP secret.
    let hash = credentials::hash_password(PASSWORD).unwrap();
    let mut out = HashMap::new();
    for (username, name, role, units) in CAST {
        let secret = credentials::generate_totp_secret();
        let units: Vec<UnitId> = units.iter().map(|u| UnitId::new(u).unwrap()).collect();
        let id = users::create(
            store,
            &NewUser {
                username,
                display_name: name,
                email: None,
                role: *role,
                units: &units,
                password_hash: &hash,
                totp_secret: &secret,
            },
            Actor::System,
        )
        .unwrap();
        out.insert(
            username.to_string(),
            TestUser {
                id,
                username: username.to_string(),
                secret,
            },
        );
    }
    out
}

pub fn unit(id: &str) -> UnitId {
    UnitId::new(id).unwrap()
}

/// A queued letter in `unit` (digital, one page).
pub fn letter(unit_id: &str, doc_type: &str, title: &str, text: &str) -> FixtureItem {
    FixtureItem::queued(&unit(unit_id), doc_type, title, text)
}
