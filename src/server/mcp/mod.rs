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
