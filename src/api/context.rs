//! What every server function needs from the server: the app state, a
//! client for opencode, and the HTTP status of an error.

use std::future::Future;

use leptos::prelude::use_context;

use super::AppError;
use crate::server::opencode_client::OpencodeClient;
use crate::server::state::AppState;

pub fn state() -> Result<AppState, AppError> {
    use_context::<AppState>()
        .ok_or_else(|| AppError::Internal("the server state is missing".into()))
}

/// A client for opencode, once it is healthy.
pub async fn opencode() -> Result<(OpencodeClient, AppState), AppError> {
    let state = state()?;
    Ok((OpencodeClient::from_state(&state).await?, state))
}

/// The worktree of chat `chat_id` in repo `owner/name`, validated.
pub fn worktree_name(
    repo: &str,
    chat_id: &str,
) -> Result<crate::server::git::WorktreeName, AppError> {
    use crate::server::git::{ChatId, RepoName, WorktreeName};
    if let Some(name) = crate::remotes::remote_connection(repo) {
        return Err(AppError::BadRequest(format!(
            "{repo} is a chat on the remote {name}: git (changes, branches, worktrees) is for local chats only"
        )));
    }
    Ok(WorktreeName::new(
        RepoName::parse(repo)?,
        ChatId::parse(chat_id)?,
    ))
}

/// Runs a server function's body; an error also sets the response status,
/// so plain HTTP clients see 400/404/502/503 rather than a blanket 500.
pub async fn respond<T>(body: impl Future<Output = Result<T, AppError>>) -> Result<T, AppError> {
    let result = body.await;
    if let Err(error) = &result {
        if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
            let status = axum::http::StatusCode::from_u16(error.status_code())
                .unwrap_or(axum::http::StatusCode::INTERNAL_SERVER_ERROR);
            response.set_status(status);
        }
        tracing::debug!(%error, "server function failed");
    }
    result
}
