//! `POST /pocket/fn/chat_usage` and `/pocket/fn/usage_report`: a chat's
//! context against its model's window with its tokens and cost (the chat
//! header's gauge), and every local chat's usage per chat and per day (the
//! resources page). See `server::usage`.

use leptos::prelude::*;

use super::AppError;
use crate::model::usage::{ChatUsage, UsageReport};

#[server(prefix = "/pocket/fn", endpoint = "chat_usage")]
pub async fn get_chat_usage(repo: String, chat_id: String) -> Result<ChatUsage, AppError> {
    super::context::respond(async move {
        let chat = crate::server::chats::ChatRef::parse(&repo, &chat_id)?;
        let state = super::context::state()?;
        Ok(crate::server::usage::chat_usage(&state, &chat).await?)
    })
    .await
}

#[server(prefix = "/pocket/fn", endpoint = "usage_report")]
pub async fn get_usage_report() -> Result<UsageReport, AppError> {
    super::context::respond(async {
        let state = super::context::state()?;
        Ok(crate::server::usage::usage_report(&state).await?)
    })
    .await
}
