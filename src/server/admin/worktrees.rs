//! `/admin/worktrees`: the chats' worktrees with their sessions, one
//! chat's details and diff, and deleting a chat.

use axum::Json;
use axum::extract::rejection::{PathRejection, QueryRejection};
use axum::extract::{Path, Query, State};
use serde::{Deserialize, Serialize};

use super::error::{AdminError, ErrorBody};
use crate::model::chats::{ChatSummary, DeletedChat, DiffStat};
use crate::server::chats;
use crate::server::git::{ChatId, RepoName, WorktreeName};
use crate::server::opencode_client::OpencodeClient;
use crate::server::state::AppState;

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct DeleteWorktreeQuery {
    /// Delete even with uncommitted changes.
    #[serde(default)]
    pub force: bool,
    /// Delete the chat's branch even if it is not merged.
    #[serde(default)]
    pub delete_branch: bool,
}

/// A chat with its diff against the commit it started from.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct WorktreeDetail {
    pub chat: ChatSummary,
    pub diff: DiffStat,
}

type ChatPath = Result<Path<(String, String, String)>, PathRejection>;

/// Every chat worktree, joined with the opencode session working in it.
#[utoipa::path(get, path = "/admin/worktrees", tag = "worktrees",
    responses(
        (status = 200, body = Vec<ChatSummary>),
        (status = 503, description = "opencode is not available", body = ErrorBody),
    ))]
pub async fn list_worktrees(
    State(state): State<AppState>,
) -> Result<Json<Vec<ChatSummary>>, AdminError> {
    let client = OpencodeClient::from_state(&state).await?;
    Ok(Json(chats::list_chats(&state.git, &client).await?))
}

#[utoipa::path(get, path = "/admin/worktrees/{owner}/{name}/{chat_id}", tag = "worktrees",
    params(("owner" = String, Path), ("name" = String, Path), ("chat_id" = String, Path)),
    responses(
        (status = 200, body = WorktreeDetail),
        (status = 400, body = ErrorBody),
        (status = 404, body = ErrorBody),
    ))]
pub async fn get_worktree(
    State(state): State<AppState>,
    path: ChatPath,
) -> Result<Json<WorktreeDetail>, AdminError> {
    let name = worktree_name(path)?;
    let client = OpencodeClient::from_state(&state).await?;
    let chat = chats::chat(&state.git, &client, &name)
        .await?
        .ok_or_else(|| not_found(&name))?;
    let diff = chats::diff_stat(&state.git, &name).await?;
    Ok(Json(WorktreeDetail { chat, diff }))
}

/// The worktree's unified diff against the commit its chat started from.
#[utoipa::path(get, path = "/admin/worktrees/{owner}/{name}/{chat_id}/diff", tag = "worktrees",
    params(("owner" = String, Path), ("name" = String, Path), ("chat_id" = String, Path)),
    responses(
        (status = 200, description = "a unified diff", content_type = "text/plain", body = String),
        (status = 400, body = ErrorBody),
        (status = 404, body = ErrorBody),
    ))]
pub async fn worktree_diff(
    State(state): State<AppState>,
    path: ChatPath,
) -> Result<String, AdminError> {
    let name = worktree_name(path)?;
    Ok(chats::diff_patch(&state.git, &name, None).await?)
}

/// Deletes the chat: its sessions, its worktree, and its branch when merged
/// (or with `delete_branch`). Uncommitted changes are refused unless `force`.
#[utoipa::path(delete, path = "/admin/worktrees/{owner}/{name}/{chat_id}", tag = "worktrees",
    params(("owner" = String, Path), ("name" = String, Path), ("chat_id" = String, Path), DeleteWorktreeQuery),
    responses(
        (status = 200, body = DeletedChat),
        (status = 400, body = ErrorBody),
        (status = 404, body = ErrorBody),
        (status = 409, description = "uncommitted changes", body = ErrorBody),
    ))]
pub async fn delete_worktree(
    State(state): State<AppState>,
    path: ChatPath,
    query: Result<Query<DeleteWorktreeQuery>, QueryRejection>,
) -> Result<Json<DeletedChat>, AdminError> {
    let name = worktree_name(path)?;
    let Query(query) = query?;
    let chat = chats::ChatRef::Local(name);
    Ok(Json(
        chats::delete_chat(&state, &chat, query.force, query.delete_branch).await?,
    ))
}

fn worktree_name(path: ChatPath) -> Result<WorktreeName, AdminError> {
    let Path((owner, name, chat)) = path?;
    Ok(WorktreeName::new(
        RepoName::new(&owner, &name)?,
        ChatId::parse(&chat)?,
    ))
}

fn not_found(name: &WorktreeName) -> AdminError {
    AdminError::NotFound(format!("no chat {} in {}", name.chat, name.repo))
}
