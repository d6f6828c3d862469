//! `/admin/remotes/{remote}/{session_id}/files…`: a remote chat's files,
//! as `…/worktrees/…/files…` are a local chat's (the Files sheet uses
//! these for a remote chat). Listings come from the remote's opencode;
//! downloads, zips and uploads go over the remote's ssh.

use axum::Json;
use axum::extract::multipart::MultipartRejection;
use axum::extract::rejection::PathRejection;
use axum::extract::{Multipart, Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;

use super::error::{AdminError, ErrorBody};
use super::files::{FilePath, FileQuery};
use super::files_of::{self, Download, FilesOf};
use crate::model::files::FolderListing;
use crate::model::remotes::remote_repo;
use crate::server::chats::ChatRef;
use crate::server::state::AppState;

type RemotePath = Result<Path<(String, String)>, PathRejection>;

/// A folder of the remote chat's directory: entries with git status (no
/// sizes: opencode does not give them; links are not listed).
#[utoipa::path(get, path = "/admin/remotes/{remote}/{session_id}/files", tag = "files",
    params(("remote" = String, Path), ("session_id" = String, Path), FilePath),
    responses(
        (status = 200, body = FolderListing),
        (status = 400, description = "a bad path, or a file", body = ErrorBody),
        (status = 403, description = "the path leads out of the chat's directory", body = ErrorBody),
        (status = 404, body = ErrorBody),
        (status = 503, description = "the remote is not connected", body = ErrorBody),
    ))]
pub async fn list_remote_files(
    State(state): State<AppState>,
    chat: RemotePath,
    query: FileQuery,
) -> Result<Json<FolderListing>, AdminError> {
    files_of::list(&state, remote_chat(chat), query).await
}

/// A file of the remote chat's directory, as an attachment (over ssh).
#[utoipa::path(get, path = "/admin/remotes/{remote}/{session_id}/files/download", tag = "files",
    params(("remote" = String, Path), ("session_id" = String, Path), FilePath),
    responses(
        (status = 200, description = "the file's bytes", content_type = "application/octet-stream"),
        (status = 400, description = "a bad path, or a folder", body = ErrorBody),
        (status = 403, description = "the path leads out of the chat's directory", body = ErrorBody),
        (status = 404, body = ErrorBody),
    ))]
pub async fn download_remote_file(
    State(state): State<AppState>,
    chat: RemotePath,
    query: FileQuery,
) -> Result<Response, AdminError> {
    files_of::download(&state, remote_chat(chat), query, Download::File).await
}

/// A folder of the remote chat's directory as a zip, streamed as the
/// remote's `tar` comes in (links left out; `.git` too at the root).
#[utoipa::path(get, path = "/admin/remotes/{remote}/{session_id}/files/zip", tag = "files",
    params(("remote" = String, Path), ("session_id" = String, Path), FilePath),
    responses(
        (status = 200, description = "a zip archive", content_type = "application/zip"),
        (status = 400, description = "a bad path, or a file", body = ErrorBody),
        (status = 403, description = "the path leads out of the chat's directory", body = ErrorBody),
        (status = 404, body = ErrorBody),
    ))]
pub async fn download_remote_zip(
    State(state): State<AppState>,
    chat: RemotePath,
    query: FileQuery,
) -> Result<Response, AdminError> {
    files_of::download(&state, remote_chat(chat), query, Download::Zip).await
}

/// Uploads files (`multipart/form-data`) into a folder of the remote
/// chat's directory, over ssh. All or nothing, as for a local chat.
#[utoipa::path(post, path = "/admin/remotes/{remote}/{session_id}/files/upload", tag = "files",
    params(("remote" = String, Path), ("session_id" = String, Path), FilePath),
    request_body(content_type = "multipart/form-data", description = "the files, each part with a file name"),
    responses(
        (status = 201, description = "the folder after the upload", body = FolderListing),
        (status = 400, description = "a bad path or file name, no files, a folder that is a file", body = ErrorBody),
        (status = 403, description = "the path leads out of the chat's directory", body = ErrorBody),
        (status = 404, body = ErrorBody),
        (status = 409, description = "a file of that name is there", body = ErrorBody),
        (status = 413, description = "over --upload-max-mb", body = ErrorBody),
    ))]
pub async fn upload_remote_files(
    State(state): State<AppState>,
    headers: HeaderMap,
    chat: RemotePath,
    query: FileQuery,
    body: Result<Multipart, MultipartRejection>,
) -> Result<(StatusCode, Json<FolderListing>), AdminError> {
    files_of::upload(&state, &headers, remote_chat(chat), query, body).await
}

/// The remote chat a route names (the remote's name and the session),
/// validated.
fn remote_chat(path: RemotePath) -> Result<FilesOf, AdminError> {
    let Path((name, session)) = path?;
    match ChatRef::parse(&remote_repo(&name), &session)? {
        ChatRef::Remote { remote, session } => Ok(FilesOf::Remote { remote, session }),
        ChatRef::Local(_) => Err(AdminError::BadRequest(format!(
            "{name:?} is not a remote's name"
        ))),
    }
}
