//! A local chat's files: its worktree browsed folder by folder, a file
//! read as text or downloaded, a folder downloaded as a zip, files
//! uploaded into a folder. Every path a request names is validated
//! ([`WorktreePath`], [`FileName`]) and resolved inside the worktree:
//! links the agent made that lead out of it are refused. A remote chat's
//! files are on its remote: [`remote`] does the same there.
//!
//! The server functions (the viewer) and `/admin/*` (downloads, uploads,
//! listings) call these.

mod archive;
mod error;
mod list;
mod path;
mod read;
pub mod remote;
mod upload;

use std::io;
use std::path::PathBuf;

use axum::extract::Multipart;
use bytes::Bytes;
use futures::Stream;

pub use error::FilesError;
pub use path::{FileName, Worktree, WorktreePath};
use upload::settle;

use crate::model::files::{FileText, FolderListing};
use crate::server::chats::existing_worktree;
use crate::server::git::WorktreeName;
use crate::server::state::AppState;

/// The worktree of chat `name` (404 when there is none) and `path`
/// validated and resolved in it.
async fn locate(
    state: &AppState,
    name: &WorktreeName,
    path: &str,
) -> Result<(Worktree, WorktreePath, PathBuf), FilesError> {
    let path = WorktreePath::parse(path)?;
    let layout = state.git.layout().clone();
    let name = name.clone();
    tokio::task::spawn_blocking(move || {
        let tree = Worktree::open(&existing_worktree(&layout, &name)?)?;
        let real = tree.resolve(&path)?;
        Ok((tree, path, real))
    })
    .await?
}

/// Folder `path` of the chat's worktree.
pub async fn list_folder(
    state: &AppState,
    name: &WorktreeName,
    path: &str,
) -> Result<FolderListing, FilesError> {
    let (tree, path, _) = locate(state, name, path).await?;
    tokio::task::spawn_blocking(move || list::list(&tree, &path)).await?
}

/// File `path` as text for the viewer.
pub async fn read_text(
    state: &AppState,
    name: &WorktreeName,
    path: &str,
) -> Result<FileText, FilesError> {
    let (tree, path, _) = locate(state, name, path).await?;
    tokio::task::spawn_blocking(move || read::read_text(&tree, &path)).await?
}

/// A download: its file name, size (when known) and bytes.
pub struct Download<S> {
    pub file_name: String,
    pub size: Option<u64>,
    pub body: S,
}

/// File `path`'s bytes, streamed.
pub async fn download_file(
    state: &AppState,
    name: &WorktreeName,
    path: &str,
) -> Result<Download<impl Stream<Item = io::Result<Bytes>> + use<>>, FilesError> {
    let (tree, path, _) = locate(state, name, path).await?;
    let file_name = path.file_name("file").to_owned();
    let (file, size) = tokio::task::spawn_blocking(move || read::open_file(&tree, &path)).await??;
    Ok(Download {
        file_name,
        size: Some(size),
        body: stream_file(tokio::fs::File::from_std(file)),
    })
}

/// Folder `path` as a zip, written as it streams.
pub async fn download_zip(
    state: &AppState,
    name: &WorktreeName,
    path: &str,
) -> Result<Download<impl Stream<Item = io::Result<Bytes>> + use<>>, FilesError> {
    let (_, path, dir) = locate(state, name, path).await?;
    if !tokio::fs::metadata(&dir).await?.is_dir() {
        return Err(FilesError::zip_of_a_file(&path));
    }
    let fallback = name.chat.to_string();
    Ok(Download {
        file_name: format!("{}.zip", path.file_name(&fallback)),
        size: None,
        body: archive::zip_stream(dir, path.as_str().is_empty()),
    })
}

/// The multipart `body`'s files into folder `path`; the folder after.
pub async fn upload(
    state: &AppState,
    name: &WorktreeName,
    path: &str,
    mut body: Multipart,
) -> Result<FolderListing, FilesError> {
    let placed = upload_into(state, name, path, &mut body).await;
    settle(placed, &mut body, state.upload_max_mb).await
}

async fn upload_into(
    state: &AppState,
    name: &WorktreeName,
    path: &str,
    body: &mut Multipart,
) -> Result<FolderListing, FilesError> {
    let (tree, path, dir) = locate(state, name, path).await?;
    if !tokio::fs::metadata(&dir).await?.is_dir() {
        return Err(FilesError::upload_into_a_file(&path));
    }
    upload::upload(&tree, &path, dir, body, state.upload_max_mb).await?;
    tokio::task::spawn_blocking(move || list::list(&tree, &path)).await?
}

fn stream_file(file: tokio::fs::File) -> impl Stream<Item = io::Result<Bytes>> {
    use tokio::io::AsyncReadExt;
    futures::stream::try_unfold(file, |mut file| async move {
        let mut buffer = vec![0; 64 * 1024];
        let read = file.read(&mut buffer).await?;
        if read == 0 {
            return Ok(None);
        }
        buffer.truncate(read);
        Ok(Some((Bytes::from(buffer), file)))
    })
}
