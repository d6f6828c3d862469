//! `POST /pocket/fn/{undo_from, redo_undone, fork_chat}`: undo a chat from
//! one of the user's messages on (files too), redo what was undone, or
//! fork a new chat with the history before that message (see
//! `server::undo`).

use leptos::prelude::*;

use super::AppError;
use crate::model::chats::ChatSummary;
use crate::opencode::Session;

/// Undoes user message `message_id` and everything after it; answers the
/// session (its `revert` says where it is undone from).
#[server(prefix = "/pocket/fn", endpoint = "undo_from")]
pub async fn undo_from(
    repo: String,
    chat_id: String,
    session_id: String,
    message_id: String,
) -> Result<Session, AppError> {
    super::context::respond(async {
        let message_id = super::validate::message_id(&message_id)?;
        let (_, chat) = super::context::chat(&repo, &chat_id).await?;
        let session = chat.session(&session_id).await?;
        Ok(crate::server::undo::undo(&chat, session, message_id).await?)
    })
    .await
}

/// Brings back what the chat's last undo set aside (409 when nothing is).
#[server(prefix = "/pocket/fn", endpoint = "redo_undone")]
pub async fn redo_undone(
    repo: String,
    chat_id: String,
    session_id: String,
) -> Result<Session, AppError> {
    super::context::respond(async {
        let (_, chat) = super::context::chat(&repo, &chat_id).await?;
        let session = chat.session(&session_id).await?;
        Ok(crate::server::undo::redo(&chat, session).await?)
    })
    .await
}

/// A new chat with this one's files as they are now and its history
/// before user message `message_id` (local chats only).
#[server(prefix = "/pocket/fn", endpoint = "fork_chat")]
pub async fn fork_chat(
    repo: String,
    chat_id: String,
    session_id: String,
    message_id: String,
) -> Result<ChatSummary, AppError> {
    super::context::respond(async {
        let message_id = super::validate::message_id(&message_id)?;
        // A remote chat has no worktree to fork: 400 before it is looked up.
        super::context::worktree_name(&repo, &chat_id)?;
        let (state, chat) = super::context::chat(&repo, &chat_id).await?;
        let session = chat.session(&session_id).await?;
        Ok(crate::server::undo::fork(&state, &chat, session, message_id).await?)
    })
    .await
}
