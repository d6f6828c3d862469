//! The middleware in front of every route: refuses cross-site state changes,
//! lets public paths through, and requires a valid session cookie for
//! everything else — pocketcode's pages, server functions, admin API and the
//! whole opencode proxy.

use std::net::SocketAddr;
use std::sync::Arc;

use axum::Json;
use axum::extract::{ConnectInfo, Request, State};
use axum::http::header::{LOCATION, ORIGIN, UPGRADE};
use axum::http::{HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use super::Auth;
use super::client::ClientInfo;
use super::headers::add_security_headers;
use crate::server::proxy::Relayed;
use crate::server::routes::{self, LOGIN_PATH};

/// The body of every 401 the wall answers (tests recognise the wall by it).
pub const UNAUTHENTICATED: &str = "Not logged in: log in at /login, then retry.";

/// What the wall needs: the auth state and which paths are pages.
#[derive(Clone)]
pub struct Wall {
    pub auth: Arc<Auth>,
    /// The app's page routes (axum syntax), from the Leptos route list.
    pub pages: Arc<[String]>,
}

/// axum middleware; install with `from_fn_with_state(wall_state, wall)`.
pub async fn wall(State(wall): State<Wall>, mut request: Request, next: Next) -> Response {
    let auth = &wall.auth;
    let peer = request
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|info| info.0);
    let client = ClientInfo::of(request.headers(), peer, auth.trusted_proxies());
    if let Some(refusal) = cross_site_refusal(&request, &client) {
        return finish(refusal, true);
    }
    let path = request.uri().path();
    if !routes::is_public(path)
        && let Err(reason) = auth.session(request.headers())
    {
        tracing::debug!(%path, %reason, "refused by the auth wall");
        return finish(unauthenticated(&request, &wall.pages), true);
    }
    request.extensions_mut().insert(client);
    let response = next.run(request).await;
    let ours = response.extensions().get::<Relayed>().is_none();
    finish(response, ours)
}

fn finish(mut response: Response, ours: bool) -> Response {
    add_security_headers(response.headers_mut(), ours);
    response
}

/// Pages send the visitor to the login form (and back afterwards);
/// everything else gets a 401 with a JSON error.
fn unauthenticated(request: &Request, pages: &[String]) -> Response {
    let uri = request.uri();
    let is_get = matches!(*request.method(), Method::GET | Method::HEAD);
    if is_get && routes::is_page(pages, uri.path()) {
        let next = uri.path_and_query().map_or("/", |pq| pq.as_str());
        let location = format!("{LOGIN_PATH}?{}", encode_next(next));
        if let Ok(value) = HeaderValue::from_str(&location) {
            return (StatusCode::SEE_OTHER, [(LOCATION, value)]).into_response();
        }
    }
    let body = serde_json::json!({ "error": UNAUTHENTICATED, "login": LOGIN_PATH });
    (StatusCode::UNAUTHORIZED, Json(body)).into_response()
}

/// `next=<path>` for the login page's query string.
pub fn encode_next(next: &str) -> String {
    form_urlencoded::Serializer::new(String::new())
        .append_pair("next", next)
        .finish()
}

/// State-changing requests (and WebSocket upgrades, which browsers send
/// cross-site with cookies) must come from our own origin. Requests without
/// an Origin (non-browser clients) are let through to the cookie check; a
/// browser's `Sec-Fetch-Site` still gives a cross-site request away.
fn cross_site_refusal(request: &Request, client: &ClientInfo) -> Option<Response> {
    let headers = request.headers();
    let safe_method = matches!(
        *request.method(),
        Method::GET | Method::HEAD | Method::OPTIONS | Method::TRACE
    );
    if safe_method && !headers.contains_key(UPGRADE) {
        return None;
    }
    let origin = headers.get(ORIGIN).and_then(|v| v.to_str().ok());
    let fetch_site = headers.get("sec-fetch-site").and_then(|v| v.to_str().ok());
    let foreign = match origin {
        Some(origin) => Some(origin.to_ascii_lowercase()) != client.origin(),
        None => fetch_site.is_some_and(|site| !matches!(site, "same-origin" | "none")),
    };
    if !foreign {
        return None;
    }
    tracing::warn!(
        origin = origin.unwrap_or("-"),
        fetch_site = fetch_site.unwrap_or("-"),
        method = %request.method(),
        path = %request.uri().path(),
        "refused a cross-site request"
    );
    let message = format!(
        "Cross-site request refused: {} {} came from {}, not from this site.",
        request.method(),
        request.uri().path(),
        origin.unwrap_or("another site"),
    );
    let body = serde_json::json!({ "error": message });
    Some((StatusCode::FORBIDDEN, Json(body)).into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn next_is_url_encoded() {
        assert_eq!(
            encode_next("/?session=ses_1&x=a b"),
            "next=%2F%3Fsession%3Dses_1%26x%3Da+b"
        );
    }
}
