//! `POST /pocket/fn/new_chat`: clone the repo if needed, fetch, make a
//! worktree for the chat and an opencode session working in it.

use leptos::prelude::*;

use super::AppError;
use crate::model::chats::ChatSummary;

/// `repo` is anything [`add_repo`](super::add_repo) accepts, e.g. `owner/name`.
#[server(prefix = "/pocket/fn", endpoint = "new_chat")]
pub async fn new_chat(repo: String) -> Result<ChatSummary, AppError> {
    super::context::respond(async {
        let source = crate::server::git::RepoSource::parse(&repo)?;
        let state = super::context::state()?;
        Ok(crate::server::chats::new_chat(&state, source).await?)
    })
    .await
}
