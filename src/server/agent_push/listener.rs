//! The tool's HTTP endpoint on a loopback port of pocketcode's:
//! `POST /mcp/<capability>`. The capability names the chat (see
//! `capability.rs`); an unknown one gets 404 and nothing happens. The port
//! is internal: the shared browser's pages cannot reach it.

use std::sync::Arc;

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use serde_json::Value;

use super::mcp::{self, Call};
use crate::server::git::{RepoStore, WorktreeName};
use crate::server::github::GithubClient;
use crate::server::mcp::capability::Capabilities;
use crate::server::mcp::wire;

/// What the endpoint needs to push a chat's branch.
#[derive(Clone)]
pub struct Pusher {
    pub capabilities: Arc<Capabilities>,
    pub git: Arc<RepoStore>,
    pub github: GithubClient,
}

pub fn router(pusher: Pusher) -> Router {
    Router::new()
        .route(
            "/mcp/{capability}",
            post(message).fallback(crate::server::mcp::no_stream),
        )
        .with_state(pusher)
}

async fn message(
    State(pusher): State<Pusher>,
    Path(capability): Path<String>,
    body: Bytes,
) -> Response {
    let Some(chat) = pusher.capabilities.chat_of(&capability) else {
        return crate::server::mcp::unknown_capability();
    };
    let (id, method, params) = match crate::server::mcp::read_request(&body) {
        Ok(request) => request,
        Err(answer) => return *answer,
    };
    let answer = match mcp::understand(&method, &params) {
        Ok(Call::Answer(result)) => wire::result(id, result),
        Ok(Call::PushBranch) => wire::result(id, push_branch(&pusher, &chat).await),
        Err((code, text)) => wire::error(id, code, &text),
    };
    axum::Json::<Value>(answer).into_response()
}

/// Pushes the chat's branch as the Changes sheet's Push would, without
/// force; the agent reads what happened.
async fn push_branch(pusher: &Pusher, chat: &WorktreeName) -> Value {
    match crate::server::github::push_chat(&pusher.git, &pusher.github, chat, None, false).await {
        Ok(outcome) => {
            tracing::info!(%chat, branch = outcome.branch, "the agent pushed its chat's branch");
            let text = if outcome.up_to_date {
                format!(
                    "GitHub's `{}` already has commit {}: nothing to push. (Uncommitted \
                     changes are never pushed: commit them first.)",
                    outcome.branch, outcome.commit
                )
            } else {
                format!(
                    "Pushed this chat's branch to GitHub as `{}` (commit {}).",
                    outcome.branch, outcome.commit
                )
            };
            mcp::tool_result(&text, false)
        }
        Err(err) => {
            tracing::info!(%chat, %err, "the agent's push was refused");
            mcp::tool_result(&format!("Not pushed: {err}"), true)
        }
    }
}
