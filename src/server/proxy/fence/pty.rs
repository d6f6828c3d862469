//! Terminals start where the request says, nowhere else: opencode's
//! `POST /pty` takes a `cwd` in its body that overrides the directory the
//! fence checked, so a request could name a chat's worktree and start its
//! shell in another chat's worktree, or anywhere on the disk the agent's
//! sandbox shows. The fence reads that body (small JSON) and lets a `cwd`
//! through only when it resolves to the very directory admitted.

use std::path::Path;

use axum::body::{Body, Bytes};
use axum::http::Method;
use axum::http::request::Parts;

use super::{Fence, FenceError};

/// A terminal's create body is a few names; anything bigger is not one.
const MAX_BODY: usize = 64 * 1024;

/// Whether the request creates a terminal.
pub fn creates_terminal(parts: &Parts) -> bool {
    parts.method == Method::POST && parts.uri.path().trim_end_matches('/') == "/pty"
}

impl Fence {
    /// Reads a terminal's create `body` and lets it through if its `cwd`,
    /// when it has one, is `admitted` (the workspace when the request named
    /// no directory).
    pub async fn admit_terminal(
        &self,
        admitted: Option<&Path>,
        body: Body,
    ) -> Result<Bytes, FenceError> {
        let bytes = axum::body::to_bytes(body, MAX_BODY).await.map_err(|_| {
            FenceError::TerminalBody(format!("it is not JSON under {MAX_BODY} bytes"))
        })?;
        // Not JSON: opencode refuses it itself, and starts nothing.
        let Ok(json) = serde_json::from_slice::<serde_json::Value>(&bytes) else {
            return Ok(bytes);
        };
        let Some(cwd) = json.get("cwd").filter(|cwd| !cwd.is_null()) else {
            return Ok(bytes);
        };
        let cwd = cwd
            .as_str()
            .ok_or_else(|| FenceError::TerminalBody("its cwd is not text".into()))?
            .to_owned();
        let admitted = admitted.unwrap_or(&self.workspace).to_path_buf();
        let fence = self.clone();
        let resolved = tokio::task::spawn_blocking(move || fence.resolve(&cwd).map(|r| (r, cwd)))
            .await
            .map_err(|err| FenceError::Check(err.to_string()))?;
        match resolved {
            Ok((root, _)) if root == admitted => Ok(bytes),
            Ok((_, cwd)) => Err(FenceError::TerminalCwd(cwd)),
            Err(FenceError::Outside(cwd)) => Err(FenceError::TerminalCwd(cwd)),
            Err(err) => Err(err),
        }
    }
}
