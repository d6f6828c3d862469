//! `POST /pocket/fn/write_commit_message`: the chat's model writes a commit
//! message for its uncommitted changes (asked aside: the transcript does
//! not change); the Changes sheet fills its message box with it.

use leptos::prelude::*;

use super::AppError;

#[server(prefix = "/pocket/fn", endpoint = "write_commit_message")]
pub async fn write_commit_message(repo: String, chat_id: String) -> Result<String, AppError> {
    super::context::respond(async {
        let name = super::context::worktree_name(&repo, &chat_id)?;
        let state = super::context::state()?;
        let client = crate::server::opencode_client::OpencodeClient::from_state(&state)
            .await
            .map_err(crate::server::chats::ChatError::from)?;
        Ok(crate::server::chats::write_commit_message(&state, &client, &name).await?)
    })
    .await
}
