//! Sign-in, sessions and CSRF.
//!
//! One sign-in form asks for user name, password and the TOTP code; all three
//! must match. Failures count towards a lockout; the message never says which
//! part was wrong. A session is a random token in an HttpOnly,
//! SameSite=Strict cookie (Secure, with the `__Host-` prefix, when the board is
//! served over https); the server keeps only its hash, with an idle timeout.
//!
//! **Invariant:** every state-changing request is a POST whose form carries
//! the session's CSRF token ([`Checked`]); the sign-in form, which has no
//! session yet, carries a token bound to a short-lived cookie instead.

use std::time::{SystemTime, UNIX_EPOCH};

use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::header::{COOKIE, SET_COOKIE};
use axum::http::request::Parts;
use axum::http::HeaderMap;
use axum::response::{AppendHeaders, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use base64::Engine;
use chrono::{Duration, Utc};
use maud::html;
use rand::RngCore;
use serde::de::DeserializeOwned;
use serde::Deserialize;

use crate::access;
use crate::item::Role;
use crate::store::users::{self, User};
use crate::store::{sessions, sign_in};
use crate::web::{credentials, layout, login_guard, AppState, WebError};

const LOGIN_COOKIE: &str = "pm_login";

pub(crate) fn routes() -> Router<AppState> {
    Router::new()
        .route("/login", get(login_page).post(login))
        .route("/logout", post(logout))
}

/// A random URL-safe token of 32 bytes.
pub fn random_token() -> String {
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

fn session_cookie_name(state: &AppState) -> &'static str {
    if state.web.secure_cookies() {
        "__Host-pm_session"
    } else {
        "pm_session"
    }
}

fn cookie_attrs(state: &AppState) -> &'static str {
    if state.web.secure_cookies() {
        "Path=/; HttpOnly; SameSite=Strict; Secure"
    } else {
        "Path=/; HttpOnly; SameSite=Strict"
    }
}

/// The value of cookie `name`, if the request has it.
fn cookie<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v)
}

fn ct_eq(a: &str, b: &str) -> bool {
    subtle::ConstantTimeEq::ct_eq(a.as_bytes(), b.as_bytes()).into()
}

fn unix_now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
}

/// The signed-in user of a request. Extracting it fails (redirect to
/// `/login`) without a live session.
#[derive(Debug, Clone)]
pub struct Viewer {
    pub user: User,
    pub csrf: String,
}

impl FromRequestParts<AppState> for Viewer {
    type Rejection = WebError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, WebError> {
        let token = cookie(&parts.headers, session_cookie_name(state))
            .ok_or(WebError::Unauthenticated)?
            .to_owned();
        let idle = Duration::minutes(i64::from(state.web.session_idle_minutes));
        let max_age = Duration::hours(i64::from(state.web.session_max_hours));
        state
            .db
            .run(move |store| {
                let session = sessions::lookup(store, &token, idle, max_age)?
                    .ok_or(WebError::Unauthenticated)?;
                let user = users::get(store, session.user_id)?.ok_or(WebError::Unauthenticated)?;
                if user.disabled {
                    return Err(WebError::Unauthenticated);
                }
                Ok(Viewer {
                    user,
                    csrf: session.csrf_token,
                })
            })
            .await
    }
}

/// A form that carries a CSRF token.
pub trait CsrfForm {
    fn csrf(&self) -> &str;
}

/// A POSTed form from a signed-in user whose CSRF token matched their session.
pub struct Checked<T>(pub Viewer, pub T);

impl<T> FromRequest<AppState> for Checked<T>
where
    T: DeserializeOwned + CsrfForm + Send,
{
    type Rejection = WebError;

    async fn from_request(req: Request, state: &AppState) -> Result<Self, WebError> {
        let (mut parts, body) = req.into_parts();
        let viewer = Viewer::from_request_parts(&mut parts, state).await?;
        let req = Request::from_parts(parts, body);
        let Form(form) = Form::<T>::from_request(req, state)
            .await
            .map_err(|_| WebError::Csrf)?;
        if !ct_eq(form.csrf(), &viewer.csrf) {
            return Err(WebError::Csrf);
        }
        Ok(Checked(viewer, form))
    }
}

/// The landing page of a role: the first page its menu opens.
pub(crate) fn home_of(role: Role) -> &'static str {
    if access::sees_queue(&role) {
        "/"
    } else if access::can_admin(&role) {
        "/admin"
    } else {
        "/audit"
    }
}

async fn login_page(state: axum::extract::State<AppState>, headers: HeaderMap) -> Response {
    if Viewer::from_request_parts(&mut request_parts(headers), &state)
        .await
        .is_ok()
    {
        return Redirect::to("/").into_response();
    }
    login_form(&state, None)
}

/// Parts holding only `headers`, for reusing the session extractor.
fn request_parts(headers: HeaderMap) -> Parts {
    let (mut parts, ()) = Request::new(()).into_parts();
    parts.headers = headers;
    parts
}

/// The sign-in page with a fresh sign-in CSRF token in its cookie.
fn login_form(state: &AppState, message: Option<&str>) -> Response {
    let token = random_token();
    let body = html! {
        h1 { "Logg inn" }
        @if let Some(message) = message {
            p.alert role="alert" { (message) }
        }
        form.login method="post" action="/login" {
            input type="hidden" name="csrf" value=(token);
            p {
                label for="username" { "Brukernavn" }
                input #username name="username" type="text" autocomplete="username" required autofocus;
            }
            p {
                label for="password" { "Passord" }
                input #password name="password" type="password" autocomplete="current-password" required;
            }
            p {
                label for="code" { "Engangskode fra autentiseringsappen" }
                input #code name="code" type="text" inputmode="numeric" autocomplete="one-time-code"
                    pattern="[0-9]{6}" maxlength="6" required;
            }
            button type="submit" { "Logg inn" }
        }
    };
    let cookie = format!(
        "{LOGIN_COOKIE}={token}; Max-Age=3600; {}",
        cookie_attrs(state)
    );
    (
        [(SET_COOKIE, cookie)],
        layout::page("Logg inn", None, false, body),
    )
        .into_response()
}

#[derive(Deserialize)]
struct LoginForm {
    csrf: String,
    username: String,
    password: String,
    code: String,
}

enum LoginOutcome {
    Success { token: String, role: Role },
    Failed,
}

/// The one answer to every failed sign-in: wrong name, wrong password, wrong
/// code, locked account or unknown user all look alike (and take alike: a
/// locked or unknown name still costs one password check), so the form
/// tells nobody which user names exist.
const FAILED: &str = "Feil brukernavn, passord eller engangskode – eller kontoen er låst en stund \
etter for mange mislykkede forsøk. Prøv igjen senere, eller kontakt systemadministrator.";
const BUSY: &str = "Mange logger inn akkurat nå. Vent litt og prøv igjen.";
const TOO_MANY: &str =
    "For mange innloggingsforsøk fra denne maskinen. Vent et minutt og prøv igjen.";

/// The peer address, when the server was started with connect info.
fn client_addr(headers: &Request) -> Option<std::net::IpAddr> {
    headers
        .extensions()
        .get::<axum::extract::ConnectInfo<std::net::SocketAddr>>()
        .map(|c| c.0.ip())
}

async fn login(state: axum::extract::State<AppState>, req: Request) -> Response {
    let addr = client_addr(&req);
    let headers = req.headers().clone();
    if !login_guard::allow(
        &state.login_buckets,
        addr,
        state.web.login_attempts_per_minute,
    ) {
        tracing::warn!("for mange innloggingsforsøk fra én adresse");
        return (
            axum::http::StatusCode::TOO_MANY_REQUESTS,
            [(axum::http::header::RETRY_AFTER, "60")],
            login_form(&state, Some(TOO_MANY)),
        )
            .into_response();
    }
    let form = Form::<LoginForm>::from_request(req, &state).await;
    let Ok(Form(form)) = form else {
        return WebError::BadRequest("Skjemaet for innlogging er ufullstendig.".into())
            .into_response();
    };
    let cookie_token = cookie(&headers, LOGIN_COOKIE).unwrap_or_default();
    if cookie_token.is_empty() || !ct_eq(cookie_token, &form.csrf) {
        return WebError::Csrf.into_response();
    }
    // Bounded memory: only a few argon2 checks at once, whoever asks.
    let Some(turn) = login_guard::turn().await else {
        return (
            axum::http::StatusCode::SERVICE_UNAVAILABLE,
            [(axum::http::header::RETRY_AFTER, "5")],
            login_form(&state, Some(BUSY)),
        )
            .into_response();
    };
    let web = state.web.clone();
    let outcome = state
        .db
        .run(move |store| {
            let outcome = check_login(store, &web, &form);
            drop(turn);
            outcome
        })
        .await;
    match outcome {
        Ok(LoginOutcome::Success { token, role }) => {
            let cookie = format!(
                "{}={token}; {}",
                session_cookie_name(&state),
                cookie_attrs(&state)
            );
            let clear = format!("{LOGIN_COOKIE}=; Max-Age=0; {}", cookie_attrs(&state));
            (
                AppendHeaders([(SET_COOKIE, cookie), (SET_COOKIE, clear)]),
                Redirect::to(home_of(role)),
            )
                .into_response()
        }
        Ok(LoginOutcome::Failed) => login_form(&state, Some(FAILED)),
        Err(e) => e.into_response(),
    }
}

/// The whole credential check, on the blocking pool (argon2 is slow on
/// purpose). The attempt is counted before the secrets are checked and the
/// TOTP step consumed atomically ([`sign_in`]), so concurrency cannot beat
/// the lockout limit or reuse a code.
fn check_login(
    store: &mut crate::store::Store,
    web: &crate::web::WebConfig,
    form: &LoginForm,
) -> Result<LoginOutcome, WebError> {
    let now = Utc::now();
    let until = now + Duration::minutes(i64::from(web.lockout_minutes));
    let reservation = sign_in::reserve(
        store,
        form.username.trim(),
        web.lockout_failures.max(1),
        until,
        now,
    )
    .map_err(|e| WebError::Internal(e.to_string()))?;
    let attempt = match reservation {
        sign_in::Reservation::Unknown | sign_in::Reservation::Locked { .. } => {
            credentials::dummy_verify(&form.password);
            return Ok(LoginOutcome::Failed);
        }
        sign_in::Reservation::Go(attempt) => attempt,
    };
    let password_ok = attempt
        .password_hash
        .as_deref()
        .map(|h| credentials::verify_password(h, &form.password))
        .unwrap_or_else(|| {
            credentials::dummy_verify(&form.password);
            false
        });
    let step = attempt
        .totp_secret
        .as_deref()
        .and_then(|s| credentials::check_totp(s, &form.code, unix_now(), attempt.totp_last_step));
    if let (true, false, Some(step)) = (password_ok, attempt.disabled, step) {
        if sign_in::succeed(store, attempt.user_id, step)
            .map_err(|e| WebError::Internal(e.to_string()))?
        {
            let user = users::get(store, attempt.user_id)?.ok_or(WebError::Unauthenticated)?;
            let token = random_token();
            sessions::create(store, &token, attempt.user_id, &random_token())?;
            sessions::purge_idle(
                store,
                Utc::now() - Duration::minutes(i64::from(web.session_idle_minutes)),
            )?;
            return Ok(LoginOutcome::Success {
                token,
                role: user.role,
            });
        }
    }
    sign_in::fail(store, &attempt).map_err(|e| WebError::Internal(e.to_string()))?;
    Ok(LoginOutcome::Failed)
}

#[derive(Deserialize)]
pub(crate) struct CsrfOnly {
    csrf: String,
}

impl CsrfForm for CsrfOnly {
    fn csrf(&self) -> &str {
        &self.csrf
    }
}

async fn logout(
    state: axum::extract::State<AppState>,
    headers: HeaderMap,
    Checked(viewer, _): Checked<CsrfOnly>,
) -> Result<Response, WebError> {
    let token = cookie(&headers, session_cookie_name(&state))
        .unwrap_or_default()
        .to_owned();
    let user_id = viewer.user.id;
    state
        .db
        .run(move |store| {
            sessions::delete(store, &token)?;
            crate::store::board::audit(
                store,
                None,
                crate::store::events::Actor::User(user_id),
                "logout",
                &serde_json::json!({}),
            )?;
            Ok(())
        })
        .await?;
    let clear = format!(
        "{}=; Max-Age=0; {}",
        session_cookie_name(&state),
        cookie_attrs(&state)
    );
    Ok(([(SET_COOKIE, clear)], Redirect::to("/login")).into_response())
}
