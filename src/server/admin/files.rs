//! `/admin/worktrees/{owner}/{name}/{chat_id}/files…`: a local chat's
//! files. A folder's listing, a file's download, a folder's as a zip, and
//! uploads into a folder (multipart, at most `--upload-max-mb` in all). The
//! Files sheet downloads and uploads through these too (the auth wall
//! guards them like every route).

use axum::Json;
use axum::body::Body;
use axum::extract::multipart::MultipartRejection;
use axum::extract::rejection::{PathRejection, QueryRejection};
use axum::extract::{Multipart, Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;

use super::error::{AdminError, ErrorBody};
use crate::model::files::{FolderListing, encode_query};
use crate::server::files::{self, Download, FilesError};
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
    let name = worktree_name(chat)?;
    let Query(query) = query?;
    Ok(Json(files::list_folder(&state, &name, &query.path).await?))
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
    let name = worktree_name(chat)?;
    let Query(query) = query?;
    let download = files::download_file(&state, &name, &query.path).await?;
    Ok(attachment(download, "application/octet-stream"))
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
    let name = worktree_name(chat)?;
    let Query(query) = query?;
    let download = files::download_zip(&state, &name, &query.path).await?;
    Ok(attachment(download, "application/zip"))
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
    refuse_declared_size(&state, &headers)?;
    let name = worktree_name(chat)?;
    let Query(query) = query?;
    // A missing chat is the better answer than a malformed body.
    crate::server::chats::existing_worktree(state.git.layout(), &name).map_err(FilesError::from)?;
    let body = body.map_err(|e| AdminError::Rejected(e.status().as_u16(), e.body_text()))?;
    let listing = files::upload(&state, &name, &query.path, body).await?;
    Ok((StatusCode::CREATED, Json(listing)))
}

/// An upload refused before a byte of its body is read when it says it is
/// too big (the multipart framing gets a little room).
pub(super) fn refuse_declared_size(
    state: &AppState,
    headers: &HeaderMap,
) -> Result<(), AdminError> {
    let limit = state.upload_max_mb.saturating_mul(1024 * 1024) + 64 * 1024;
    let declared = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok()?.parse::<u64>().ok());
    if declared.is_some_and(|length| length > limit) {
        return Err(FilesError::TooLarge {
            limit_mb: state.upload_max_mb,
        }
        .into());
    }
    Ok(())
}

pub(super) fn attachment<S>(download: Download<S>, content_type: &'static str) -> Response
where
    S: futures::Stream<Item = std::io::Result<bytes::Bytes>> + Send + 'static,
{
    let mut response = Body::from_stream(download.body).into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    if let Some(size) = download.size {
        headers.insert(header::CONTENT_LENGTH, HeaderValue::from(size));
    }
    if let Ok(value) = HeaderValue::from_str(&disposition(&download.file_name)) {
        headers.insert(header::CONTENT_DISPOSITION, value);
    }
    response
}

/// `attachment` with the name twice: plain ASCII for old clients, and
/// exact in UTF-8 (RFC 6266).
fn disposition(file_name: &str) -> String {
    let plain: String = file_name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || "-_.+ ".contains(c) {
                c
            } else {
                '_'
            }
        })
        .collect();
    format!(
        "attachment; filename=\"{plain}\"; filename*=UTF-8''{}",
        encode_query(file_name).replace('/', "%2F")
    )
}

fn worktree_name(path: ChatPath) -> Result<WorktreeName, AdminError> {
    let Path((owner, name, chat)) = path?;
    Ok(WorktreeName::new(
        RepoName::new(&owner, &name)?,
        ChatId::parse(&chat)?,
    ))
}

impl From<FilesError> for AdminError {
    fn from(error: FilesError) -> Self {
        match error {
            FilesError::Chat(e) => e.into(),
            other => Self::Status(other.status(), other.to_string()),
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_file_name_is_quoted_safely() {
        assert_eq!(
            super::disposition("a \"b\"é.txt"),
            "attachment; filename=\"a _b__.txt\"; filename*=UTF-8''a%20%22b%22%C3%A9.txt"
        );
    }
}
