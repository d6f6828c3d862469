//! `/admin/worktrees/{owner}/{name}/{chat_id}/review…`: a chat's review,
//! its comments added, edited and deleted, and the drafts sent to the
//! agent as one message (see `server::review`).

use axum::Json;
use axum::extract::rejection::{JsonRejection, PathRejection};
use axum::extract::{Path, State};
use axum::http::StatusCode;
use serde::Deserialize;

use super::error::{AdminError, ErrorBody};
use crate::model::review::{Review, ReviewDiff};
use crate::server::chats::existing_worktree;
use crate::server::git::{ChatId, RepoName, WorktreeName};
use crate::server::review::{self, NewComment, ReviewError};
use crate::server::state::AppState;

type ChatPath = Result<Path<(String, String, String)>, PathRejection>;
type CommentPath = Result<Path<(String, String, String, String)>, PathRejection>;

/// A comment to add.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewCommentBody {
    /// A changed file, relative to the worktree.
    pub path: String,
    /// The first line commented on (the new side's number, from 1).
    pub start: u32,
    /// The last line (absent: `start`); every line between must be in the
    /// diff.
    #[serde(default)]
    pub end: Option<u32>,
    /// Not empty, at most 4000 bytes.
    pub text: String,
}

/// A comment's new text.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CommentText {
    pub text: String,
}

/// The chat's comments: drafts, and those sent.
#[utoipa::path(get, path = "/admin/worktrees/{owner}/{name}/{chat_id}/review", tag = "review",
    params(("owner" = String, Path), ("name" = String, Path), ("chat_id" = String, Path)),
    responses((status = 200, body = Review), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn get_review(
    State(state): State<AppState>,
    chat: ChatPath,
) -> Result<Json<Review>, AdminError> {
    Ok(Json(review::review(&state, &worktree_name(chat)?)?))
}

/// The chat's diff against its base, line by line (the lines comments
/// may name).
#[utoipa::path(get, path = "/admin/worktrees/{owner}/{name}/{chat_id}/review/diff", tag = "review",
    params(("owner" = String, Path), ("name" = String, Path), ("chat_id" = String, Path)),
    responses((status = 200, body = ReviewDiff), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn get_review_diff(
    State(state): State<AppState>,
    chat: ChatPath,
) -> Result<Json<ReviewDiff>, AdminError> {
    Ok(Json(review::diff(&state, &worktree_name(chat)?).await?))
}

/// Adds a draft comment.
#[utoipa::path(post, path = "/admin/worktrees/{owner}/{name}/{chat_id}/review/comments", tag = "review",
    params(("owner" = String, Path), ("name" = String, Path), ("chat_id" = String, Path)),
    request_body = NewCommentBody,
    responses(
        (status = 201, description = "the review with the comment", body = Review),
        (status = 400, description = "a bad path, lines not in the diff, an empty or long comment", body = ErrorBody),
        (status = 404, body = ErrorBody),
        (status = 409, description = "the review is full", body = ErrorBody),
    ))]
pub async fn add_comment(
    State(state): State<AppState>,
    chat: ChatPath,
    body: Result<Json<NewCommentBody>, JsonRejection>,
) -> Result<(StatusCode, Json<Review>), AdminError> {
    let name = existing(&state, chat)?;
    let Json(body) = body?;
    let new = NewComment {
        path: &body.path,
        start: body.start,
        end: body.end,
        text: &body.text,
    };
    let review = review::add(&state, &name, new).await?;
    Ok((StatusCode::CREATED, Json(review)))
}

/// Replaces a draft comment's text.
#[utoipa::path(put, path = "/admin/worktrees/{owner}/{name}/{chat_id}/review/comments/{id}", tag = "review",
    params(("owner" = String, Path), ("name" = String, Path), ("chat_id" = String, Path), ("id" = u64, Path)),
    request_body = CommentText,
    responses(
        (status = 200, body = Review),
        (status = 400, body = ErrorBody),
        (status = 404, description = "no such chat or comment", body = ErrorBody),
        (status = 409, description = "the comment was sent", body = ErrorBody),
    ))]
pub async fn edit_comment(
    State(state): State<AppState>,
    comment: CommentPath,
    body: Result<Json<CommentText>, JsonRejection>,
) -> Result<Json<Review>, AdminError> {
    let (name, id) = comment_id(&state, comment)?;
    let Json(body) = body?;
    Ok(Json(review::edit(&state, &name, id, &body.text)?))
}

/// Deletes a comment.
#[utoipa::path(delete, path = "/admin/worktrees/{owner}/{name}/{chat_id}/review/comments/{id}", tag = "review",
    params(("owner" = String, Path), ("name" = String, Path), ("chat_id" = String, Path), ("id" = u64, Path)),
    responses(
        (status = 200, body = Review),
        (status = 400, body = ErrorBody),
        (status = 404, description = "no such chat or comment", body = ErrorBody),
    ))]
pub async fn delete_comment(
    State(state): State<AppState>,
    comment: CommentPath,
) -> Result<Json<Review>, AdminError> {
    let (name, id) = comment_id(&state, comment)?;
    Ok(Json(review::delete(&state, &name, id)?))
}

/// Sends the drafts to the chat's agent as one message, then marks them
/// sent.
#[utoipa::path(post, path = "/admin/worktrees/{owner}/{name}/{chat_id}/review/send", tag = "review",
    params(("owner" = String, Path), ("name" = String, Path), ("chat_id" = String, Path)),
    responses(
        (status = 200, description = "the review, its comments sent", body = Review),
        (status = 400, body = ErrorBody),
        (status = 404, body = ErrorBody),
        (status = 409, description = "no draft to send, or no session", body = ErrorBody),
    ))]
pub async fn send_review(
    State(state): State<AppState>,
    chat: ChatPath,
) -> Result<Json<Review>, AdminError> {
    Ok(Json(review::send(&state, &worktree_name(chat)?).await?))
}

fn worktree_name(path: ChatPath) -> Result<WorktreeName, AdminError> {
    let Path((owner, name, chat)) = path?;
    Ok(WorktreeName::new(
        RepoName::new(&owner, &name)?,
        ChatId::parse(&chat)?,
    ))
}

/// The chat the path names, which must exist (checked before the body is
/// read: a missing chat is the better answer).
fn existing(state: &AppState, path: ChatPath) -> Result<WorktreeName, AdminError> {
    let name = worktree_name(path)?;
    existing_worktree(state.git.layout(), &name)?;
    Ok(name)
}

fn comment_id(state: &AppState, path: CommentPath) -> Result<(WorktreeName, u64), AdminError> {
    let Path((owner, name, chat, id)) = path?;
    let name = WorktreeName::new(RepoName::new(&owner, &name)?, ChatId::parse(&chat)?);
    existing_worktree(state.git.layout(), &name)?;
    let id = id
        .parse()
        .map_err(|_| AdminError::BadRequest(format!("{id:?} is not a comment id")))?;
    Ok((name, id))
}

impl From<ReviewError> for AdminError {
    fn from(error: ReviewError) -> Self {
        match error {
            ReviewError::Chat(e) => e.into(),
            ReviewError::Git(e) => e.into(),
            other => Self::Status(other.status(), other.to_string()),
        }
    }
}
