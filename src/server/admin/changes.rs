//! `/admin/worktrees/{owner}/{name}/{chat_id}/changes|commit|commit-message|merge`:
//! a chat's unshipped work, committing it (with a message its model can
//! write), and merging its branch into the repo's default branch.

use axum::Json;
use axum::extract::rejection::{JsonRejection, PathRejection};
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};

use super::error::{AdminError, ErrorBody};
use crate::model::changes::{ChatChanges, MergeMode, MergeOutcome};
use crate::server::chats::{self, ChatError};
use crate::server::git::{ChatId, GitError, RepoName, WorktreeName};
use crate::server::state::AppState;

type ChatPath = Result<Path<(String, String, String)>, PathRejection>;

/// What to commit.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CommitRequest {
    /// The commit message (not blank, at most 10 000 bytes).
    pub message: String,
    /// Only these changed files (relative paths); every changed file when
    /// absent.
    #[serde(default)]
    pub paths: Option<Vec<String>>,
}

/// How to merge.
#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MergeRequest {
    /// `auto` (fast-forward when possible, else a merge commit), `ff_only`
    /// or `merge` (always a merge commit).
    #[serde(default)]
    pub mode: MergeMode,
}

/// A refused merge: the message, and the files that conflict.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct MergeConflictBody {
    pub error: String,
    /// Files both branches changed in ways git cannot combine (empty when
    /// the merge was refused for another reason).
    pub conflicts: Vec<String>,
}

#[utoipa::path(get, path = "/admin/worktrees/{owner}/{name}/{chat_id}/changes", tag = "worktrees",
    params(("owner" = String, Path), ("name" = String, Path), ("chat_id" = String, Path)),
    responses(
        (status = 200, body = ChatChanges),
        (status = 400, body = ErrorBody),
        (status = 404, body = ErrorBody),
    ))]
pub async fn chat_changes(
    State(state): State<AppState>,
    path: ChatPath,
) -> Result<Json<ChatChanges>, AdminError> {
    let name = worktree_name(path)?;
    Ok(Json(chats::changes(&state, &name).await?))
}

/// Commits the chat's changes (all, or the listed paths) on its branch.
#[utoipa::path(post, path = "/admin/worktrees/{owner}/{name}/{chat_id}/commit", tag = "worktrees",
    params(("owner" = String, Path), ("name" = String, Path), ("chat_id" = String, Path)),
    request_body = CommitRequest,
    responses(
        (status = 200, description = "the changes after the commit", body = ChatChanges),
        (status = 400, description = "a bad message or path", body = ErrorBody),
        (status = 404, body = ErrorBody),
        (status = 409, description = "nothing to commit", body = ErrorBody),
    ))]
pub async fn commit_chat(
    State(state): State<AppState>,
    path: ChatPath,
    body: Result<Json<CommitRequest>, JsonRejection>,
) -> Result<Json<ChatChanges>, AdminError> {
    let name = existing(&state, path).await?;
    let Json(body) = body?;
    Ok(Json(
        chats::commit(&state, &name, body.message, body.paths).await?,
    ))
}

/// A commit message the chat's model wrote for its uncommitted changes.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct CommitMessageBody {
    pub message: String,
}

/// Asks the chat's model for a commit message for its uncommitted changes
/// (aside: the chat's transcript does not change). Nothing is committed.
#[utoipa::path(post, path = "/admin/worktrees/{owner}/{name}/{chat_id}/commit-message", tag = "worktrees",
    params(("owner" = String, Path), ("name" = String, Path), ("chat_id" = String, Path)),
    responses(
        (status = 200, body = CommitMessageBody),
        (status = 400, body = ErrorBody),
        (status = 404, body = ErrorBody),
        (status = 409, description = "nothing to commit, or no session yet", body = ErrorBody),
        (status = 502, description = "the model failed or wrote nothing", body = ErrorBody),
    ))]
pub async fn write_commit_message(
    State(state): State<AppState>,
    path: ChatPath,
) -> Result<Json<CommitMessageBody>, AdminError> {
    let name = existing(&state, path).await?;
    let client = crate::server::opencode_client::OpencodeClient::from_state(&state)
        .await
        .map_err(ChatError::from)?;
    let message = chats::write_commit_message(&state, &client, &name).await?;
    Ok(Json(CommitMessageBody { message }))
}

/// Merges the chat's branch into the repo's default branch in the main
/// clone. Refused (nothing changed) on conflict or uncommitted changes.
#[utoipa::path(post, path = "/admin/worktrees/{owner}/{name}/{chat_id}/merge", tag = "worktrees",
    params(("owner" = String, Path), ("name" = String, Path), ("chat_id" = String, Path)),
    request_body = MergeRequest,
    responses(
        (status = 200, body = MergeOutcome),
        (status = 400, body = ErrorBody),
        (status = 404, body = ErrorBody),
        (status = 409, description = "conflicts, uncommitted changes or nothing to merge", body = MergeConflictBody),
    ))]
pub async fn merge_chat(
    State(state): State<AppState>,
    path: ChatPath,
    body: Result<Json<MergeRequest>, JsonRejection>,
) -> Result<Response, AdminError> {
    let name = existing(&state, path).await?;
    let Json(body) = body?;
    match chats::merge(&state, &name, body.mode).await {
        Ok(outcome) => Ok(Json(outcome).into_response()),
        Err(error) if error.status() == 409 => Ok(refused(&error)),
        Err(error) => Err(error.into()),
    }
}

/// A 409 with the conflicting files, when it is a conflict that refused.
fn refused(error: &ChatError) -> Response {
    let conflicts = match error {
        ChatError::Git(GitError::MergeConflict(files)) => files.clone(),
        _ => Vec::new(),
    };
    let body = MergeConflictBody {
        error: error.to_string(),
        conflicts,
    };
    (StatusCode::CONFLICT, Json(body)).into_response()
}

/// The chat the path names, which must exist (checked before the body is
/// read: a missing chat is the better answer).
async fn existing(state: &AppState, path: ChatPath) -> Result<WorktreeName, AdminError> {
    let name = worktree_name(path)?;
    if state.git.worktree(&name).await?.is_none() {
        return Err(AdminError::NotFound(format!(
            "no chat {} in {}",
            name.chat, name.repo
        )));
    }
    Ok(name)
}

pub(super) fn worktree_name(path: ChatPath) -> Result<WorktreeName, AdminError> {
    let Path((owner, name, chat)) = path?;
    Ok(WorktreeName::new(
        RepoName::new(&owner, &name)?,
        ChatId::parse(&chat)?,
    ))
}
