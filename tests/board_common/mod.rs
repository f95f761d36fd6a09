//! Shared set-up for the board tests and benchmark: a real store on disk in a
//! temporary folder, users with real argon2id hashes and TOTP secrets, the
//! real board on 127.0.0.1:0, and a small HTTP/1.1 client with a cookie jar
//! (plain TCP, so the tests see exactly the headers the server sends).
#![allow(dead_code)]

use std::collections::HashMap;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{SystemTime, UNIX_EPOCH};

use postmottak::config::Config;
use postmottak::item::{ItemId, Role, UnitId};
use postmottak::store::board::fixture::{self, FixtureItem};
use postmottak::store::events::Actor;
use postmottak::store::users::{self, NewUser};
use postmottak::store::Store;
use postmottak::web::credentials;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio_util::sync::CancellationToken;

pub const PASSWORD: &str = "korrekt hest batteri";

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
        fixture::insert(&mut self.store(), items).unwrap()
    }

    pub fn user(&self, name: &str) -> &TestUser {
        &self.users[name]
    }

    pub fn client(&self) -> Client {
        Client::new(self.addr)
    }

    /// A client signed in as `name` (password + current TOTP code).
    pub async fn signed_in(&self, name: &str) -> Client {
        let mut client = self.client();
        let user = self.user(name);
        let resp = client
            .login(&user.username, PASSWORD, &totp_now(&user.secret))
            .await;
        assert_eq!(resp.status, 303, "sign-in as {name} failed: {}", resp.body);
        client
    }

    /// The state of an item, straight from the store.
    pub fn state_of(&self, id: ItemId) -> String {
        self.store()
            .conn()
            .query_row("SELECT state FROM items WHERE id = ?1", [id.0], |r| {
                r.get(0)
            })
            .unwrap()
    }

    pub fn allocated_to(&self, id: ItemId) -> Option<i64> {
        self.store()
            .conn()
            .query_row(
                "SELECT allocated_to FROM items WHERE id = ?1",
                [id.0],
                |r| r.get(0),
            )
            .unwrap()
    }

    /// Event kinds recorded for an item by a user.
    pub fn events(&self, item: Option<ItemId>, actor: i64) -> Vec<String> {
        let store = self.store();
        let mut stmt = store
            .conn()
            .prepare("SELECT kind FROM events WHERE item_id IS ?1 AND actor = ?2 ORDER BY id")
            .unwrap();
        stmt.query_map(rusqlite::params![item.map(|i| i.0), actor], |r| r.get(0))
            .unwrap()
            .map(Result::unwrap)
            .collect()
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

pub fn totp_now(secret: &str) -> String {
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs();
    credentials::code_at(secret, now).unwrap()
}

pub fn unit(id: &str) -> UnitId {
    UnitId::new(id).unwrap()
}

/// An HTTP response, body as text.
#[derive(Debug)]
pub struct Response {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: String,
    pub bytes: Vec<u8>,
}

impl Response {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    pub fn headers_named(&self, name: &str) -> Vec<&str> {
        self.headers
            .iter()
            .filter(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
            .collect()
    }

    /// The first `name="csrf" value="…"` in the page.
    pub fn csrf(&self) -> String {
        let marker = "name=\"csrf\" value=\"";
        let start = self.body.find(marker).expect("page has a CSRF field") + marker.len();
        let end = self.body[start..].find('"').unwrap();
        self.body[start..start + end].to_owned()
    }
}

/// A minimal HTTP/1.1 client with a cookie jar.
pub struct Client {
    pub addr: SocketAddr,
    pub cookies: HashMap<String, String>,
}

pub fn form_encode(pairs: &[(&str, &str)]) -> String {
    fn enc(s: &str) -> String {
        s.bytes()
            .map(|b| match b {
                b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                    (b as char).to_string()
                }
                b' ' => "+".into(),
                _ => format!("%{b:02X}"),
            })
            .collect()
    }
    pairs
        .iter()
        .map(|(k, v)| format!("{}={}", enc(k), enc(v)))
        .collect::<Vec<_>>()
        .join("&")
}

impl Client {
    pub fn new(addr: SocketAddr) -> Client {
        Client {
            addr,
            cookies: HashMap::new(),
        }
    }

    pub async fn get(&mut self, path: &str) -> Response {
        self.send("GET", path, None).await
    }

    pub async fn post(&mut self, path: &str, form: &[(&str, &str)]) -> Response {
        self.send("POST", path, Some(form_encode(form))).await
    }

    /// GET the sign-in page (for its CSRF cookie and token), then sign in.
    pub async fn login(&mut self, username: &str, password: &str, code: &str) -> Response {
        let page = self.get("/login").await;
        assert_eq!(page.status, 200);
        let csrf = page.csrf();
        self.post(
            "/login",
            &[
                ("csrf", &csrf),
                ("username", username),
                ("password", password),
                ("code", code),
            ],
        )
        .await
    }

    pub async fn send(&mut self, method: &str, path: &str, body: Option<String>) -> Response {
        let mut stream = tokio::net::TcpStream::connect(self.addr).await.unwrap();
        let cookie = self
            .cookies
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join("; ");
        let mut req = format!(
            "{method} {path} HTTP/1.1\r\nHost: {}\r\nConnection: close\r\n",
            self.addr
        );
        if !cookie.is_empty() {
            req.push_str(&format!("Cookie: {cookie}\r\n"));
        }
        let body = body.unwrap_or_default();
        if method == "POST" {
            req.push_str("Content-Type: application/x-www-form-urlencoded\r\n");
            req.push_str(&format!("Content-Length: {}\r\n", body.len()));
        }
        req.push_str("\r\n");
        req.push_str(&body);
        stream.write_all(req.as_bytes()).await.unwrap();
        let mut raw = Vec::new();
        stream.read_to_end(&mut raw).await.unwrap();
        let resp = parse_response(&raw);
        for value in resp.headers_named("set-cookie") {
            let pair = value.split(';').next().unwrap_or_default();
            if let Some((k, v)) = pair.split_once('=') {
                if v.is_empty() || value.contains("Max-Age=0") {
                    self.cookies.remove(k);
                } else {
                    self.cookies.insert(k.to_owned(), v.to_owned());
                }
            }
        }
        resp
    }
}

fn parse_response(raw: &[u8]) -> Response {
    let split = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .expect("a complete HTTP response");
    let head = String::from_utf8_lossy(&raw[..split]).to_string();
    let mut body = raw[split + 4..].to_vec();
    let mut lines = head.split("\r\n");
    let status: u16 = lines
        .next()
        .unwrap()
        .split(' ')
        .nth(1)
        .unwrap()
        .parse()
        .unwrap();
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_owned(), v.trim().to_owned()))
        .collect();
    let chunked = headers
        .iter()
        .any(|(k, v)| k.eq_ignore_ascii_case("transfer-encoding") && v.contains("chunked"));
    if chunked {
        body = dechunk(&body);
    }
    Response {
        status,
        headers,
        body: String::from_utf8_lossy(&body).to_string(),
        bytes: body,
    }
}

fn dechunk(mut data: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    while let Some(eol) = data.windows(2).position(|w| w == b"\r\n") {
        let size_text = String::from_utf8_lossy(&data[..eol]).to_string();
        let size = usize::from_str_radix(size_text.split(';').next().unwrap().trim(), 16).unwrap();
        data = &data[eol + 2..];
        if size == 0 {
            break;
        }
        out.extend_from_slice(&data[..size]);
        data = &data[size + 2..];
    }
    out
}

/// A queued letter in `unit` (digital, one page).
pub fn letter(unit_id: &str, doc_type: &str, title: &str, text: &str) -> FixtureItem {
    FixtureItem::queued(&unit(unit_id), doc_type, title, text)
}
