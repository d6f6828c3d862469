//! What can go wrong in a chat use case, and the HTTP status each deserves
//! (the server functions and `/admin/*` both answer with it).

use crate::server::browser::BrowserError;
use crate::server::git::GitError;
use crate::server::opencode_client::OpencodeClientError;
use crate::server::remotes::RemoteError;

#[derive(Debug, thiserror::Error)]
pub enum ChatError {
    #[error(transparent)]
    Git(#[from] GitError),
    #[error(transparent)]
    Opencode(#[from] OpencodeClientError),
    #[error(transparent)]
    Remote(#[from] RemoteError),
    #[error(transparent)]
    Browser(#[from] BrowserError),
    /// The request names something unusable (a bad id, a git request for a
    /// remote chat, a model the chat does not have, …).
    #[error("{0}")]
    Invalid(String),
    /// What the request names is not (or no longer) there.
    #[error("{0}")]
    NotFound(String),
}

impl ChatError {
    pub fn status(&self) -> u16 {
        match self {
            Self::Git(e) => e.status(),
            Self::Opencode(e) => e.status(),
            Self::Remote(e) => e.status(),
            Self::Browser(e) => e.status(),
            Self::Invalid(_) => 400,
            Self::NotFound(_) => 404,
        }
    }
}
