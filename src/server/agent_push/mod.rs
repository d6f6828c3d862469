//! The agent's `push_branch` tool: an MCP server of pocketcode's, given to
//! each local chat of a GitHub repo, that pushes that chat's branch with
//! pocketcode's token (which the agent never holds). The agent may ask;
//! pocketcode decides what goes where: the chat's own branch under the
//! name the user chose, never the default branch, never forced.
//!
//! The tool is a remote MCP server in opencode's terms, at
//! `http://127.0.0.1:<port>/mcp/<capability>`, added to the chat's
//! instance only (like the browser tools), so other chats never list it.

mod listener;
mod mcp;

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use crate::server::mcp::capability::Capabilities;
pub use listener::Pusher;

use crate::server::git::{RepoStore, WorktreeName};
use crate::server::opencode_client::OpencodeClient;
use crate::server::sandbox::internal_ports::InternalPorts;
use crate::server::supervisor::Supervisor;

/// The MCP server's name in opencode: the tool is `pocketcode_push_branch`.
pub const MCP_NAME: &str = "pocketcode";

#[derive(Debug, thiserror::Error)]
pub enum AgentPushError {
    #[error("cannot open the push tool's port: {0}")]
    Listen(#[source] std::io::Error),
    #[error("opencode: {0}")]
    Opencode(String),
    #[error("opencode could not connect the push tool: {0}")]
    NotConnected(String),
}

pub struct AgentPush {
    port: u16,
    pusher: Pusher,
    /// Chat directories whose opencode instance has the tool, with the
    /// opencode it was given to (a restarted one has lost it).
    given: tokio::sync::Mutex<HashMap<PathBuf, u32>>,
    supervisor: Arc<Supervisor>,
    http: reqwest::Client,
    server: tokio::task::JoinHandle<()>,
}

impl AgentPush {
    /// Serves the tool on a new loopback port (an internal one).
    pub async fn start(
        git: Arc<RepoStore>,
        github: crate::server::github::GithubClient,
        supervisor: Arc<Supervisor>,
        http: reqwest::Client,
        internal: &InternalPorts,
    ) -> Result<Arc<Self>, AgentPushError> {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .map_err(AgentPushError::Listen)?;
        let port = listener
            .local_addr()
            .map_err(AgentPushError::Listen)?
            .port();
        internal.add(port);
        let pusher = Pusher {
            capabilities: Arc::new(Capabilities::default()),
            git,
            github,
        };
        let app = listener::router(pusher.clone());
        let server = tokio::spawn(async move {
            if let Err(err) = axum::serve(listener, app).await {
                tracing::error!(%err, "the agent's push tool stopped serving");
            }
        });
        Ok(Arc::new(Self {
            port,
            pusher,
            given: tokio::sync::Mutex::default(),
            supervisor,
            http,
            server,
        }))
    }

    /// Gives chat `chat`'s agent (working in `dir`) the tool, when the
    /// chat's repo is on GitHub and pocketcode holds a token; quick when it
    /// has the tool already.
    pub async fn give(&self, chat: &WorktreeName, dir: &Path) -> Result<(), AgentPushError> {
        let git = &self.pusher.git;
        if !git.has_github_token() || !matches!(git.github_remote(&chat.repo).await, Ok(Some(_))) {
            return Ok(());
        }
        let mut given = self.given.lock().await;
        let opencode_pid = self.supervisor.status().pid.unwrap_or_default();
        if given.get(dir) == Some(&opencode_pid) {
            return Ok(());
        }
        let token = self.pusher.capabilities.token_for(chat);
        let url = format!("http://127.0.0.1:{}/mcp/{token}", self.port);
        let status = self
            .opencode()
            .await?
            .add_remote_mcp(dir, MCP_NAME, &url)
            .await
            .map_err(|e| AgentPushError::Opencode(e.to_string()))?;
        if status["status"].as_str() != Some("connected") {
            return Err(AgentPushError::NotConnected(status.to_string()));
        }
        given.insert(dir.to_path_buf(), opencode_pid);
        Ok(())
    }

    /// opencode dropped `dir`'s instance, and the tool with it: the next
    /// [`give`](Self::give) adds it again.
    pub async fn instance_reloaded(&self, dir: &Path) {
        self.given.lock().await.remove(dir);
    }

    /// Revokes the capability of every chat whose worktree is gone.
    pub async fn forget_removed(&self) {
        let layout = self.pusher.git.layout();
        for chat in self.pusher.capabilities.chats() {
            let dir = layout.worktree(&chat);
            if !dir.exists() {
                self.pusher.capabilities.revoke(&chat);
                self.given.lock().await.remove(&dir);
            }
        }
    }

    async fn opencode(&self) -> Result<OpencodeClient, AgentPushError> {
        let upstream = self
            .supervisor
            .upstream_within(Duration::from_secs(30))
            .await
            .map_err(|e| AgentPushError::Opencode(e.to_string()))?;
        Ok(OpencodeClient::new(self.http.clone(), upstream))
    }
}

impl Drop for AgentPush {
    fn drop(&mut self) {
        self.server.abort();
    }
}
