//! `POST /pocket/fn/delete_chat`: delete a chat's sessions, worktree and
//! (when merged, or asked) branch. Uncommitted changes need `force`. A
//! remote chat is its session: deleting it leaves the remote's files alone.

use leptos::prelude::*;

use super::AppError;
use crate::model::chats::DeletedChat;

#[server(prefix = "/pocket/fn", endpoint = "delete_chat")]
pub async fn delete_chat(
    repo: String,
    chat_id: String,
    #[server(default)] force: bool,
    #[server(default)] delete_branch: bool,
) -> Result<DeletedChat, AppError> {
    use crate::server::chats::{self, ChatRef};
    super::context::respond(async {
        let chat = ChatRef::parse(&repo, &chat_id)?;
        let state = super::context::state()?;
        Ok(chats::delete_chat(&state, &chat, force, delete_branch).await?)
    })
    .await
}
