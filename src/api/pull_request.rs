//! A chat's pull request on GitHub: `get_pull_request`,
//! `open_pull_request` (pushes first), `merge_pull_request`,
//! `close_pull_request`, all under `/pocket/fn/`.

use leptos::prelude::*;

use super::AppError;
use crate::model::pull_request::PullRequest;

/// The longest pull request body accepted (GitHub's own limit), in characters.
pub const MAX_PULL_BODY_CHARS: usize = 65_536;

/// The chat's pull request, `None` when it has none.
#[server(prefix = "/pocket/fn", endpoint = "get_pull_request")]
pub async fn get_pull_request(
    repo: String,
    chat_id: String,
) -> Result<Option<PullRequest>, AppError> {
    super::context::respond(async {
        let name = super::context::worktree_name(&repo, &chat_id)?;
        let state = super::context::state()?;
        Ok(crate::server::github::get_pull_request(&state.git, &state.github, &name).await?)
    })
    .await
}

/// Pushes the chat's branch and opens its pull request against the
/// repo's default branch (an open one is returned, updated by the push).
#[server(prefix = "/pocket/fn", endpoint = "open_pull_request")]
pub async fn open_pull_request(
    repo: String,
    chat_id: String,
    title: String,
    #[server(default)] body: String,
    #[server(default)] draft: bool,
) -> Result<PullRequest, AppError> {
    super::context::respond(async {
        let name = super::context::worktree_name(&repo, &chat_id)?;
        let title = super::validate::title(&title)?.to_owned();
        if body.chars().count() > MAX_PULL_BODY_CHARS {
            return Err(AppError::BadRequest(format!(
                "the body is too long (at most {MAX_PULL_BODY_CHARS} characters)"
            )));
        }
        let state = super::context::state()?;
        let github = &state.github;
        Ok(
            crate::server::github::open_pull_request(&state.git, github, &name, title, body, draft)
                .await?,
        )
    })
    .await
}

/// Merges the chat's open pull request: `method` is `merge`, `squash` or
/// `rebase`, as the repo allows.
#[server(prefix = "/pocket/fn", endpoint = "merge_pull_request")]
pub async fn merge_pull_request(
    repo: String,
    chat_id: String,
    method: String,
) -> Result<PullRequest, AppError> {
    super::context::respond(async {
        let name = super::context::worktree_name(&repo, &chat_id)?;
        let method = crate::model::pull_request::MergeMethod::parse(&method).ok_or_else(|| {
            AppError::BadRequest(format!(
                "unknown merge method {:?}: use merge, squash or rebase",
                method.chars().take(40).collect::<String>()
            ))
        })?;
        let state = super::context::state()?;
        Ok(
            crate::server::github::merge_pull_request(&state.git, &state.github, &name, method)
                .await?,
        )
    })
    .await
}

/// Closes the chat's open pull request without merging it.
#[server(prefix = "/pocket/fn", endpoint = "close_pull_request")]
pub async fn close_pull_request(repo: String, chat_id: String) -> Result<PullRequest, AppError> {
    super::context::respond(async {
        let name = super::context::worktree_name(&repo, &chat_id)?;
        let state = super::context::state()?;
        Ok(crate::server::github::close_pull_request(&state.git, &state.github, &name).await?)
    })
    .await
}
