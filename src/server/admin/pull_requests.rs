//! `/admin/worktrees/{owner}/{name}/{chat_id}/push` and `…/pull`: push a
//! chat's branch to GitHub with pocketcode's token, and its pull request
//! (read, open, merge, close), as the `push_chat` and `*_pull_request`
//! server functions do.

use axum::Json;
use axum::extract::rejection::{JsonRejection, PathRejection};
use axum::extract::{Path, State};
use serde::Deserialize;

use super::error::{AdminError, ErrorBody};
use crate::model::pull_request::{MergeMethod, PullRequest, PushOutcome};
use crate::server::git::{ChatId, RepoName, WorktreeName, push_target};
use crate::server::github;
use crate::server::state::AppState;

type ChatPath = Result<Path<(String, String, String)>, PathRejection>;

/// Where and how to push.
#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PushBody {
    /// The branch on GitHub (default `pocketcode/<chat id>`); never the
    /// repo's default branch, never a full ref.
    #[serde(default)]
    pub branch: Option<String>,
    /// Replace the branch on GitHub even if it has commits the chat's does not.
    #[serde(default)]
    pub force: bool,
}

/// A new pull request.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct OpenPullBody {
    pub title: String,
    #[serde(default)]
    pub body: String,
    #[serde(default)]
    pub draft: bool,
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MergePullBody {
    pub method: MergeMethod,
}

/// Pushes the chat's branch to GitHub with pocketcode's token.
#[utoipa::path(post, path = "/admin/worktrees/{owner}/{name}/{chat_id}/push", tag = "pull requests",
    params(("owner" = String, Path), ("name" = String, Path), ("chat_id" = String, Path)),
    request_body(content = PushBody, description = "optional; `{}` pushes `pocketcode/<chat id>`"),
    responses(
        (status = 200, body = PushOutcome),
        (status = 400, description = "bad name, or the default branch", body = ErrorBody),
        (status = 404, body = ErrorBody),
        (status = 409, description = "not a fast-forward (push with force), no GitHub remote, or no GITHUB_TOKEN", body = ErrorBody),
        (status = 502, description = "GitHub refused or failed", body = ErrorBody),
    ))]
pub async fn push(
    State(state): State<AppState>,
    path: ChatPath,
    body: Result<Json<PushBody>, JsonRejection>,
) -> Result<Json<PushOutcome>, AdminError> {
    let name = chat(&state, path).await?;
    let Json(body) = body?;
    let branch = body.branch.as_deref().map(push_target).transpose()?;
    let outcome = github::push_chat(&state.git, &state.github, &name, branch, body.force).await?;
    Ok(Json(outcome))
}

/// The chat's pull request (404 when it has none).
#[utoipa::path(get, path = "/admin/worktrees/{owner}/{name}/{chat_id}/pull", tag = "pull requests",
    params(("owner" = String, Path), ("name" = String, Path), ("chat_id" = String, Path)),
    responses(
        (status = 200, body = PullRequest),
        (status = 400, body = ErrorBody),
        (status = 404, description = "no such chat, or no pull request", body = ErrorBody),
        (status = 409, description = "no GitHub remote, or no GITHUB_TOKEN", body = ErrorBody),
    ))]
pub async fn get_pull(
    State(state): State<AppState>,
    path: ChatPath,
) -> Result<Json<PullRequest>, AdminError> {
    let name = chat(&state, path).await?;
    github::get_pull_request(&state.git, &state.github, &name)
        .await?
        .map(Json)
        .ok_or_else(|| AdminError::NotFound(format!("the chat {} has no pull request", name.chat)))
}

/// Pushes the chat's branch and opens its pull request against the default branch.
#[utoipa::path(post, path = "/admin/worktrees/{owner}/{name}/{chat_id}/pull", tag = "pull requests",
    params(("owner" = String, Path), ("name" = String, Path), ("chat_id" = String, Path)),
    request_body = OpenPullBody,
    responses(
        (status = 200, body = PullRequest),
        (status = 400, body = ErrorBody),
        (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody),
        (status = 502, body = ErrorBody),
    ))]
pub async fn open_pull(
    State(state): State<AppState>,
    path: ChatPath,
    body: Result<Json<OpenPullBody>, JsonRejection>,
) -> Result<Json<PullRequest>, AdminError> {
    let name = chat(&state, path).await?;
    let Json(body) = body?;
    let title = crate::api::validate::title(&body.title)
        .map_err(|e| AdminError::BadRequest(e.to_string()))?
        .to_owned();
    if body.body.chars().count() > crate::api::MAX_PULL_BODY_CHARS {
        return Err(AdminError::BadRequest("the body is too long".into()));
    }
    let pull = github::open_pull_request(
        &state.git,
        &state.github,
        &name,
        title,
        body.body,
        body.draft,
    )
    .await?;
    Ok(Json(pull))
}

/// Merges the chat's open pull request (`merge`, `squash` or `rebase`, as the repo allows).
#[utoipa::path(post, path = "/admin/worktrees/{owner}/{name}/{chat_id}/pull/merge", tag = "pull requests",
    params(("owner" = String, Path), ("name" = String, Path), ("chat_id" = String, Path)),
    request_body = MergePullBody,
    responses(
        (status = 200, body = PullRequest),
        (status = 400, body = ErrorBody),
        (status = 404, description = "no open pull request", body = ErrorBody),
        (status = 409, description = "not mergeable, or a method the repo does not allow", body = ErrorBody),
    ))]
pub async fn merge_pull(
    State(state): State<AppState>,
    path: ChatPath,
    body: Result<Json<MergePullBody>, JsonRejection>,
) -> Result<Json<PullRequest>, AdminError> {
    let name = chat(&state, path).await?;
    let Json(body) = body?;
    let pull = github::merge_pull_request(&state.git, &state.github, &name, body.method).await?;
    Ok(Json(pull))
}

/// Closes the chat's open pull request without merging it.
#[utoipa::path(post, path = "/admin/worktrees/{owner}/{name}/{chat_id}/pull/close", tag = "pull requests",
    params(("owner" = String, Path), ("name" = String, Path), ("chat_id" = String, Path)),
    responses(
        (status = 200, body = PullRequest),
        (status = 400, body = ErrorBody),
        (status = 404, description = "no open pull request", body = ErrorBody),
    ))]
pub async fn close_pull(
    State(state): State<AppState>,
    path: ChatPath,
) -> Result<Json<PullRequest>, AdminError> {
    let name = chat(&state, path).await?;
    Ok(Json(
        github::close_pull_request(&state.git, &state.github, &name).await?,
    ))
}

/// The chat the path names, validated and existing (before any body is
/// read: an unknown chat is 404 whatever was sent).
async fn chat(state: &AppState, path: ChatPath) -> Result<WorktreeName, AdminError> {
    let Path((owner, name, chat)) = path?;
    let name = WorktreeName::new(RepoName::new(&owner, &name)?, ChatId::parse(&chat)?);
    if state.git.worktree(&name).await?.is_none() {
        return Err(AdminError::NotFound(format!(
            "no chat {} in {}",
            name.chat, name.repo
        )));
    }
    Ok(name)
}
