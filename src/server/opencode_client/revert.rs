//! Undo, redo and fork as opencode does them: reverting a session to
//! before a message (its files too, from opencode's snapshots), restoring
//! what was reverted, copying a session's history up to a message, and
//! moving a session to another worktree of its project.

use std::path::Path;

use reqwest::Method;
use serde_json::json;

use super::{OpencodeClient, OpencodeClientError, json, send};
use crate::opencode::Session;

impl OpencodeClient {
    /// Reverts session `id` to before message `message_id`: the message and
    /// those after it are set aside, the files they changed restored.
    pub async fn revert(
        &self,
        dir: &Path,
        id: &str,
        message_id: &str,
    ) -> Result<Session, OpencodeClientError> {
        let request = self
            .request(Method::POST, dir, &format!("/session/{id}/revert"))
            .json(&json!({ "messageID": message_id }));
        json(send(request).await?).await
    }

    /// Brings back what the last revert of session `id` set aside.
    pub async fn unrevert(&self, dir: &Path, id: &str) -> Result<Session, OpencodeClientError> {
        let request = self.request(Method::POST, dir, &format!("/session/{id}/unrevert"));
        json(send(request).await?).await
    }

    /// A new session holding session `id`'s messages before `message_id`.
    /// opencode makes it in the source session's directory (`dir`), whatever
    /// the request says: [`Self::move_session`] moves it.
    pub async fn fork_session(
        &self,
        dir: &Path,
        id: &str,
        message_id: &str,
    ) -> Result<Session, OpencodeClientError> {
        let request = self
            .request(Method::POST, dir, &format!("/session/{id}/fork"))
            .json(&json!({ "messageID": message_id }));
        json(send(request).await?).await
    }

    /// Binds session `id` to `to`, another worktree of its project, where
    /// its tools run from then on (its files stay where they are).
    pub async fn move_session(&self, id: &str, to: &Path) -> Result<(), OpencodeClientError> {
        let body = json!({
            "sessionID": id,
            "destination": { "directory": to.to_string_lossy() },
            "moveChanges": false,
        });
        let path = "/experimental/control-plane/move-session";
        send(self.request(Method::POST, to, path).json(&body)).await?;
        Ok(())
    }
}
