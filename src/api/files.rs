//! The Files sheet's reads: a folder of a local chat's worktree, and a
//! file as text. (Downloads and uploads are plain routes under
//! `/admin/worktrees/…/files`: see `server::admin`.)

use leptos::prelude::*;

use super::AppError;
use crate::model::files::{FileText, FolderListing};

/// `POST /pocket/fn/list_files`: folder `path` (`""`: the root) of the chat's
/// worktree. A remote chat is refused (400).
#[server(prefix = "/pocket/fn", endpoint = "list_files")]
pub async fn list_files(
    repo: String,
    chat_id: String,
    path: String,
) -> Result<FolderListing, AppError> {
    super::context::respond(async {
        let name = super::context::worktree_name(&repo, &chat_id)?;
        let state = super::context::state()?;
        Ok(crate::server::files::list_folder(&state, &name, &path).await?)
    })
    .await
}

/// `POST /pocket/fn/read_file`: file `path` of the chat's worktree as text
/// (cut at 1 MB; no text for a binary file).
#[server(prefix = "/pocket/fn", endpoint = "read_file")]
pub async fn read_file(repo: String, chat_id: String, path: String) -> Result<FileText, AppError> {
    super::context::respond(async {
        let name = super::context::worktree_name(&repo, &chat_id)?;
        let state = super::context::state()?;
        Ok(crate::server::files::read_text(&state, &name, &path).await?)
    })
    .await
}

#[cfg(feature = "ssr")]
impl From<crate::server::files::FilesError> for AppError {
    fn from(error: crate::server::files::FilesError) -> Self {
        match error {
            crate::server::files::FilesError::Chat(e) => e.into(),
            other => Self::from_status(other.status(), other.to_string()),
        }
    }
}
