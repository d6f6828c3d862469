//! The Model Context Protocol as pocketcode speaks it: the agent's tools
//! that pocketcode serves itself (each chat's `push_branch`, each chat's
//! browser tools) are remote MCP servers on loopback ports of pocketcode's,
//! one capability URL per chat ([`capability`], [`wire`]); the browser
//! tools are relayed to `@playwright/mcp` run over stdio ([`stdio`]).

pub mod capability;
pub mod stdio;
pub mod wire;

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::Value;

use wire::Incoming;

/// The answer to a capability nobody holds: 404, and nothing is done.
pub fn unknown_capability() -> Response {
    (
        StatusCode::NOT_FOUND,
        "no chat has this capability (forged, or its chat was deleted)\n",
    )
        .into_response()
}

/// The request POSTed in `body` (id, method, params), or what to answer at
/// once: 202 to a notification, 400 with the JSON-RPC error to a message
/// that is not one.
pub fn read_request(body: &[u8]) -> Result<(Value, String, Value), Box<Response>> {
    match wire::parse(body) {
        Ok(Incoming::Request { id, method, params }) => Ok((id, method, params)),
        Ok(Incoming::Notification) => Err(Box::new(StatusCode::ACCEPTED.into_response())),
        Err(answer) => Err(Box::new(
            (StatusCode::BAD_REQUEST, axum::Json(answer)).into_response(),
        )),
    }
}

/// The protocol lets a server offer no stream of its own: a GET (or any
/// method but POST) is answered 405.
pub async fn no_stream() -> Response {
    let mut response = (
        StatusCode::METHOD_NOT_ALLOWED,
        "this MCP server answers POSTed messages only\n",
    )
        .into_response();
    response
        .headers_mut()
        .insert(header::ALLOW, HeaderValue::from_static("POST"));
    response
}
