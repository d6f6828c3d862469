//! `/admin/worktrees/{owner}/{name}/{chat_id}/usage` and `/admin/usage`:
//! a chat's context against its model's window with its tokens and cost,
//! and every local chat's usage per chat and per day (see `server::usage`).

use axum::Json;
use axum::extract::rejection::PathRejection;
use axum::extract::{Path, State};

use super::changes::worktree_name;
use super::error::{AdminError, ErrorBody};
use crate::model::usage::{ChatUsage, UsageReport};
use crate::server::chats::ChatRef;
use crate::server::state::AppState;
use crate::server::usage::{self, UsageError};

/// The chat's context (its latest answered turn's tokens) against its
/// model's window (absent when opencode does not know it), and the
/// tokens and cost of all its turns.
#[utoipa::path(get, path = "/admin/worktrees/{owner}/{name}/{chat_id}/usage", tag = "worktrees",
    params(("owner" = String, Path), ("name" = String, Path), ("chat_id" = String, Path)),
    responses(
        (status = 200, body = ChatUsage),
        (status = 400, body = ErrorBody),
        (status = 404, description = "no such chat, or its session is gone", body = ErrorBody),
        (status = 503, description = "opencode is not available", body = ErrorBody),
    ))]
pub async fn chat_usage(
    State(state): State<AppState>,
    path: Result<Path<(String, String, String)>, PathRejection>,
) -> Result<Json<ChatUsage>, AdminError> {
    let chat = ChatRef::Local(worktree_name(path)?);
    Ok(Json(usage::chat_usage(&state, &chat).await?))
}

/// Tokens and cost of every local chat's turns, per chat (most recently
/// active first) and per UTC day (newest first), and in all.
#[utoipa::path(get, path = "/admin/usage", tag = "resources",
    responses(
        (status = 200, body = UsageReport),
        (status = 503, description = "opencode is not available", body = ErrorBody),
    ))]
pub async fn usage_report(State(state): State<AppState>) -> Result<Json<UsageReport>, AdminError> {
    Ok(Json(usage::usage_report(&state).await?))
}

impl From<UsageError> for AdminError {
    fn from(error: UsageError) -> Self {
        match error {
            UsageError::Chat(e) => e.into(),
            other => Self::Status(other.status(), other.to_string()),
        }
    }
}
