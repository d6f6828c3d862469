//! What the `/admin` files routes share, local or remote: whose files a
//! route names ([`FilesOf`]) and what each kind of route does with them
//! (list, download, zip, upload), so that a route is its path, its
//! documentation and one call. The attachment headers and the upload's
//! early size check are here too.

use axum::Json;
use axum::body::Body;
use axum::extract::multipart::MultipartRejection;
use axum::extract::{Multipart, Query};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

use super::error::AdminError;
use super::files::FileQuery;
use crate::model::files::{FolderListing, encode_query};
use crate::server::files::{self, FilesError, remote};
use crate::server::git::WorktreeName;
use crate::server::state::AppState;

/// Whose files a route names.
pub(super) enum FilesOf {
    /// A local chat's worktree.
    Local(WorktreeName),
    /// A remote chat's directory, on the remote of that name.
    Remote { remote: String, session: String },
}

/// What a download route gives: a file as it is, or a folder as a zip.
#[derive(Clone, Copy)]
pub(super) enum Download {
    File,
    Zip,
}

impl FilesOf {
    /// The chat is there: checked before an upload's body is read (a
    /// missing chat is the better answer than a malformed body).
    async fn exists(&self, state: &AppState) -> Result<(), FilesError> {
        match self {
            Self::Local(name) => {
                crate::server::chats::existing_worktree(state.git.layout(), name)?;
            }
            Self::Remote { remote, .. } => {
                crate::server::remotes::profile(state, remote).await?;
            }
        }
        Ok(())
    }
}

/// A folder's listing.
pub(super) async fn list(
    state: &AppState,
    chat: Result<FilesOf, AdminError>,
    query: FileQuery,
) -> Result<Json<FolderListing>, AdminError> {
    let chat = chat?;
    let Query(query) = query?;
    let listing = match chat {
        FilesOf::Local(name) => files::list_folder(state, &name, &query.path).await?,
        FilesOf::Remote { remote, session } => {
            remote::list_folder(state, &remote, &session, &query.path).await?
        }
    };
    Ok(Json(listing))
}

/// A file, or a folder as a zip, as an attachment.
pub(super) async fn download(
    state: &AppState,
    chat: Result<FilesOf, AdminError>,
    query: FileQuery,
    wanted: Download,
) -> Result<Response, AdminError> {
    const BYTES: &str = "application/octet-stream";
    const ZIP: &str = "application/zip";
    let chat = chat?;
    let Query(query) = query?;
    let path = query.path.as_str();
    Ok(match (chat, wanted) {
        (FilesOf::Local(name), Download::File) => {
            attachment(files::download_file(state, &name, path).await?, BYTES)
        }
        (FilesOf::Local(name), Download::Zip) => {
            attachment(files::download_zip(state, &name, path).await?, ZIP)
        }
        (FilesOf::Remote { remote, session }, Download::File) => attachment(
            remote::download_file(state, &remote, &session, path).await?,
            BYTES,
        ),
        (FilesOf::Remote { remote, session }, Download::Zip) => attachment(
            remote::download_zip(state, &remote, &session, path).await?,
            ZIP,
        ),
    })
}

/// Files uploaded into a folder; the folder after. Refused before a byte
/// of the body is read when it says it is too big, the names are bad, or
/// the chat is not there.
pub(super) async fn upload(
    state: &AppState,
    headers: &HeaderMap,
    chat: Result<FilesOf, AdminError>,
    query: FileQuery,
    body: Result<Multipart, MultipartRejection>,
) -> Result<(StatusCode, Json<FolderListing>), AdminError> {
    refuse_declared_size(state, headers)?;
    let chat = chat?;
    let Query(query) = query?;
    chat.exists(state).await?;
    let body = body.map_err(|e| AdminError::Rejected(e.status().as_u16(), e.body_text()))?;
    let listing = match chat {
        FilesOf::Local(name) => files::upload(state, &name, &query.path, body).await?,
        FilesOf::Remote { remote, session } => {
            remote::upload(state, &remote, &session, &query.path, body).await?
        }
    };
    Ok((StatusCode::CREATED, Json(listing)))
}

/// An upload refused before a byte of its body is read when it says it is
/// too big (the multipart framing gets a little room).
fn refuse_declared_size(state: &AppState, headers: &HeaderMap) -> Result<(), AdminError> {
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

fn attachment<S>(download: files::Download<S>, content_type: &'static str) -> Response
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
