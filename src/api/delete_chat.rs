//! `POST /pocket/fn/delete_chat`: delete a chat's sessions, worktree and
//! (when merged, or asked) branch. Uncommitted changes need `force`. A
//! remote chat is its session: deleting it leaves the remote's files alone.

use leptos::prelude::*;

use super::AppError;
use crate::repos::DeletedChat;

#[server(prefix = "/pocket/fn", endpoint = "delete_chat")]
pub async fn delete_chat(
    repo: String,
    chat_id: String,
    #[server(default)] force: bool,
    #[server(default)] delete_branch: bool,
) -> Result<DeletedChat, AppError> {
    super::context::respond(async {
        if crate::remotes::remote_connection(&repo).is_some() {
            // A remote chat is its session: the remote's files stay as they are.
            let (client, dir) = super::chat_context::chat_target(&repo, &chat_id).await?;
            client.delete_session(&dir, &chat_id).await?;
            return Ok(DeletedChat {
                sessions: 1,
                branch_deleted: false,
            });
        }
        let name = super::context::worktree_name(&repo, &chat_id)?;
        let (client, state) = super::context::opencode().await?;
        let deleted =
            crate::server::chats::delete_chat(&state.git, &client, &name, force, delete_branch)
                .await?;
        // Nothing of a deleted chat keeps running: its browser ends too.
        state.forget_removed_chats().await;
        deleted.ok_or_else(|| AppError::NotFound(format!("no chat {chat_id} in {repo}")))
    })
    .await
}
