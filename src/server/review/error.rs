//! What can go wrong with a chat's review, and the HTTP status each
//! deserves.

use crate::model::review::{MAX_COMMENT_BYTES, MAX_COMMENTS};
use crate::server::chats::ChatError;
use crate::server::git::GitError;

#[derive(Debug, thiserror::Error)]
pub enum ReviewError {
    #[error(transparent)]
    Chat(#[from] ChatError),
    #[error(transparent)]
    Git(#[from] GitError),
    /// A path, line or comment that cannot be taken as it is.
    #[error("{0}")]
    Invalid(String),
    #[error("{0} is not in the chat's diff")]
    NotInDiff(String),
    #[error("a comment cannot be empty")]
    Empty,
    #[error("a comment is at most {MAX_COMMENT_BYTES} bytes (this one is {0})")]
    TooLong(usize),
    #[error("the review is full ({MAX_COMMENTS} comments): delete some")]
    Full,
    #[error("no comment {0} in this chat's review")]
    NoComment(u64),
    #[error("comment {0} was sent to the agent already: it cannot change")]
    Sent(u64),
    #[error("the review has no draft comments to send")]
    NothingToSend,
    #[error("the chat has no session to send the review to")]
    NoSession,
    #[error("review file {path}: {source}")]
    Io {
        path: String,
        source: std::io::Error,
    },
}

impl ReviewError {
    pub fn io(path: &std::path::Path, source: std::io::Error) -> Self {
        Self::Io {
            path: path.display().to_string(),
            source,
        }
    }

    pub fn status(&self) -> u16 {
        match self {
            Self::Chat(e) => e.status(),
            Self::Git(e) => e.status(),
            Self::Invalid(_) | Self::NotInDiff(_) | Self::Empty | Self::TooLong(_) => 400,
            Self::NoComment(_) => 404,
            Self::Full | Self::Sent(_) | Self::NothingToSend | Self::NoSession => 409,
            Self::Io { .. } => 500,
        }
    }
}
