//! What can go wrong with repos and worktrees.

use super::names::RepoName;

/// Errors of the git module; [`GitError::status`] says which HTTP status
/// each deserves at the boundary.
#[derive(Debug, thiserror::Error)]
pub enum GitError {
    /// A name, id or path in the request is not acceptable.
    #[error("{0}")]
    InvalidName(String),
    #[error("{0}")]
    InvalidSource(String),
    #[error("no repo {0}")]
    RepoNotFound(RepoName),
    #[error("no chat {chat} in {repo}")]
    WorktreeNotFound { repo: RepoName, chat: String },
    /// The request is valid but would destroy something (e.g. uncommitted work).
    #[error("{0}")]
    Conflict(String),
    /// A local merge would conflict on these files; nothing was changed.
    #[error("cannot merge: both sides changed {}; resolve the conflicts in the chat first", .0.join(", "))]
    MergeConflict(Vec<String>),
    /// Cloning or fetching from the remote failed.
    #[error("cannot {action} {repo}: {message}")]
    Remote {
        action: &'static str,
        repo: RepoName,
        message: String,
    },
    /// A clone passed the size cap.
    #[error("{0}")]
    CloneTooBig(String),
    /// A clone's remote went quiet for longer than the stall timeout.
    #[error("{0}")]
    CloneStalled(String),
    #[error("git: {0}")]
    Git(#[from] git2::Error),
    #[error("{context}: {source}")]
    Io {
        context: String,
        source: std::io::Error,
    },
    /// The error of a clone another request started and this one waited for.
    #[error("{0}")]
    Shared(std::sync::Arc<GitError>),
    #[error("a git task failed: {0}")]
    Task(#[from] tokio::task::JoinError),
    /// The list of trusted repos cannot be read or written.
    #[error("{0}")]
    Trust(String),
}

impl GitError {
    pub fn status(&self) -> u16 {
        match self {
            Self::InvalidName(_) | Self::InvalidSource(_) => 400,
            Self::RepoNotFound(_) | Self::WorktreeNotFound { .. } => 404,
            Self::Conflict(_) | Self::MergeConflict(_) => 409,
            Self::CloneTooBig(_) => 413,
            Self::CloneStalled(_) => 422,
            Self::Remote { .. } => 502,
            Self::Shared(inner) => inner.status(),
            Self::Git(_) | Self::Io { .. } | Self::Task(_) | Self::Trust(_) => 500,
        }
    }

    pub fn io(context: impl std::fmt::Display, source: std::io::Error) -> Self {
        Self::Io {
            context: context.to_string(),
            source,
        }
    }
}
