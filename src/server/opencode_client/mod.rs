//! A typed client for the supervised opencode's REST API. Every call names
//! the directory it acts on (`x-opencode-directory`), because opencode picks
//! the project per request.

use std::collections::HashMap;
use std::path::Path;
use std::time::Duration;

use reqwest::{Method, RequestBuilder, Response};
use serde::de::DeserializeOwned;

mod aside;
mod asks;
mod choices;
mod files;
mod global;
mod mcp;
mod mentions;
mod prompt;
mod revert;

pub use files::{FileContent, FileNode, VcsFile};
pub use mentions::CommandCall;
pub use prompt::{Prompt, PromptFile, PromptImage};

use crate::opencode::{MessageWithParts, Session, SessionStatus};
use crate::server::state::AppState;
use crate::server::supervisor::{SupervisorError, Upstream};

/// How long a call waits for opencode to become healthy (e.g. right after
/// pocketcode starts) before giving up.
const READY_TIMEOUT: Duration = Duration::from_secs(15);

/// The longest error body from opencode worth repeating to the user.
const MAX_ERROR_BODY: usize = 500;

/// What can go wrong talking to opencode.
#[derive(Debug, thiserror::Error)]
pub enum OpencodeClientError {
    #[error("opencode is not available: {0}")]
    Unavailable(#[from] SupervisorError),
    #[error("could not reach opencode: {0}")]
    Transport(#[source] reqwest::Error),
    #[error("opencode answered {status}: {message}")]
    Status { status: u16, message: String },
    #[error("unexpected answer from opencode: {0}")]
    Decode(#[source] reqwest::Error),
}

impl OpencodeClientError {
    /// The HTTP status it deserves at pocketcode's boundaries: opencode's
    /// 404 stays "not found", opencode down is 503, anything else it
    /// refused or garbled is a bad gateway.
    pub fn status(&self) -> u16 {
        match self {
            Self::Status { status: 404, .. } => 404,
            Self::Unavailable(_) | Self::Transport(_) => 503,
            Self::Status { .. } | Self::Decode(_) => 502,
        }
    }
}

/// A client for one healthy opencode.
#[derive(Clone, Debug)]
pub struct OpencodeClient {
    http: reqwest::Client,
    upstream: Upstream,
}

impl OpencodeClient {
    pub fn new(http: reqwest::Client, upstream: Upstream) -> Self {
        Self { http, upstream }
    }

    /// A client for pocketcode's opencode, waiting a little for it to be healthy.
    pub async fn from_state(state: &AppState) -> Result<Self, OpencodeClientError> {
        let upstream = state.supervisor.upstream_within(READY_TIMEOUT).await?;
        Ok(Self::new(state.http.clone(), upstream))
    }

    /// The sessions created in exactly `dir`.
    pub async fn list_sessions(&self, dir: &Path) -> Result<Vec<Session>, OpencodeClientError> {
        let request = self
            .request(Method::GET, dir, "/session")
            .query(&[("directory", dir.to_string_lossy())]);
        json(send(request).await?).await
    }

    /// The top-level sessions created in exactly `dir` (no subagent sessions).
    pub async fn list_root_sessions(
        &self,
        dir: &Path,
    ) -> Result<Vec<Session>, OpencodeClientError> {
        let request = self.request(Method::GET, dir, "/session").query(&[
            ("directory", dir.to_string_lossy().as_ref()),
            ("roots", "true"),
        ]);
        json(send(request).await?).await
    }

    pub async fn session(&self, dir: &Path, id: &str) -> Result<Session, OpencodeClientError> {
        json(send(self.request(Method::GET, dir, &format!("/session/{id}"))).await?).await
    }

    /// A session wherever it works (the directory it is bound to is in it).
    pub async fn find_session(&self, id: &str) -> Result<Session, OpencodeClientError> {
        let request = self
            .upstream
            .request(&self.http, Method::GET, &format!("/session/{id}"));
        json(send(request).await?).await
    }

    /// The latest `limit` top-level sessions of every project, newest first.
    pub async fn recent_root_sessions(
        &self,
        limit: usize,
    ) -> Result<Vec<Session>, OpencodeClientError> {
        let request = self
            .upstream
            .request(&self.http, Method::GET, "/experimental/session")
            .query(&[("roots", "true"), ("limit", &limit.to_string())]);
        json(send(request).await?).await
    }

    /// Whether `dir` is a directory opencode can list (it answers an error
    /// for a path that does not exist or is not a directory).
    pub async fn is_directory(&self, dir: &Path) -> Result<bool, OpencodeClientError> {
        let request = self
            .request(Method::GET, dir, "/file")
            .query(&[("path", ".")]);
        match send(request).await {
            Ok(_) => Ok(true),
            Err(OpencodeClientError::Status { .. }) => Ok(false),
            Err(error) => Err(error),
        }
    }

    /// A new session bound to `dir`: its tools will run there.
    pub async fn create_session(&self, dir: &Path) -> Result<Session, OpencodeClientError> {
        let request = self
            .request(Method::POST, dir, "/session")
            .json(&serde_json::json!({}));
        json(send(request).await?).await
    }

    /// A session's messages in creation order: the latest `limit` of them,
    /// or all.
    pub async fn messages(
        &self,
        dir: &Path,
        id: &str,
        limit: Option<usize>,
    ) -> Result<Vec<MessageWithParts>, OpencodeClientError> {
        let path = match limit {
            Some(limit) => format!("/session/{id}/message?limit={limit}"),
            None => format!("/session/{id}/message"),
        };
        json(send(self.request(Method::GET, dir, &path)).await?).await
    }

    /// The run state of the sessions that are not idle (idle ones are absent).
    pub async fn statuses(
        &self,
        dir: &Path,
    ) -> Result<HashMap<String, SessionStatus>, OpencodeClientError> {
        json(send(self.request(Method::GET, dir, "/session/status")).await?).await
    }

    /// Queues a text prompt; opencode answers at once and works in the background.
    /// Stops the session's current work; `false` when there was none.
    pub async fn abort(&self, dir: &Path, id: &str) -> Result<bool, OpencodeClientError> {
        json(send(self.request(Method::POST, dir, &format!("/session/{id}/abort"))).await?).await
    }

    /// Deletes a session and its messages.
    pub async fn delete_session(&self, dir: &Path, id: &str) -> Result<(), OpencodeClientError> {
        send(self.request(Method::DELETE, dir, &format!("/session/{id}"))).await?;
        Ok(())
    }

    /// Drops `dir`'s instance (its config, MCP servers, plugins, agents):
    /// the next request for `dir` loads them afresh from its files.
    pub async fn dispose_instance(&self, dir: &Path) -> Result<(), OpencodeClientError> {
        send(self.request(Method::POST, dir, "/instance/dispose")).await?;
        Ok(())
    }

    pub(super) fn request(&self, method: Method, dir: &Path, path: &str) -> RequestBuilder {
        self.upstream
            .request(&self.http, method, path)
            .header("x-opencode-directory", dir.to_string_lossy().as_ref())
    }
}

pub(super) async fn send(request: RequestBuilder) -> Result<Response, OpencodeClientError> {
    let response = request
        .send()
        .await
        .map_err(OpencodeClientError::Transport)?;
    let status = response.status();
    if status.is_success() {
        return Ok(response);
    }
    let body = response.text().await.unwrap_or_default();
    Err(OpencodeClientError::Status {
        status: status.as_u16(),
        message: error_message(&body),
    })
}

pub(super) async fn json<T: DeserializeOwned>(
    response: Response,
) -> Result<T, OpencodeClientError> {
    response.json().await.map_err(OpencodeClientError::Decode)
}

/// opencode's errors look like `{"name": …, "data": {"message": …}}`; fall
/// back to the (shortened) body.
fn error_message(body: &str) -> String {
    let parsed: Option<crate::opencode::MessageError> = serde_json::from_str(body).ok();
    if let Some(message) = parsed
        .and_then(|e| e.data.message)
        .filter(|m| !m.is_empty())
    {
        return message;
    }
    let body = body.trim();
    match body.char_indices().nth(MAX_ERROR_BODY) {
        Some((end, _)) => format!("{}…", &body[..end]),
        None if body.is_empty() => "(empty body)".into(),
        None => body.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn error_messages_come_from_opencodes_error_objects() {
        let body = r#"{"name":"NotFoundError","data":{"message":"Session not found: ses_x"}}"#;
        assert_eq!(error_message(body), "Session not found: ses_x");
        assert_eq!(error_message("Bad Gateway"), "Bad Gateway");
        assert_eq!(error_message(""), "(empty body)");
        assert_eq!(
            error_message(&"x".repeat(600)).chars().count(),
            MAX_ERROR_BODY + 1
        );
    }
}
