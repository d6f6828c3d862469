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
use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};

use futures::StreamExt as _;

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
    Ok(into_response(upstream_response, hold))
}

fn into_response(upstream: reqwest::Response, hold: Option<Hold>) -> Response {
    let status = upstream.status();
    let mut response_headers = headers::forwardable(upstream.headers())
        .map(|(n, v)| (n.clone(), v.clone()))
        .collect::<Vec<_>>();
    let is_event_stream = upstream
        .headers()
        .get(axum::http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/event-stream"));
    let body = upstream.bytes_stream().map(move |chunk| {
        // Dropped with the body: when the client has it all, or leaves.
        let _needed = &hold;
        chunk
    });
    let mut response = Response::new(Body::from_stream(body));
    *response.status_mut() = status;
    let out = response.headers_mut();
    for (name, value) in response_headers.drain(..) {
        out.append(name, value);
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
