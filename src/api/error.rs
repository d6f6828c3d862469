//! The one error type every server function answers with.

use serde::{Deserialize, Serialize};
use server_fn::codec::JsonEncoding;
use server_fn::error::{FromServerFnError, ServerFnErrorErr};

/// An error a server function reports to the browser, with a message meant
/// for the user.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum AppError {
    /// The request itself is wrong (bad id, empty prompt, …).
    #[error("{0}")]
    BadRequest(String),
    /// The request is understood but not allowed (e.g. killing a process
    /// that is not an orphan of pocketcode's).
    #[error("{0}")]
    Forbidden(String),
    #[error("{0}")]
    NotFound(String),
    /// The request would destroy something (e.g. uncommitted work).
    #[error("{0}")]
    Conflict(String),
    /// A git remote refused or failed a clone or fetch.
    #[error("{0}")]
    Remote(String),
    /// opencode is starting, restarting or down.
    #[error("{0}")]
    Unavailable(String),
    /// opencode refused or failed the call (`status` is opencode's).
    #[error("opencode error ({status}): {message}")]
    Upstream { status: u16, message: String },
    /// pocketcode itself is broken (a bug, not a bad request).
    #[error("internal error: {0}")]
    Internal(String),
    /// Calling the server function itself failed (network, encoding, …).
    #[error("{0}")]
    ServerFn(ServerFnErrorErr),
}

impl AppError {
    /// The HTTP status the server function answers with.
    pub fn status_code(&self) -> u16 {
        match self {
            Self::BadRequest(_) => 400,
            Self::Forbidden(_) => 403,
            Self::NotFound(_) => 404,
            Self::Conflict(_) => 409,
            Self::Remote(_) => 502,
            Self::Unavailable(_) => 503,
            Self::Upstream { .. } => 502,
            Self::Internal(_) | Self::ServerFn(_) => 500,
        }
    }
}

impl FromServerFnError for AppError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        Self::ServerFn(value)
    }
}

/// Each server error type says its own status (`status()`, the one
/// mapping `/admin/*` uses too); at this boundary the status picks the
/// variant the browser sees.
#[cfg(feature = "ssr")]
impl AppError {
    pub(super) fn from_status(status: u16, message: String) -> Self {
        match status {
            400 | 413 | 422 => Self::BadRequest(message),
            403 => Self::Forbidden(message),
            404 => Self::NotFound(message),
            409 => Self::Conflict(message),
            502 => Self::Remote(message),
            503 => Self::Unavailable(message),
            _ => {
                tracing::warn!(%message, "internal error");
                Self::Internal(message)
            }
        }
    }
}

#[cfg(feature = "ssr")]
impl From<crate::server::opencode_client::OpencodeClientError> for AppError {
    /// opencode's own status and message go through: the user reads what
    /// opencode said.
    fn from(error: crate::server::opencode_client::OpencodeClientError) -> Self {
        use crate::server::opencode_client::OpencodeClientError as E;
        match (error.status(), error) {
            (502, E::Status { status, message }) => Self::Upstream { status, message },
            (502, error) => Self::Upstream {
                status: 200,
                message: error.to_string(),
            },
            (status, E::Status { message, .. }) => Self::from_status(status, message),
            (status, error) => Self::from_status(status, error.to_string()),
        }
    }
}

#[cfg(feature = "ssr")]
impl From<crate::server::git::GitError> for AppError {
    fn from(error: crate::server::git::GitError) -> Self {
        Self::from_status(error.status(), error.to_string())
    }
}

#[cfg(feature = "ssr")]
impl From<crate::server::chats::ChatError> for AppError {
    fn from(error: crate::server::chats::ChatError) -> Self {
        use crate::server::chats::ChatError;
        match error {
            ChatError::Git(e) => e.into(),
            ChatError::Opencode(e) => e.into(),
            ChatError::Remote(e) => e.into(),
            ChatError::Browser(e) => e.into(),
            ChatError::Invalid(_) | ChatError::NotFound(_) => {
                Self::from_status(error.status(), error.to_string())
            }
        }
    }
}

#[cfg(feature = "ssr")]
impl From<crate::server::mentions::MentionError> for AppError {
    fn from(error: crate::server::mentions::MentionError) -> Self {
        use crate::server::mentions::MentionError;
        match error {
            MentionError::Chat(e) => e.into(),
            other => Self::from_status(other.status(), other.to_string()),
        }
    }
}

#[cfg(feature = "ssr")]
impl From<crate::server::remotes::RemoteError> for AppError {
    fn from(error: crate::server::remotes::RemoteError) -> Self {
        use crate::server::remotes::RemoteError;
        match error {
            RemoteError::Ssh(e) => e.into(),
            RemoteError::Opencode(e) => e.into(),
            other => Self::from_status(other.status(), other.to_string()),
        }
    }
}

#[cfg(feature = "ssr")]
impl From<crate::server::ssh::SshError> for AppError {
    fn from(error: crate::server::ssh::SshError) -> Self {
        use crate::server::ssh::SshError;
        let status = error.status();
        match error {
            // The profile's fault: said without the step's name.
            SshError::Configuration(message) => Self::from_status(status, message),
            other => Self::from_status(status, other.to_string()),
        }
    }
}

#[cfg(feature = "ssr")]
impl From<crate::server::browser::BrowserError> for AppError {
    fn from(error: crate::server::browser::BrowserError) -> Self {
        Self::from_status(error.status(), error.to_string())
    }
}

#[cfg(feature = "ssr")]
impl From<crate::server::system::SystemError> for AppError {
    fn from(error: crate::server::system::SystemError) -> Self {
        Self::from_status(error.status(), error.to_string())
    }
}

#[cfg(feature = "ssr")]
impl From<crate::server::budget::BudgetError> for AppError {
    fn from(error: crate::server::budget::BudgetError) -> Self {
        Self::from_status(error.status(), error.to_string())
    }
}

#[cfg(feature = "ssr")]
impl From<crate::server::github::PullError> for AppError {
    fn from(error: crate::server::github::PullError) -> Self {
        Self::from_status(error.status(), error.to_string())
    }
}

#[cfg(feature = "ssr")]
impl From<crate::server::queue::QueueError> for AppError {
    fn from(error: crate::server::queue::QueueError) -> Self {
        match error {
            crate::server::queue::QueueError::Chat(e) => e.into(),
            other => Self::from_status(other.status(), other.to_string()),
        }
    }
}

#[cfg(feature = "ssr")]
impl From<crate::server::search::SearchError> for AppError {
    fn from(error: crate::server::search::SearchError) -> Self {
        use crate::server::search::SearchError;
        match error {
            SearchError::Chat(e) => e.into(),
            other => Self::from_status(other.status(), other.to_string()),
        }
    }
}

#[cfg(feature = "ssr")]
impl From<crate::server::usage::UsageError> for AppError {
    fn from(error: crate::server::usage::UsageError) -> Self {
        use crate::server::usage::UsageError;
        match error {
            UsageError::Chat(e) => e.into(),
            other => Self::from_status(other.status(), other.to_string()),
        }
    }
}

#[cfg(feature = "ssr")]
impl From<crate::server::undo::UndoError> for AppError {
    fn from(error: crate::server::undo::UndoError) -> Self {
        match error {
            crate::server::undo::UndoError::Chat(e) => e.into(),
            other => Self::from_status(other.status(), other.to_string()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_through_its_encoding() {
        let error = AppError::Upstream {
            status: 500,
            message: "boom".into(),
        };
        assert_eq!(AppError::de(error.ser()), error);
        assert_eq!(error.status_code(), 502);
    }

    #[cfg(feature = "ssr")]
    #[test]
    fn server_errors_keep_the_status_they_say() {
        use crate::server::chats::ChatError;
        use crate::server::opencode_client::OpencodeClientError;
        let opencode = |status: u16| OpencodeClientError::Status {
            status,
            message: "said opencode".into(),
        };
        for (error, status) in [
            (opencode(404), 404),
            (opencode(500), 502),
            (opencode(400), 502),
        ] {
            assert_eq!(error.status(), status);
            assert_eq!(AppError::from(error).status_code(), status);
        }
        assert_eq!(
            AppError::from(opencode(404)),
            AppError::NotFound("said opencode".into())
        );
        let chat = ChatError::NotFound("gone".into());
        assert_eq!(chat.status(), 404);
        assert_eq!(AppError::from(chat), AppError::NotFound("gone".into()));
        let git = crate::server::git::GitError::Conflict("dirty".into());
        assert_eq!(AppError::from(ChatError::from(git)).status_code(), 409);
    }
}
