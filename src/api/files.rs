//! The Files sheet's reads: a folder of a chat's worktree (a remote
//! chat's: its directory on the remote), and a file as text. (Downloads
//! and uploads are plain routes under `/admin/worktrees/…/files` and
//! `/admin/remotes/…/files`: see `server::admin`.)

use leptos::prelude::*;

use super::AppError;
use crate::model::files::{FileText, FolderListing};

/// `POST /pocket/fn/list_files`: folder `path` (`""`: the root) of the chat's
/// worktree.
#[server(prefix = "/pocket/fn", endpoint = "list_files")]
pub async fn list_files(
    repo: String,
    chat_id: String,
    path: String,
) -> Result<FolderListing, AppError> {
    use crate::server::{chats::ChatRef, files};
    super::context::respond(async {
        let state = super::context::state()?;
        Ok(match ChatRef::parse(&repo, &chat_id)? {
            ChatRef::Local(name) => files::list_folder(&state, &name, &path).await?,
            ChatRef::Remote { remote, session } => {
                files::remote::list_folder(&state, &remote, &session, &path).await?
            }
        })
    })
    .await
}

/// `POST /pocket/fn/read_file`: file `path` of the chat's worktree as text
/// (cut at 1 MB; no text for a binary file).
#[server(prefix = "/pocket/fn", endpoint = "read_file")]
pub async fn read_file(repo: String, chat_id: String, path: String) -> Result<FileText, AppError> {
    use crate::server::{chats::ChatRef, files};
    super::context::respond(async {
        let state = super::context::state()?;
        Ok(match ChatRef::parse(&repo, &chat_id)? {
            ChatRef::Local(name) => files::read_text(&state, &name, &path).await?,
            ChatRef::Remote { remote, session } => {
                files::remote::read_text(&state, &remote, &session, &path).await?
            }
        })
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
