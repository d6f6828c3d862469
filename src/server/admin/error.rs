//! How `/admin/*` reports errors: a status and `{"error": "…"}`.

use axum::Json;
use axum::extract::rejection::{JsonRejection, PathRejection, QueryRejection};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Serialize;

use crate::server::chats::ChatError;
use crate::server::git::GitError;
use crate::server::opencode_client::OpencodeClientError;
use crate::server::system::SystemError;

/// The body of every `/admin/*` error.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ErrorBody {
    /// What went wrong, for a human.
    pub error: String,
}

#[derive(Debug, thiserror::Error)]
pub enum AdminError {
    #[error("{0}")]
    BadRequest(String),
    #[error("{0}")]
    NotFound(String),
    /// The request's JSON body or query string could not be read.
    #[error("{1}")]
    Rejected(u16, String),
    #[error(transparent)]
    Git(#[from] GitError),
    #[error(transparent)]
    Opencode(#[from] OpencodeClientError),
    #[error(transparent)]
    Chat(#[from] ChatError),
    #[error(transparent)]
    System(#[from] SystemError),
    #[error(transparent)]
    Budget(#[from] crate::server::budget::BudgetError),
    #[error(transparent)]
    Pull(#[from] crate::server::github::PullError),
    /// An error that has said its own status (a chat's files).
    #[error("{1}")]
    Status(u16, String),
}

impl AdminError {
    /// Each server error says its own status (the server functions use
    /// the same `status()`).
    fn status(&self) -> StatusCode {
        let code = match self {
            Self::BadRequest(_) => 400,
            Self::NotFound(_) => 404,
            Self::Rejected(status, _) => *status,
            Self::Git(e) => e.status(),
            Self::Opencode(e) => e.status(),
            Self::Chat(e) => e.status(),
            Self::System(e) => e.status(),
            Self::Budget(e) => e.status(),
            Self::Pull(e) => e.status(),
            Self::Status(status, _) => *status,
        };
        StatusCode::from_u16(code).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
    }
}

impl IntoResponse for AdminError {
    fn into_response(self) -> Response {
        let status = self.status();
        if status.is_server_error() {
            tracing::warn!(error = %self, %status, "admin request failed");
        } else {
            tracing::debug!(error = %self, %status, "admin request refused");
        }
        (
            status,
            Json(ErrorBody {
                error: self.to_string(),
            }),
        )
            .into_response()
    }
}

impl From<JsonRejection> for AdminError {
    fn from(rejection: JsonRejection) -> Self {
        Self::Rejected(rejection.status().as_u16(), rejection.body_text())
    }
}

impl From<QueryRejection> for AdminError {
    fn from(rejection: QueryRejection) -> Self {
        Self::Rejected(rejection.status().as_u16(), rejection.body_text())
    }
}

impl From<PathRejection> for AdminError {
    fn from(rejection: PathRejection) -> Self {
        Self::Rejected(rejection.status().as_u16(), rejection.body_text())
    }
}
