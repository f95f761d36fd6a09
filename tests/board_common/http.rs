//! A small HTTP/1.1 client with a cookie jar for the board tests: plain TCP,
//! one request per connection, so a test sees exactly the status, headers
//! and cookies the server sends. Signs in the way a person does (sign-in
//! page for the CSRF token, then password + current TOTP code).
//!
//! Included by `board_common` and, on its own, by tests that seed their own
//! users (`#[path = "board_common/http.rs"] mod http;`).
#![allow(dead_code)]

use std::collections::HashMap;
use std::net::SocketAddr;
use std::time::{SystemTime, UNIX_EPOCH};

use postmottak::web::credentials;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// Every test user's password.
pub const PASSWORD: &str = "korrekt hest batteri";

pub fn totp_now(secret: &str) -> String {
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs();
    credentials::code_at(secret, now).unwrap()
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

    /// A client signed in as `username` with [`PASSWORD`] and the current
    /// code for `secret`. A code is accepted once: sign each user in once
    /// per test.
    pub async fn signed_in(addr: SocketAddr, username: &str, secret: &str) -> Client {
        let mut client = Client::new(addr);
        let resp = client.login(username, PASSWORD, &totp_now(secret)).await;
        assert_eq!(
            resp.status, 303,
            "sign-in as {username} failed: {}",
            resp.body
        );
        client
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
