//! What can go wrong browsing, downloading or uploading a chat's files,
//! and the HTTP status each deserves.

use super::WorktreePath;
use crate::server::chats::ChatError;
use crate::server::opencode_client::OpencodeClientError;
use crate::server::remotes::RemoteError;

#[derive(Debug, thiserror::Error)]
pub enum FilesError {
    #[error(transparent)]
    Chat(#[from] ChatError),
    /// A path or file name that cannot name anything in a worktree.
    #[error("{0}")]
    Invalid(String),
    #[error("{0}")]
    NotFound(String),
    /// The path leads out of the chat's worktree (through a symbolic link).
    #[error("{0} leads outside the chat's worktree")]
    Outside(String),
    /// An upload over `--upload-max-mb`.
    #[error("the upload is larger than the limit of {limit_mb} MB (--upload-max-mb)")]
    TooLarge { limit_mb: u64 },
    /// An upload would replace a file or folder that is there.
    #[error("{0} is already there: uploads never replace a file")]
    Exists(String),
    /// The multipart body could not be read.
    #[error("the upload could not be read: {0}")]
    Body(String),
    #[error("cannot read the worktree: {0}")]
    Io(#[from] std::io::Error),
    #[error("git cannot read the worktree's status: {0}")]
    Git(#[from] git2::Error),
    #[error("a file task failed: {0}")]
    Task(#[from] tokio::task::JoinError),
    /// A remote chat's remote: unknown (404) or not connected (503).
    #[error(transparent)]
    RemoteChat(#[from] RemoteError),
    /// A remote chat's opencode refused or failed.
    #[error(transparent)]
    Opencode(#[from] OpencodeClientError),
    /// ssh to a remote chat's machine failed.
    #[error("{0}")]
    Unreachable(String),
    /// A command on a remote chat's machine failed.
    #[error("{0}")]
    Remote(String),
}

impl FilesError {
    /// `path`, asked for as a zip, is a file.
    pub fn zip_of_a_file(path: &WorktreePath) -> Self {
        Self::Invalid(format!(
            "{} is a file, not a folder (download it as it is)",
            path.shown()
        ))
    }

    /// `path`, where an upload was to go, is a file.
    pub fn upload_into_a_file(path: &WorktreePath) -> Self {
        Self::Invalid(format!("{} is a file: upload into a folder", path.shown()))
    }

    pub fn status(&self) -> u16 {
        match self {
            Self::Chat(e) => e.status(),
            Self::Invalid(_) | Self::Body(_) => 400,
            Self::Outside(_) => 403,
            Self::NotFound(_) => 404,
            Self::Exists(_) => 409,
            Self::TooLarge { .. } => 413,
            Self::Io(e) if e.kind() == std::io::ErrorKind::NotFound => 404,
            Self::Io(_) | Self::Git(_) | Self::Task(_) => 500,
            Self::RemoteChat(e) => e.status(),
            Self::Opencode(e) => e.status(),
            Self::Unreachable(_) => 503,
            Self::Remote(_) => 502,
        }
    }
}
