//! The middleware in front of every route: refuses cross-site requests
//! (page navigations excepted), lets public paths through, and requires a
//! valid session cookie for everything else — pocketcode's pages, server
//! functions, admin API and the whole opencode proxy.

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
use crate::server::paths::{self, LOGIN_PATH};
use crate::server::proxy::Relayed;

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
    if let Some(refusal) = cross_site_refusal(&request, &client, &wall.pages) {
        return finish(refusal, true);
    }
    let path = request.uri().path();
    if !paths::is_public(path)
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
    if is_get && paths::is_page(pages, uri.path()) {
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

/// Only a top-level page navigation may come from another site (a link in
/// a mail, a bookmark page): it shows a page, or sends the visitor to the
/// login page. Anything else — API reads, server functions, the event
/// stream, WebSockets, the opencode proxy, and a navigation straight to one
/// of those — must come from our own origin, since SameSite=Lax sends the
/// cookie along with a cross-site top-level GET.
///
/// `Sec-Fetch-Site` is the browser's own word; `same-site` (a sibling
/// subdomain, a stranger on shared hosts such as `*.fly.dev`) counts as
/// foreign. Browsers without it still send `Origin` on every cross-origin
/// request but a GET navigation. Requests with neither (curl, scripts) are
/// left to the cookie check.
fn cross_site_refusal(
    request: &Request,
    client: &ClientInfo,
    pages: &[String],
) -> Option<Response> {
    let headers = request.headers();
    let header = |name| {
        headers
            .get(name)
            .and_then(|v: &HeaderValue| v.to_str().ok())
    };
    let origin = header(ORIGIN.as_str());
    let fetch_site = header("sec-fetch-site");
    let foreign_origin = origin.is_some_and(|o| Some(o.to_ascii_lowercase()) != client.origin());
    let foreign_site = fetch_site.is_some_and(|site| !matches!(site, "same-origin" | "none"));
    if !foreign_origin && !foreign_site {
        return None;
    }
    let path = request.uri().path();
    if is_page_navigation(request) && (paths::is_page(pages, path) || paths::is_public(path)) {
        return None;
    }
    tracing::warn!(
        origin = origin.unwrap_or("-"),
        fetch_site = fetch_site.unwrap_or("-"),
        fetch_mode = header("sec-fetch-mode").unwrap_or("-"),
        method = %request.method(),
        %path,
        "refused a cross-site request"
    );
    let message = format!(
        "Cross-site request refused: {} {path} came from {}, not from this site; only page links may.",
        request.method(),
        origin.unwrap_or("another site"),
    );
    let body = serde_json::json!({ "error": message });
    Some((StatusCode::FORBIDDEN, Json(body)).into_response())
}

/// A browser loading a whole tab or window: GET, `Sec-Fetch-Mode:
/// navigate`, and a document destination (frames are `iframe`; browsers
/// from before `Sec-Fetch-Dest` send only the mode). Without
/// `Sec-Fetch-Mode` a navigation cannot be told from a `fetch`.
fn is_page_navigation(request: &Request) -> bool {
    let headers = request.headers();
    let header = |name| {
        headers
            .get(name)
            .and_then(|v: &HeaderValue| v.to_str().ok())
    };
    matches!(*request.method(), Method::GET | Method::HEAD)
        && !headers.contains_key(UPGRADE)
        && header("sec-fetch-mode") == Some("navigate")
        && header("sec-fetch-dest").is_none_or(|dest| dest == "document")
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
