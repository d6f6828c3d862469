//! `/admin/repos`: list, clone, describe and delete repos.

use axum::Json;
use axum::extract::rejection::{JsonRejection, PathRejection, QueryRejection};
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};

use super::error::{AdminError, ErrorBody};
use crate::model::repos::{AddedRepo, CloneOutcome, RepoInfo, RepoList};
use crate::server::chats;
use crate::server::git::{RepoName, RepoSource};
use crate::server::state::AppState;

/// What to clone.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AddRepoRequest {
    /// `owner/name` (GitHub), an https git URL, or an absolute local path
    /// or `file://` URL.
    pub source: String,
    /// `owner/name` to clone it as, instead of the one derived from the source.
    #[serde(default)]
    pub name: Option<String>,
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct DeleteRepoQuery {
    /// Also delete the repo's chat worktrees (otherwise refused while any exist).
    #[serde(default)]
    pub force: bool,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct DeletedRepo {
    pub name: String,
    pub worktrees_removed: u32,
}

/// Every clone, and the clones in progress with their progress.
#[utoipa::path(get, path = "/admin/repos", tag = "repos",
    responses((status = 200, body = RepoList)))]
pub async fn list_repos(State(state): State<AppState>) -> Result<Json<RepoList>, AdminError> {
    Ok(Json(RepoList {
        repos: state.git.repos().await?,
        cloning: state.git.clones_in_flight(),
    }))
}

/// Clones a repo unless it is already there; a request for a repo that is
/// being cloned waits for that clone.
#[utoipa::path(post, path = "/admin/repos", tag = "repos", request_body = AddRepoRequest,
    responses(
        (status = 201, description = "cloned by this request", body = AddedRepo),
        (status = 200, description = "already there, or cloned by another request", body = AddedRepo),
        (status = 400, description = "bad source or name", body = ErrorBody),
        (status = 502, description = "the remote refused or failed", body = ErrorBody),
    ))]
pub async fn add_repo(
    State(state): State<AppState>,
    body: Result<Json<AddRepoRequest>, JsonRejection>,
) -> Result<(StatusCode, Json<AddedRepo>), AdminError> {
    let Json(request) = body?;
    let mut source = RepoSource::parse(&request.source)?;
    if let Some(name) = &request.name {
        source = source.renamed(RepoName::parse(name)?);
    }
    let added = state.git.add_repo(source).await?;
    let status = match added.outcome {
        CloneOutcome::Cloned => StatusCode::CREATED,
        CloneOutcome::Joined | CloneOutcome::Existing => StatusCode::OK,
    };
    Ok((status, Json(added)))
}

#[utoipa::path(get, path = "/admin/repos/{owner}/{name}", tag = "repos",
    params(("owner" = String, Path), ("name" = String, Path)),
    responses(
        (status = 200, body = RepoInfo),
        (status = 400, body = ErrorBody),
        (status = 404, body = ErrorBody),
    ))]
pub async fn get_repo(
    State(state): State<AppState>,
    path: Result<Path<(String, String)>, PathRejection>,
) -> Result<Json<RepoInfo>, AdminError> {
    let name = repo_name(path)?;
    match state.git.repo(&name).await? {
        Some(info) => Ok(Json(info)),
        None => Err(AdminError::NotFound(format!("no repo {name}"))),
    }
}

/// Deletes a clone; refused (409) while chats of it exist, unless `force`.
#[utoipa::path(delete, path = "/admin/repos/{owner}/{name}", tag = "repos",
    params(("owner" = String, Path), ("name" = String, Path), DeleteRepoQuery),
    responses(
        (status = 200, body = DeletedRepo),
        (status = 400, body = ErrorBody),
        (status = 404, body = ErrorBody),
        (status = 409, description = "chats of the repo exist", body = ErrorBody),
    ))]
pub async fn delete_repo(
    State(state): State<AppState>,
    path: Result<Path<(String, String)>, PathRejection>,
    query: Result<Query<DeleteRepoQuery>, QueryRejection>,
) -> Result<Json<DeletedRepo>, AdminError> {
    let name = repo_name(path)?;
    let Query(query) = query?;
    let worktrees_removed = chats::delete_repo(&state, &name, query.force).await?;
    Ok(Json(DeletedRepo {
        name: name.to_string(),
        worktrees_removed,
    }))
}

fn repo_name(path: Result<Path<(String, String)>, PathRejection>) -> Result<RepoName, AdminError> {
    let Path((owner, name)) = path?;
    Ok(RepoName::new(&owner, &name)?)
}
