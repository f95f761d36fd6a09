//! The records officer's board pages against the real board on loopback:
//! sign in with password + TOTP, see the shelves, confirm a ready shelf
//! (and be refused for a blocked one), open a report as HTML and CSV; other
//! roles are turned away.

#[path = "support_mail/seed.rs"]
mod seed;

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{SystemTime, UNIX_EPOCH};

use postmottak::item::Role;
use postmottak::store::events::Actor;
use postmottak::store::users::{self, NewUser};
use postmottak::web::credentials;
use seed::*;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio_util::sync::CancellationToken;

const PASSWORD: &str = "korrekt hest batteri";

struct Response {
    status: u16,
    headers: Vec<(String, String)>,
    body: String,
}

impl Response {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    fn csrf(&self) -> String {
        let re = regex::Regex::new(r#"name="csrf" value="([^"]+)""#).unwrap();
        re.captures(&self.body).unwrap()[1].to_owned()
    }
}

/// A tiny HTTP/1.1 client with a cookie jar (one request per connection).
struct Client {
    addr: SocketAddr,
    cookies: Vec<(String, String)>,
}

fn encode(pairs: &[(&str, &str)]) -> String {
    pairs
        .iter()
        .map(|(k, v)| {
            let enc: String = v
                .bytes()
                .map(|b| match b {
                    b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' => {
                        (b as char).to_string()
                    }
                    _ => format!("%{b:02X}"),
                })
                .collect();
            format!("{k}={enc}")
        })
        .collect::<Vec<_>>()
        .join("&")
}

impl Client {
    async fn send(&mut self, method: &str, path: &str, form: Option<&[(&str, &str)]>) -> Response {
        let mut stream = tokio::net::TcpStream::connect(self.addr).await.unwrap();
        let cookie = self
            .cookies
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join("; ");
        let body = form.map(encode).unwrap_or_default();
        let mut req = format!(
            "{method} {path} HTTP/1.1\r\nHost: {}\r\nConnection: close\r\nCookie: {cookie}\r\n",
            self.addr
        );
        if form.is_some() {
            req.push_str(&format!(
                "Content-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\n",
                body.len()
            ));
        }
        req.push_str("\r\n");
        req.push_str(&body);
        stream.write_all(req.as_bytes()).await.unwrap();
        let mut raw = Vec::new();
        stream.read_to_end(&mut raw).await.unwrap();
        let text = String::from_utf8_lossy(&raw).into_owned();
        let (head, body) = text.split_once("\r\n\r\n").unwrap();
        let mut lines = head.lines();
        let status = lines
            .next()
            .unwrap()
            .split(' ')
            .nth(1)
            .unwrap()
            .parse()
            .unwrap();
        let headers: Vec<(String, String)> = lines
            .filter_map(|l| l.split_once(": "))
            .map(|(k, v)| (k.to_owned(), v.to_owned()))
            .collect();
        for (_, v) in headers
            .iter()
            .filter(|(k, _)| k.eq_ignore_ascii_case("set-cookie"))
        {
            let pair = v.split(';').next().unwrap();
            let (k, val) = pair.split_once('=').unwrap();
            self.cookies.retain(|(n, _)| n != k);
            if !val.is_empty() {
                self.cookies.push((k.to_owned(), val.to_owned()));
            }
        }
        Response {
            status,
            headers,
            body: body.to_owned(),
        }
    }

    async fn get(&mut self, path: &str) -> Response {
        self.send("GET", path, None).await
    }

    async fn post(&mut self, path: &str, form: &[(&str, &str)]) -> Response {
        self.send("POST", path, Some(form)).await
    }

    async fn sign_in(addr: SocketAddr, username: &str, secret: &str) -> Client {
        let mut client = Client {
            addr,
            cookies: Vec::new(),
        };
        let page = client.get("/login").await;
        let now = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap()
            .as_secs();
        let code = credentials::code_at(secret, now).unwrap();
        let csrf = page.csrf();
        let done = client
            .post(
                "/login",
                &[
                    ("csrf", &csrf),
                    ("username", username),
                    ("password", PASSWORD),
                    ("code", &code),
                ],
            )
            .await;
        assert_eq!(done.status, 303, "sign-in failed: {}", done.body);
        client
    }
}

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

    let mut kari = Client::sign_in(addr, "kari", &worker).await;
    assert_eq!(kari.get("/shelves").await.status, 403);
    assert_eq!(kari.get("/reports/deviation").await.status, 403);
    assert_eq!(kari.get("/reports/backlog").await.status, 200);

    let mut anne = Client::sign_in(addr, "arkiv", &officer).await;
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
        july.body.contains("makulert 2026-10-05 av Anne Arkiv"),
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
        .conn()
        .query_row(
            "SELECT COUNT(*) FROM events WHERE kind IN ('shelf_view','shelves_view','report_view')",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert!(views >= 5, "page views are audit events ({views})");
}
