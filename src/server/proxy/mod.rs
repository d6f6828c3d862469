//! The catch-all proxy: every path pocketcode does not own goes to opencode,
//! with method, query, headers, status and body streamed both ways and the
//! internal credentials added, once the directory fence (`fence`) has let
//! the request through. Nothing is buffered, so an SSE stream's first
//! event reaches the client as soon as opencode sends it.

pub mod fence;
pub mod headers;
pub mod websocket;

use std::time::Duration;

use axum::body::{Body, HttpBody};
use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};

use futures::StreamExt as _;
use http_body_util::BodyExt as _;

use crate::server::inline_http;
use crate::server::instances::Hold;
use crate::server::state::AppState;

/// How long a request waits for opencode while it is (re)starting.
const WAIT_FOR_OPENCODE: Duration = Duration::from_secs(15);

#[derive(Debug, thiserror::Error)]
pub enum ProxyError {
    #[error("opencode is not available ({0}); see /admin/health, then retry")]
    Unavailable(String),
    #[error("opencode did not answer: {0}")]
    Upstream(#[from] reqwest::Error),
    #[error(transparent)]
    Stream(#[from] inline_http::InlineError),
    #[error("opencode refused the WebSocket ({0})")]
    WebSocketRefused(StatusCode),
    #[error("WebSocket to opencode failed: {0}")]
    WebSocket(String),
    #[error(transparent)]
    Fenced(#[from] fence::FenceError),
}

impl IntoResponse for ProxyError {
    fn into_response(self) -> Response {
        let status = match &self {
            Self::Fenced(_) => StatusCode::FORBIDDEN,
            Self::Unavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
            Self::Upstream(_) | Self::WebSocket(_) => StatusCode::BAD_GATEWAY,
            Self::Stream(err) => err.status(),
            // opencode's own answer (404 for an unknown PTY) stays meaningful.
            Self::WebSocketRefused(status) => *status,
        };
        tracing::warn!(error = %self, "proxy request failed");
        let body = serde_json::json!({ "error": self.to_string() });
        (status, axum::Json(body)).into_response()
    }
}

/// Marks a response as opencode's (relayed), so the auth wall leaves its
/// content policy to opencode.
#[derive(Clone, Copy, Debug)]
pub struct Relayed;

/// The router's fallback handler.
pub async fn forward(State(state): State<AppState>, request: Request) -> Response {
    match forward_to_opencode(&state, request).await {
        Ok(mut response) => {
            response.extensions_mut().insert(Relayed);
            response
        }
        Err(err) => err.into_response(),
    }
}

async fn forward_to_opencode(state: &AppState, request: Request) -> Result<Response, ProxyError> {
    let (mut parts, body) = request.into_parts();
    // Before anything reaches opencode, WebSockets included.
    let fence = fence::Fence {
        workspace: state.workspace.clone(),
        worktrees: state.git.layout().worktrees_dir(),
    };
    let directory = fence.admit(&mut parts).await?;
    let body = if fence::creates_terminal(&parts) {
        Body::from(fence.admit_terminal(directory.as_deref(), body).await?)
    } else {
        body
    };
    // The chat's instance is loaded by this request if it was disposed;
    // it stays needed while the response (or WebSocket) lasts.
    let hold = match &directory {
        Some(dir) => {
            state.instances.touch(dir).await;
            Some(state.instances.hold(dir))
        }
        None => None,
    };
    let upstream = state
        .supervisor
        .upstream_within(WAIT_FOR_OPENCODE)
        .await
        .map_err(|err| ProxyError::Unavailable(err.to_string()))?;
    // A WebSocket cannot ride the streaming HTTP path: it needs both upgrades.
    if websocket::is_upgrade(&parts.headers) {
        return websocket::forward(&state.http, &upstream, parts, hold).await;
    }
    let path = parts.uri.path_and_query().map_or("/", |pq| pq.as_str());
    if HttpBody::is_end_stream(&body)
        && inline_http::wants_event_stream(&parts.method, &parts.headers)
    {
        return stream_events(&upstream, &parts, path, hold).await;
    }
    let mut outgoing = upstream.request(&state.http, parts.method.clone(), path);
    // A bodiless request (most GETs, the event stream) goes without one: a
    // wrapped empty stream would be sent as a chunked body.
    if !HttpBody::is_end_stream(&body) {
        outgoing = outgoing.body(reqwest::Body::wrap_stream(body.into_data_stream()));
    }
    for (name, value) in headers::forwardable(&parts.headers) {
        outgoing = outgoing.header(name, value);
    }
    let upstream_response = outgoing.send().await?;
    let status = upstream_response.status();
    let upstream_headers = upstream_response.headers().clone();
    let body = upstream_response.bytes_stream().map(move |chunk| {
        // Dropped with the body: when the client has it all, or leaves.
        let _needed = &hold;
        chunk
    });
    Ok(relayed(status, &upstream_headers, Body::from_stream(body)))
}

/// An event stream (`GET` accepting `text/event-stream`): its upstream
/// connection is read by the task that writes to the client (see
/// [`inline_http`]), so an event crosses pocketcode in one task.
async fn stream_events(
    upstream: &crate::server::supervisor::Upstream,
    parts: &axum::http::request::Parts,
    path: &str,
    hold: Option<Hold>,
) -> Result<Response, ProxyError> {
    let forwarded = headers::forwardable(&parts.headers).map(|(n, v)| (n.clone(), v.clone()));
    let response = inline_http::send(upstream, parts.method.clone(), path, forwarded).await?;
    let (head, body) = response.into_parts();
    let body = body.map_frame(move |frame| {
        // Dropped with the body: when the client has it all, or leaves.
        let _needed = &hold;
        frame
    });
    Ok(relayed(head.status, &head.headers, Body::new(body)))
}

/// The client's response: opencode's status, its forwardable headers and
/// `body`.
fn relayed(status: StatusCode, upstream_headers: &HeaderMap, body: Body) -> Response {
    let is_event_stream = upstream_headers
        .get(axum::http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/event-stream"));
    let mut response = Response::new(body);
    *response.status_mut() = status;
    let out = response.headers_mut();
    for (name, value) in headers::forwardable(upstream_headers) {
        out.append(name.clone(), value.clone());
    }
    if is_event_stream {
        // Reverse proxies in front of us (Fly, nginx) must not buffer it either.
        out.insert("x-accel-buffering", HeaderValue::from_static("no"));
        out.insert(
            axum::http::header::CACHE_CONTROL,
            HeaderValue::from_static("no-cache"),
        );
    }
    response
}
