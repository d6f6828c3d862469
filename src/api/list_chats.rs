//! `POST /pocket/fn/list_chats`: every chat (worktree + session), most
//! recently active first.

use leptos::prelude::*;

use super::AppError;
use crate::repos::ChatSummary;

#[server(prefix = "/pocket/fn", endpoint = "list_chats")]
pub async fn list_chats() -> Result<Vec<ChatSummary>, AppError> {
    super::context::respond(async {
        let (client, state) = super::context::opencode().await?;
        Ok(crate::server::chats::list_chats(&state.git, &client).await?)
    })
    .await
}
