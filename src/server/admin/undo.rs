//! `/admin/worktrees/{owner}/{name}/{chat_id}/undo|redo|fork`: undo a
//! chat from one of the user's messages (files too), redo it, or fork a
//! new chat with the history before that message. They act on the chat's
//! session, as its page does (see `server::undo`).

use axum::Json;
use axum::extract::rejection::{JsonRejection, PathRejection};
use axum::extract::{Path, State};
use serde::{Deserialize, Serialize};

use super::error::{AdminError, ErrorBody};
use crate::model::chats::ChatSummary;
use crate::opencode::Session;
use crate::server::chats::{self, ChatRef, ChatTarget};
use crate::server::git::{ChatId, RepoName, WorktreeName};
use crate::server::state::AppState;
use crate::server::undo::{self, UndoError};

type ChatPath = Result<Path<(String, String, String)>, PathRejection>;

/// Which of the user's messages.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MessageRequest {
    /// `msg_…`, a user message of the chat's session.
    pub message_id: String,
}

/// The chat's session after an undo or redo.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct UndoState {
    pub session_id: String,
    /// The message the session is undone from; absent when nothing is.
    pub undone_from: Option<String>,
}

impl From<Session> for UndoState {
    fn from(session: Session) -> Self {
        Self {
            session_id: session.id,
            undone_from: session.revert.map(|r| r.message_id),
        }
    }
}

/// Undoes the message and everything after it, restoring the files they
/// changed.
#[utoipa::path(post, path = "/admin/worktrees/{owner}/{name}/{chat_id}/undo", tag = "worktrees",
    params(("owner" = String, Path), ("name" = String, Path), ("chat_id" = String, Path)),
    request_body = MessageRequest,
    responses(
        (status = 200, body = UndoState),
        (status = 400, body = ErrorBody),
        (status = 404, description = "no such chat, or no such user message", body = ErrorBody),
        (status = 409, description = "the agent is working", body = ErrorBody),
    ))]
pub async fn undo_chat(
    State(state): State<AppState>,
    path: ChatPath,
    body: Result<Json<MessageRequest>, JsonRejection>,
) -> Result<Json<UndoState>, AdminError> {
    let (target, session) = chat_session(&state, path).await?;
    let message = message_id(body)?;
    let undone = undo::undo(&target, &session, &message)
        .await
        .map_err(error)?;
    Ok(Json(undone.into()))
}

/// Brings back what the last undo set aside.
#[utoipa::path(post, path = "/admin/worktrees/{owner}/{name}/{chat_id}/redo", tag = "worktrees",
    params(("owner" = String, Path), ("name" = String, Path), ("chat_id" = String, Path)),
    responses(
        (status = 200, body = UndoState),
        (status = 400, body = ErrorBody),
        (status = 404, body = ErrorBody),
        (status = 409, description = "the agent is working, or nothing is undone", body = ErrorBody),
    ))]
pub async fn redo_chat(
    State(state): State<AppState>,
    path: ChatPath,
) -> Result<Json<UndoState>, AdminError> {
    let (target, session) = chat_session(&state, path).await?;
    let redone = undo::redo(&target, &session).await.map_err(error)?;
    Ok(Json(redone.into()))
}

/// A new chat: this chat's files as they are now, its history before the
/// message.
#[utoipa::path(post, path = "/admin/worktrees/{owner}/{name}/{chat_id}/fork", tag = "worktrees",
    params(("owner" = String, Path), ("name" = String, Path), ("chat_id" = String, Path)),
    request_body = MessageRequest,
    responses(
        (status = 200, description = "the new chat", body = ChatSummary),
        (status = 400, body = ErrorBody),
        (status = 404, description = "no such chat, or no such user message", body = ErrorBody),
        (status = 409, description = "the agent is working", body = ErrorBody),
    ))]
pub async fn fork_chat(
    State(state): State<AppState>,
    path: ChatPath,
    body: Result<Json<MessageRequest>, JsonRejection>,
) -> Result<Json<ChatSummary>, AdminError> {
    let (target, session) = chat_session(&state, path).await?;
    let message = message_id(body)?;
    let forked = undo::fork(&state, &target, &session, &message)
        .await
        .map_err(error)?;
    Ok(Json(forked))
}

/// The chat the path names and its session (checked before the body is
/// read: a missing chat is the better answer).
async fn chat_session(
    state: &AppState,
    path: ChatPath,
) -> Result<(ChatTarget, String), AdminError> {
    let Path((owner, name, chat)) = path?;
    let name = WorktreeName::new(RepoName::new(&owner, &name)?, ChatId::parse(&chat)?);
    let target = ChatRef::Local(name.clone()).resolve(state).await?;
    let summary = chats::chat(&state.git, &target.client, &name).await?;
    let session = summary.and_then(|s| s.session_id).ok_or_else(|| {
        AdminError::NotFound(format!(
            "chat {} of {} has no session",
            name.chat, name.repo
        ))
    })?;
    Ok((target, session))
}

fn message_id(body: Result<Json<MessageRequest>, JsonRejection>) -> Result<String, AdminError> {
    let Json(body) = body?;
    crate::api::validate::message_id(&body.message_id)
        .map_err(|e| AdminError::BadRequest(e.to_string()))?;
    Ok(body.message_id)
}

fn error(error: UndoError) -> AdminError {
    match error {
        UndoError::Chat(e) => e.into(),
        other => AdminError::Status(other.status(), other.to_string()),
    }
}
