//! One request through the gateway: `/<provider>/<path>` is checked for the
//! token, then sent to `<provider's base URL>/<path>` with the real key in
//! the provider's header; status, headers and body come back as they
//! arrive. Both bodies are streamed, never buffered: a model's SSE answer
//! reaches opencode chunk by chunk.

use std::collections::HashMap;
use std::sync::Arc;

use axum::body::{Body, HttpBody as _};
use axum::extract::{Request, State};
use axum::http::HeaderValue;
use axum::response::{IntoResponse, Response};
use reqwest::Url;

use super::GatewayError;
use super::provider::ProviderRoute;
use super::token::{CREDENTIAL_HEADERS, GatewayToken};
use crate::server::proxy::headers::forwardable;

/// What every request needs: the token it must carry and where it may go.
pub(super) struct Routes {
    pub(super) token: GatewayToken,
    pub(super) providers: HashMap<String, ProviderRoute>,
    pub(super) http: reqwest::Client,
}

/// The gateway's only handler (its router's fallback).
pub(super) async fn forward(State(routes): State<Arc<Routes>>, request: Request) -> Response {
    let method = request.method().clone();
    let path = request.uri().path().to_owned();
    match relay(&routes, request).await {
        Ok(response) => {
            tracing::debug!(%method, %path, status = %response.status(), "gateway");
            response
        }
        Err(err) => {
            tracing::warn!(%method, %path, error = %err, "gateway refused or failed");
            err.into_response()
        }
    }
}

async fn relay(routes: &Routes, request: Request) -> Result<Response, GatewayError> {
    let (parts, body) = request.into_parts();
    // The token first: without it, nothing is learnt, not even which
    // providers are behind the gateway.
    if !routes.token.admits(&parts.headers) {
        return Err(GatewayError::BadToken);
    }
    let (id, rest) = split_provider(parts.uri.path());
    let route = routes
        .providers
        .get(id)
        .ok_or_else(|| GatewayError::UnknownProvider(id.to_owned()))?;
    let target = upstream_url(&route.base_url, rest, parts.uri.query())?;
    let mut key = HeaderValue::from_str(&route.header.value(route.key()))
        .map_err(|_| GatewayError::BadKey(route.id.clone()))?;
    key.set_sensitive(true);
    let mut outgoing = routes.http.request(parts.method, target);
    for (name, value) in forwardable(&parts.headers) {
        if !CREDENTIAL_HEADERS.contains(&name.as_str()) {
            outgoing = outgoing.header(name, value);
        }
    }
    outgoing = outgoing.header(route.header.name(), key);
    // A bodiless request goes without one: a wrapped empty stream would be
    // sent as a chunked body.
    if !body.is_end_stream() {
        outgoing = outgoing.body(reqwest::Body::wrap_stream(body.into_data_stream()));
    }
    let upstream = outgoing.send().await.map_err(GatewayError::Upstream)?;
    Ok(into_response(upstream))
}

/// `/openrouter/chat/completions` → (`openrouter`, `chat/completions`).
fn split_provider(path: &str) -> (&str, &str) {
    let path = path.strip_prefix('/').unwrap_or(path);
    path.split_once('/').unwrap_or((path, ""))
}

/// `base/rest?query`, refused unless it stays on the base's origin and
/// under its path: the gateway reaches these APIs and nothing else.
fn upstream_url(base: &Url, rest: &str, query: Option<&str>) -> Result<Url, GatewayError> {
    if rest.split(['/', '\\']).any(is_dot_segment) {
        return Err(GatewayError::BadPath);
    }
    let mut text = format!("{}/{rest}", base.as_str().trim_end_matches('/'));
    if let Some(query) = query {
        text.push('?');
        text.push_str(query);
    }
    let url = Url::parse(&text).map_err(|_| GatewayError::BadPath)?;
    let same_origin = url.scheme() == base.scheme()
        && url.host() == base.host()
        && url.port_or_known_default() == base.port_or_known_default()
        && url.username().is_empty()
        && url.password().is_none();
    if same_origin && url.path().starts_with(base.path()) {
        Ok(url)
    } else {
        Err(GatewayError::BadPath)
    }
}

/// `.` and `..`, also percent-encoded (URL parsers resolve `%2e%2e` too).
fn is_dot_segment(segment: &str) -> bool {
    let decoded = segment.to_ascii_lowercase().replace("%2e", ".");
    decoded == "." || decoded == ".."
}

fn into_response(upstream: reqwest::Response) -> Response {
    let status = upstream.status();
    let headers: Vec<_> = forwardable(upstream.headers())
        .map(|(name, value)| (name.clone(), value.clone()))
        .collect();
    let mut response = Response::new(Body::from_stream(upstream.bytes_stream()));
    *response.status_mut() = status;
    let out = response.headers_mut();
    for (name, value) in headers {
        out.append(name, value);
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_first_segment_names_the_provider() {
        assert_eq!(
            split_provider("/openrouter/chat/completions"),
            ("openrouter", "chat/completions")
        );
        assert_eq!(split_provider("/anthropic"), ("anthropic", ""));
        assert_eq!(split_provider("/"), ("", ""));
    }

    #[test]
    fn the_upstream_url_stays_under_the_providers_base() {
        let base = Url::parse("https://openrouter.ai/api/v1").expect("url");
        let ok = upstream_url(&base, "chat/completions", Some("a=1")).expect("ok");
        assert_eq!(
            ok.as_str(),
            "https://openrouter.ai/api/v1/chat/completions?a=1"
        );
        let google = Url::parse("https://generativelanguage.googleapis.com/v1beta").expect("url");
        let stream = upstream_url(
            &google,
            "models/gemini-2.5-pro:streamGenerateContent",
            Some("alt=sse"),
        )
        .expect("ok");
        assert_eq!(stream.host_str(), Some("generativelanguage.googleapis.com"));
        for bad in [
            "../../x",
            "a/%2e%2e/%2E%2e/x",
            ".%2e/x",
            "a\\..\\..\\x",
            "./x",
        ] {
            assert!(upstream_url(&base, bad, None).is_err(), "{bad}");
        }
        // Whatever follows the base, the host stays the provider's.
        for odd in [
            "@evil.test/x",
            "/evil.test/x",
            "//evil.test",
            "x@evil.test:1/",
        ] {
            if let Ok(url) = upstream_url(&base, odd, None) {
                assert_eq!(url.host_str(), Some("openrouter.ai"), "{odd}");
            }
        }
    }
}
