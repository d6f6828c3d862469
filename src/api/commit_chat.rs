//! `POST /pocket/fn/commit_chat`: commits a chat's changes on its branch,
//! every changed file or the picked `paths`; answers the changes after.

use leptos::prelude::*;

use super::AppError;
use crate::model::changes::ChatChanges;

#[server(prefix = "/pocket/fn", endpoint = "commit_chat")]
pub async fn commit_chat(
    repo: String,
    chat_id: String,
    message: String,
    paths: Option<Vec<String>>,
) -> Result<ChatChanges, AppError> {
    super::context::respond(async {
        let name = super::context::worktree_name(&repo, &chat_id)?;
        let state = super::context::state()?;
        Ok(crate::server::chats::commit(&state, &name, message, paths).await?)
    })
    .await
}
