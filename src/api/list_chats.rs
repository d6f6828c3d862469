//! `POST /pocket/fn/list_chats`: every chat (worktree + session), most
//! recently active first, then the recent chats of each connected remote
//! (repo `@<remote>`). A remote that fails to answer is left out (and
//! logged) rather than failing the list.

use leptos::prelude::*;

use super::AppError;
use crate::model::chats::ChatSummary;

#[server(prefix = "/pocket/fn", endpoint = "list_chats")]
pub async fn list_chats() -> Result<Vec<ChatSummary>, AppError> {
    super::context::respond(async {
        let state = super::context::state()?;
        Ok(crate::server::chats::list_all_chats(&state).await?)
    })
    .await
}
