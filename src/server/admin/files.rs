//! `/admin/worktrees/{owner}/{name}/{chat_id}/files…`: a local chat's
//! files. A folder's listing, a file's download, a folder's as a zip, and
//! uploads into a folder (multipart, at most `--upload-max-mb` in all). The
//! Files sheet downloads and uploads through these too (the auth wall
//! guards them like every route). What each route does is in `files_of`,
//! shared with a remote chat's routes.

use axum::Json;
use axum::extract::multipart::MultipartRejection;
use axum::extract::rejection::{PathRejection, QueryRejection};
use axum::extract::{Multipart, Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use serde::Deserialize;

use super::error::{AdminError, ErrorBody};
use super::files_of::{self, Download, FilesOf};
use crate::model::files::FolderListing;
use crate::server::files::FilesError;
use crate::server::git::{ChatId, RepoName, WorktreeName};
use crate::server::state::AppState;

type ChatPath = Result<Path<(String, String, String)>, PathRejection>;
pub(super) type FileQuery = Result<Query<FilePath>, QueryRejection>;

/// Which file or folder.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct FilePath {
    /// Relative to the chat's worktree, `/`-separated; empty (or absent)
    /// for its root. No `.`, `..`, empty parts or NUL; links leading out
    /// of the worktree are refused (403).
    #[serde(default)]
    pub path: String,
}

/// A folder of the chat's worktree: entries with sizes and git status.
#[utoipa::path(get, path = "/admin/worktrees/{owner}/{name}/{chat_id}/files", tag = "files",
    params(("owner" = String, Path), ("name" = String, Path), ("chat_id" = String, Path), FilePath),
    responses(
        (status = 200, body = FolderListing),
        (status = 400, description = "a bad path, or a file", body = ErrorBody),
        (status = 403, description = "the path leads out of the worktree", body = ErrorBody),
        (status = 404, body = ErrorBody),
    ))]
pub async fn list_files(
    State(state): State<AppState>,
    chat: ChatPath,
    query: FileQuery,
) -> Result<Json<FolderListing>, AdminError> {
    files_of::list(&state, local(chat), query).await
}

/// A file of the chat's worktree, as an attachment.
#[utoipa::path(get, path = "/admin/worktrees/{owner}/{name}/{chat_id}/files/download", tag = "files",
    params(("owner" = String, Path), ("name" = String, Path), ("chat_id" = String, Path), FilePath),
    responses(
        (status = 200, description = "the file's bytes", content_type = "application/octet-stream"),
        (status = 400, description = "a bad path, or a folder", body = ErrorBody),
        (status = 403, description = "the path leads out of the worktree", body = ErrorBody),
        (status = 404, body = ErrorBody),
    ))]
pub async fn download_file(
    State(state): State<AppState>,
    chat: ChatPath,
    query: FileQuery,
) -> Result<Response, AdminError> {
    files_of::download(&state, local(chat), query, Download::File).await
}

/// A folder of the chat's worktree as a zip, streamed as it is written
/// (links inside are left out; `.git` too at the root).
#[utoipa::path(get, path = "/admin/worktrees/{owner}/{name}/{chat_id}/files/zip", tag = "files",
    params(("owner" = String, Path), ("name" = String, Path), ("chat_id" = String, Path), FilePath),
    responses(
        (status = 200, description = "a zip archive", content_type = "application/zip"),
        (status = 400, description = "a bad path, or a file", body = ErrorBody),
        (status = 403, description = "the path leads out of the worktree", body = ErrorBody),
        (status = 404, body = ErrorBody),
    ))]
pub async fn download_zip(
    State(state): State<AppState>,
    chat: ChatPath,
    query: FileQuery,
) -> Result<Response, AdminError> {
    files_of::download(&state, local(chat), query, Download::Zip).await
}

/// Uploads files (`multipart/form-data`, every part a file) into a folder
/// of the chat's worktree. All or nothing: a bad name, a file already
/// there or a request over `--upload-max-mb` writes nothing.
#[utoipa::path(post, path = "/admin/worktrees/{owner}/{name}/{chat_id}/files/upload", tag = "files",
    params(("owner" = String, Path), ("name" = String, Path), ("chat_id" = String, Path), FilePath),
    request_body(content_type = "multipart/form-data", description = "the files, each part with a file name"),
    responses(
        (status = 201, description = "the folder after the upload", body = FolderListing),
        (status = 400, description = "a bad path or file name, no files, a folder that is a file", body = ErrorBody),
        (status = 403, description = "the path leads out of the worktree", body = ErrorBody),
        (status = 404, body = ErrorBody),
        (status = 409, description = "a file of that name is there", body = ErrorBody),
        (status = 413, description = "over --upload-max-mb", body = ErrorBody),
    ))]
pub async fn upload_files(
    State(state): State<AppState>,
    headers: HeaderMap,
    chat: ChatPath,
    query: FileQuery,
    body: Result<Multipart, MultipartRejection>,
) -> Result<(StatusCode, Json<FolderListing>), AdminError> {
    files_of::upload(&state, &headers, local(chat), query, body).await
}

/// The local chat a route names, validated.
fn local(path: ChatPath) -> Result<FilesOf, AdminError> {
    let Path((owner, name, chat)) = path?;
    Ok(FilesOf::Local(WorktreeName::new(
        RepoName::new(&owner, &name)?,
        ChatId::parse(&chat)?,
    )))
}

impl From<FilesError> for AdminError {
    fn from(error: FilesError) -> Self {
        match error {
            FilesError::Chat(e) => e.into(),
            other => Self::Status(other.status(), other.to_string()),
        }
    }
}
