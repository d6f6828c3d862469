//! `/login` and `/logout`: the only routes that issue or clear the session
//! cookie.

use std::sync::Arc;

use axum::extract::{Query, State};
use axum::http::header::{LOCATION, RETRY_AFTER, SET_COOKIE};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use axum::{Extension, Form};
use serde::Deserialize;

use super::Auth;
use super::client::ClientInfo;
use super::rate_limit::{Attempt, Locked, Scope};
use crate::app::login::{LoginNotice, LoginPage, LogoutPage, render_document};
use crate::server::paths::{LOGIN_PATH, LOGOUT_PATH};
use crate::server::pwa::site_assets;

/// Longest password looked at; longer guesses fail without hashing.
const MAX_PASSWORD_LEN: usize = 4096;
/// Longest `next` kept; longer ones fall back to `/`.
const MAX_NEXT_LEN: usize = 2048;
/// Largest login form read (both fields at their longest, percent-encoded).
pub const MAX_FORM_BYTES: usize = 3 * (MAX_PASSWORD_LEN + MAX_NEXT_LEN) + 64;

#[derive(Debug, Default, Deserialize)]
pub struct LoginQuery {
    #[serde(default)]
    next: Option<String>,
    #[serde(default)]
    token: Option<String>,
    #[serde(default)]
    logged_out: Option<String>,
}

#[derive(Debug, Deserialize)]
pub struct LoginForm {
    #[serde(default)]
    password: String,
    #[serde(default)]
    next: String,
}

#[derive(Debug, Default, Deserialize)]
pub struct LogoutForm {
    #[serde(default)]
    everywhere: Option<String>,
}

/// `GET /login`: the form, or straight on when already logged in or when
/// the one-time startup link is used.
pub async fn show_login(
    State(auth): State<Arc<Auth>>,
    client: Option<Extension<ClientInfo>>,
    headers: HeaderMap,
    Query(query): Query<LoginQuery>,
) -> Response {
    let next = safe_next(query.next.as_deref());
    let https = client.is_some_and(|c| c.https);
    if let Some(token) = query.token.as_deref() {
        if auth.redeem_one_time_token(token) {
            tracing::info!("logged in with the one-time startup link");
            return logged_in(&auth, https, &next);
        }
        let notice = LoginNotice::Error(
            "That login link was already used or is not valid: enter the password.".into(),
        );
        return page(StatusCode::UNAUTHORIZED, next, Some(notice));
    }
    if auth.session(&headers).is_ok() {
        return redirect(&next);
    }
    let notice = query
        .logged_out
        .map(|_| LoginNotice::Info("You are logged out.".into()));
    page(StatusCode::OK, next, notice)
}

/// `POST /login`: checks the password, within the login limits
/// (`rate_limit`) and a few checks at a time (`PasswordGate`).
pub async fn submit_login(
    State(auth): State<Arc<Auth>>,
    client: Option<Extension<ClientInfo>>,
    headers: HeaderMap,
    Form(form): Form<LoginForm>,
) -> Response {
    let client = client.map(|Extension(c)| c).unwrap_or_else(unknown_client);
    let next = safe_next(Some(&form.next));
    let attempt = Attempt {
        client: client.ip,
        known_device: auth.known_device(&headers),
    };
    if let Err(locked) = auth.limiter().check(attempt, Auth::now()) {
        return too_many(next, locked);
    }
    let matches = if form.password.is_empty() || form.password.len() > MAX_PASSWORD_LEN {
        false
    } else {
        let slot = match auth.password().slot().await {
            Ok(slot) => slot,
            Err(busy) => {
                tracing::warn!(client = %client.ip, %busy, "login turned away");
                return busy_now(next);
            }
        };
        // Attempts from one address that waited together for a slot: the
        // first failures may have locked the rest out meanwhile.
        if let Err(locked) = auth.limiter().check(attempt, Auth::now()) {
            return too_many(next, locked);
        }
        slot.matches(form.password).await
    };
    if matches {
        auth.limiter().record_success(client.ip);
        tracing::info!(client = %client.ip, "logged in");
        return logged_in(&auth, client.https, &next);
    }
    tracing::warn!(client = %client.ip, known_device = attempt.known_device, "wrong password");
    if let Some(locked) = auth.limiter().record_failure(attempt, Auth::now()) {
        return too_many(next, locked);
    }
    let notice = LoginNotice::Error("Wrong password. Try again.".into());
    page(StatusCode::UNAUTHORIZED, next, Some(notice))
}

/// `GET /logout`: asks which kind of logout.
pub async fn show_logout(State(auth): State<Arc<Auth>>, headers: HeaderMap) -> Response {
    if auth.session(&headers).is_err() {
        return redirect(LOGIN_PATH);
    }
    html(
        StatusCode::OK,
        render_document("Log out", &site_assets().css, || {
            leptos::view! { <LogoutPage /> }
        }),
    )
}

/// `POST /logout`: clears this browser's cookie; with `everywhere`, and a
/// valid session, also ends every other login.
pub async fn submit_logout(
    State(auth): State<Arc<Auth>>,
    client: Option<Extension<ClientInfo>>,
    headers: HeaderMap,
    form: Result<Form<LogoutForm>, axum::extract::rejection::FormRejection>,
) -> Response {
    let https = client.is_some_and(|c| c.https);
    let everywhere = form.is_ok_and(|Form(f)| f.everywhere.is_some());
    if everywhere && auth.session(&headers).is_ok() {
        match auth.log_out_everywhere() {
            Ok(generation) => tracing::info!(generation, "logged out everywhere"),
            Err(err) => {
                tracing::error!(%err, "cannot record log-out-everywhere");
                let body = serde_json::json!({
                    "error": format!("Could not log out everywhere: {err}. Nothing was changed; try again.")
                });
                return (StatusCode::INTERNAL_SERVER_ERROR, axum::Json(body)).into_response();
            }
        }
    }
    let mut response = redirect(&format!("{LOGIN_PATH}?logged_out=1"));
    set_cookie(&mut response, &auth.logout_cookie(https));
    response
}

fn logged_in(auth: &Auth, https: bool, next: &str) -> Response {
    let mut response = redirect(next);
    set_cookie(&mut response, &auth.login_cookie(https));
    set_cookie(&mut response, &auth.device_cookie(https));
    response
}

fn too_many(next: String, locked: Locked) -> Response {
    // Rounded up: a client that waits this long is let in.
    let seconds = locked.retry_after.as_secs_f64().ceil().max(1.0) as u64;
    let message = match locked.scope {
        Scope::Address => format!(
            "Too many failed logins from your address. Wait {seconds} s before trying again."
        ),
        Scope::Strangers => format!(
            "Too many failed logins on this server from browsers it does not know. Wait {seconds} s, or log in from a browser that logged in here before."
        ),
    };
    let response = page(
        StatusCode::TOO_MANY_REQUESTS,
        next,
        Some(LoginNotice::Error(message)),
    );
    retry_after(response, seconds)
}

fn busy_now(next: String) -> Response {
    let notice = LoginNotice::Error(
        "The server is busy checking other login attempts. Try again in a moment.".into(),
    );
    retry_after(page(StatusCode::SERVICE_UNAVAILABLE, next, Some(notice)), 1)
}

fn retry_after(mut response: Response, seconds: u64) -> Response {
    if let Ok(value) = HeaderValue::from_str(&seconds.to_string()) {
        response.headers_mut().insert(RETRY_AFTER, value);
    }
    response
}

fn page(status: StatusCode, next: String, notice: Option<LoginNotice>) -> Response {
    html(
        status,
        render_document("Log in", &site_assets().css, move || {
            leptos::view! { <LoginPage next notice /> }
        }),
    )
}

fn html(status: StatusCode, document: String) -> Response {
    let mut response = (status, Html(document)).into_response();
    response.headers_mut().insert(
        axum::http::header::CACHE_CONTROL,
        HeaderValue::from_static("no-store"),
    );
    response
}

fn redirect(location: &str) -> Response {
    match HeaderValue::from_str(location) {
        Ok(value) => (StatusCode::SEE_OTHER, [(LOCATION, value)]).into_response(),
        Err(_) => (
            StatusCode::SEE_OTHER,
            [(LOCATION, HeaderValue::from_static("/"))],
        )
            .into_response(),
    }
}

fn set_cookie(response: &mut Response, cookie: &cookie::Cookie<'_>) {
    if let Ok(value) = HeaderValue::from_str(&cookie.to_string()) {
        response.headers_mut().append(SET_COOKIE, value);
    }
}

fn unknown_client() -> ClientInfo {
    ClientInfo {
        ip: std::net::IpAddr::V4(std::net::Ipv4Addr::UNSPECIFIED),
        https: false,
        host: None,
    }
}

/// Only a path on this site (never `//evil.example` or `https://…`), and
/// never back to the login or logout pages.
pub fn safe_next(next: Option<&str>) -> String {
    let Some(next) = next.map(str::trim) else {
        return "/".into();
    };
    let local = next.starts_with('/')
        && !next.starts_with("//")
        && !next.starts_with("/\\")
        && next.len() <= MAX_NEXT_LEN
        && !next.chars().any(|c| c.is_control() || c == '\\');
    let path = next.split(['?', '#']).next().unwrap_or_default();
    if !local || path == LOGIN_PATH || path == LOGOUT_PATH {
        return "/".into();
    }
    next.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn next_stays_on_this_site() {
        assert_eq!(safe_next(Some("/?session=ses_1")), "/?session=ses_1");
        assert_eq!(safe_next(Some("/c/ses_1#end")), "/c/ses_1#end");
        for bad in [
            "//evil.example",
            "/\\evil.example",
            "https://evil.example",
            "evil",
            "/login",
            "/logout?x",
            "/a\r\nSet-Cookie: x",
            "",
        ] {
            assert_eq!(safe_next(Some(bad)), "/", "{bad:?}");
        }
        assert_eq!(safe_next(None), "/");
        assert_eq!(safe_next(Some(&format!("/{}", "a".repeat(3000)))), "/");
    }
}
