//! What every server function needs from the server: the app state, the
//! chat a request names (resolved once), and the HTTP status of an error.

use std::future::Future;

use leptos::prelude::use_context;

use super::AppError;
use crate::server::chats::{ChatRef, ChatTarget};
use crate::server::git::WorktreeName;
use crate::server::state::AppState;

pub fn state() -> Result<AppState, AppError> {
    use_context::<AppState>()
        .ok_or_else(|| AppError::Internal("the server state is missing".into()))
}

/// Chat `chat_id` of `repo` (a local chat, or a remote's session for repo
/// `@<remote>`), validated and resolved once.
pub async fn chat(repo: &str, chat_id: &str) -> Result<(AppState, ChatTarget), AppError> {
    let state = state()?;
    let target = ChatRef::parse(repo, chat_id)?.resolve(&state).await?;
    Ok((state, target))
}

/// A prompt as Send and Steer take it, checked in that order before
/// anything is sent: its text, its photos, the chat and the chat's session.
pub struct CheckedPrompt<'a> {
    pub state: AppState,
    pub chat: ChatTarget,
    pub session: &'a str,
    pub text: &'a str,
    pub images: Vec<crate::server::opencode_client::PromptImage>,
}

pub async fn prompt<'a>(
    repo: &str,
    chat_id: &str,
    session_id: &'a str,
    text: &'a str,
    attachments: Option<&str>,
) -> Result<CheckedPrompt<'a>, AppError> {
    let text = super::validate::prompt_text(text)?;
    let images = super::attachments::parse(attachments.unwrap_or_default())?;
    let (state, chat) = chat(repo, chat_id).await?;
    let session = chat.session(session_id).await?;
    Ok(CheckedPrompt {
        state,
        chat,
        session,
        text,
        images,
    })
}

/// The worktree of local chat `chat_id` of `repo`, validated (400 for a
/// remote chat: git is for local chats only).
pub fn worktree_name(repo: &str, chat_id: &str) -> Result<WorktreeName, AppError> {
    Ok(ChatRef::parse(repo, chat_id)?.worktree()?.clone())
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
