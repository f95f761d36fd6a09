//! The board tests' HTTP client: reqwest with a cookie jar of our own, no
//! redirects followed and no connection kept, so a test sees exactly the
//! status, headers and cookies the server sends. Signs in the way a person
//! does (sign-in page for the CSRF token, then password + current TOTP
//! code).
//!
//! The jar is a plain map (tests plant and inspect cookies by name) and
//! ignores `Secure`, so a `__Host-` cookie set over loopback HTTP comes
//! back as a browser on `localhost` would send it.
#![allow(dead_code)]

use std::collections::HashMap;
use std::net::SocketAddr;
use std::time::{SystemTime, UNIX_EPOCH};

use postmottak::web::credentials;

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

/// An HTTP client with a cookie jar.
pub struct Client {
    pub addr: SocketAddr,
    pub cookies: HashMap<String, String>,
    http: reqwest::Client,
}

impl Client {
    pub fn new(addr: SocketAddr) -> Client {
        let http = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .pool_max_idle_per_host(0)
            .build()
            .expect("an HTTP client");
        Client {
            addr,
            cookies: HashMap::new(),
            http,
        }
    }

    pub async fn get(&mut self, path: &str) -> Response {
        self.send("GET", path, None).await
    }

    pub async fn post(&mut self, path: &str, form: &[(&str, &str)]) -> Response {
        self.send("POST", path, Some(form)).await
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

    /// `form` is sent `application/x-www-form-urlencoded`, as a browser does.
    pub async fn send(
        &mut self,
        method: &str,
        path: &str,
        form: Option<&[(&str, &str)]>,
    ) -> Response {
        let method = reqwest::Method::from_bytes(method.as_bytes()).unwrap();
        let mut req = self
            .http
            .request(method, format!("http://{}{path}", self.addr));
        let cookie = self
            .cookies
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join("; ");
        if !cookie.is_empty() {
            req = req.header(reqwest::header::COOKIE, cookie);
        }
        if let Some(form) = form {
            req = req.form(form);
        }
        let resp = req.send().await.unwrap();
        let status = resp.status().as_u16();
        let headers: Vec<(String, String)> = resp
            .headers()
            .iter()
            .map(|(k, v)| {
                let value = String::from_utf8_lossy(v.as_bytes()).into_owned();
                (k.as_str().to_owned(), value)
            })
            .collect();
        let bytes = resp.bytes().await.unwrap().to_vec();
        let resp = Response {
            status,
            headers,
            body: String::from_utf8_lossy(&bytes).into_owned(),
            bytes,
        };
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
