//! `POST /pocket/fn/push_chat`: push the chat's branch to GitHub with
//! pocketcode's token (the agent never holds it).

use leptos::prelude::*;

use super::AppError;
use crate::model::pull_request::PushOutcome;

/// Pushes chat `chat_id`'s branch as `pocketcode/<chat id>` or as `branch`
/// (never the default branch); a push that would drop commits on GitHub
/// is refused (409) unless `force`.
#[server(prefix = "/pocket/fn", endpoint = "push_chat")]
pub async fn push_chat(
    repo: String,
    chat_id: String,
    branch: Option<String>,
    #[server(default)] force: bool,
) -> Result<PushOutcome, AppError> {
    super::context::respond(async {
        let name = super::context::worktree_name(&repo, &chat_id)?;
        let branch = match branch.as_deref().filter(|b| !b.trim().is_empty()) {
            Some(text) => Some(crate::server::git::push_target(text)?),
            None => None,
        };
        let state = super::context::state()?;
        Ok(
            crate::server::github::push_chat(&state.git, &state.github, &name, branch, force)
                .await?,
        )
    })
    .await
}
