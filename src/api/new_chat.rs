//! `POST /pocket/fn/new_chat`: clone the repo if needed, fetch, make a
//! worktree for the chat and an opencode session working in it.

use leptos::prelude::*;

use super::AppError;
use crate::repos::ChatSummary;

/// `repo` is anything [`add_repo`](super::add_repo) accepts, e.g. `owner/name`.
#[server(prefix = "/pocket/fn", endpoint = "new_chat")]
pub async fn new_chat(repo: String) -> Result<ChatSummary, AppError> {
    super::context::respond(async {
        let source = crate::server::git::RepoSource::parse(&repo)?;
        let (client, state) = super::context::opencode().await?;
        let chat = crate::server::chats::new_chat(&state.git, &client, source).await?;
        crate::server::chats::watch_chat(&state.events, &chat.worktree.path);
        // Its instance was loaded to make the session.
        state
            .instances
            .touch(std::path::Path::new(&chat.worktree.path))
            .await;
        if let Ok(name) = super::context::worktree_name(&chat.worktree.repo, &chat.worktree.chat_id)
        {
            super::browser::offer_tools(
                &state,
                name.as_string(),
                chat.worktree.path.clone().into(),
            );
        }
        Ok(chat)
    })
    .await
}
