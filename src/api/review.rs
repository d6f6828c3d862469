//! `POST /pocket/fn/{get_review_diff, get_review, add_review_comment,
//! edit_review_comment, delete_review_comment, send_review}`: the Review
//! sheet (see `server::review`). Each change answers with the review as it
//! is now. Local chats only.

use leptos::prelude::*;

use super::AppError;
use crate::model::review::{Review, ReviewDiff};

/// The chat's diff against its base, line by line.
#[server(prefix = "/pocket/fn", endpoint = "get_review_diff")]
pub async fn get_review_diff(repo: String, chat_id: String) -> Result<ReviewDiff, AppError> {
    super::context::respond(async {
        let name = super::context::worktree_name(&repo, &chat_id)?;
        let state = super::context::state()?;
        Ok(crate::server::review::diff(&state, &name).await?)
    })
    .await
}

/// The chat's review: its comments, drafts and sent ones.
#[server(prefix = "/pocket/fn", endpoint = "get_review")]
pub async fn get_review(repo: String, chat_id: String) -> Result<Review, AppError> {
    super::context::respond(async {
        let name = super::context::worktree_name(&repo, &chat_id)?;
        let state = super::context::state()?;
        Ok(crate::server::review::review(&state, &name)?)
    })
    .await
}

/// Adds a draft comment on lines `start..=end` (`end` absent: one line) of
/// `path` as the chat changed it.
#[server(prefix = "/pocket/fn", endpoint = "add_review_comment")]
pub async fn add_review_comment(
    repo: String,
    chat_id: String,
    path: String,
    start: u32,
    end: Option<u32>,
    text: String,
) -> Result<Review, AppError> {
    use crate::server::review::NewComment;

    super::context::respond(async {
        let name = super::context::worktree_name(&repo, &chat_id)?;
        let state = super::context::state()?;
        let new = NewComment {
            path: &path,
            start,
            end,
            text: &text,
        };
        Ok(crate::server::review::add(&state, &name, new).await?)
    })
    .await
}

/// Replaces the text of draft comment `id` (409 once it was sent).
#[server(prefix = "/pocket/fn", endpoint = "edit_review_comment")]
pub async fn edit_review_comment(
    repo: String,
    chat_id: String,
    id: u64,
    text: String,
) -> Result<Review, AppError> {
    super::context::respond(async {
        let name = super::context::worktree_name(&repo, &chat_id)?;
        let state = super::context::state()?;
        Ok(crate::server::review::edit(&state, &name, id, &text)?)
    })
    .await
}

/// Deletes comment `id`.
#[server(prefix = "/pocket/fn", endpoint = "delete_review_comment")]
pub async fn delete_review_comment(
    repo: String,
    chat_id: String,
    id: u64,
) -> Result<Review, AppError> {
    super::context::respond(async {
        let name = super::context::worktree_name(&repo, &chat_id)?;
        let state = super::context::state()?;
        Ok(crate::server::review::delete(&state, &name, id)?)
    })
    .await
}

/// Sends the draft comments to the agent as one message; they are then
/// kept as sent (409 when there is no draft).
#[server(prefix = "/pocket/fn", endpoint = "send_review")]
pub async fn send_review(repo: String, chat_id: String) -> Result<Review, AppError> {
    super::context::respond(async {
        let name = super::context::worktree_name(&repo, &chat_id)?;
        let state = super::context::state()?;
        Ok(crate::server::review::send(&state, &name).await?)
    })
    .await
}

#[cfg(feature = "ssr")]
impl From<crate::server::review::ReviewError> for AppError {
    fn from(error: crate::server::review::ReviewError) -> Self {
        use crate::server::review::ReviewError;
        match error {
            ReviewError::Chat(e) => e.into(),
            ReviewError::Git(e) => e.into(),
            other => Self::from_status(other.status(), other.to_string()),
        }
    }
}
