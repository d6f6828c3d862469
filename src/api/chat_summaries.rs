//! `POST /pocket/fn/chat_summaries`: every chat's live status, title, last
//! activity and unread marker, as kept by the event multiplexer (what the
//! sidebar paints first).

use leptos::prelude::*;

use super::AppError;
use crate::model::live::ChatActivity;

#[server(prefix = "/pocket/fn", endpoint = "chat_summaries")]
pub async fn chat_summaries() -> Result<Vec<ChatActivity>, AppError> {
    super::context::respond(async { Ok(super::context::state()?.events.summaries()) }).await
}

/// `POST /pocket/fn/mark_chat_read`: the user has seen the chat.
#[server(prefix = "/pocket/fn", endpoint = "mark_chat_read")]
pub async fn mark_chat_read(session_id: String) -> Result<(), AppError> {
    super::context::respond(async move {
        let id = super::validate::session_id(&session_id)?;
        if super::context::state()?.events.mark_read(id) {
            Ok(())
        } else {
            Err(AppError::NotFound(format!("no chat {id} is known")))
        }
    })
    .await
}
