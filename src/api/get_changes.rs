//! `POST /pocket/fn/get_changes`: what a chat has not shipped: files not
//! committed, commits ahead of the default branch, how they stand against
//! `origin`, and what a local merge would do.

use leptos::prelude::*;

use super::AppError;
use crate::model::changes::ChatChanges;

#[server(prefix = "/pocket/fn", endpoint = "get_changes")]
pub async fn get_changes(repo: String, chat_id: String) -> Result<ChatChanges, AppError> {
    super::context::respond(async {
        let name = super::context::worktree_name(&repo, &chat_id)?;
        let state = super::context::state()?;
        Ok(crate::server::chats::changes(&state, &name).await?)
    })
    .await
}
