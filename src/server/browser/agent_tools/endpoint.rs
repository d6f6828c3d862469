//! The browser tools' HTTP endpoint: `POST /mcp/<capability>`. The
//! handshake and the tool list are answered here; a tool call goes to the
//! chat's `@playwright/mcp` process. An unknown capability gets 404 and
//! nothing happens; the port is internal, so the shared browser's pages
//! cannot reach it.

use std::sync::Weak;

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use serde_json::{Value, json};

use super::super::Browsers;
use crate::server::mcp::wire::{self, INTERNAL_ERROR, METHOD_NOT_FOUND};

const INSTRUCTIONS: &str = "These tools drive this chat's own browser, which the user watches \
                            and can act on too from the chat's Browser panel.";

pub(super) fn router(browsers: Weak<Browsers>) -> Router {
    Router::new()
        .route(
            "/mcp/{capability}",
            post(message).fallback(crate::server::mcp::no_stream),
        )
        .with_state(browsers)
}

async fn message(
    State(browsers): State<Weak<Browsers>>,
    Path(capability): Path<String>,
    body: Bytes,
) -> Response {
    let Some(browsers) = browsers.upgrade() else {
        return (StatusCode::SERVICE_UNAVAILABLE, "pocketcode is stopping\n").into_response();
    };
    let Some(server) = browsers.agent_tools.get() else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let Some((key, dir)) = server.chat_of(&capability) else {
        return crate::server::mcp::unknown_capability();
    };
    let (id, method, params) = match crate::server::mcp::read_request(&body) {
        Ok(request) => request,
        Err(answer) => return *answer,
    };
    let answer = match method.as_str() {
        "initialize" => wire::result(id, wire::initialized(&params, "playwright", INSTRUCTIONS)),
        "ping" => wire::result(id, json!({})),
        "tools/list" => match server.list(&browsers, &key).await {
            Ok(list) => wire::result(id, list),
            Err(err) => wire::error(id, INTERNAL_ERROR, &err),
        },
        "tools/call" => match server.call(&browsers, &key, &dir, params).await {
            Ok(result) => wire::result(id, result),
            Err((code, text)) => wire::error(id, code, &text),
        },
        other => wire::error(id, METHOD_NOT_FOUND, &format!("unknown method `{other}`")),
    };
    axum::Json::<Value>(answer).into_response()
}
