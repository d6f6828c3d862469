//! MCP servers of one directory's opencode instance: the agent's browser
//! tools and its push tool are added to a chat's worktree only, so other
//! chats never see them.

use std::path::Path;

use reqwest::Method;
use serde_json::{Value, json};

use super::{OpencodeClient, OpencodeClientError, json, send};

impl OpencodeClient {
    /// Adds (or replaces) local MCP server `name` running `command` in `cwd`
    /// for the instance of `dir`; returns its status as opencode reports it.
    pub async fn add_mcp(
        &self,
        dir: &Path,
        name: &str,
        command: &[String],
        cwd: &Path,
    ) -> Result<Value, OpencodeClientError> {
        let body = json!({
            "name": name,
            "config": {
                "type": "local",
                "command": command,
                "cwd": cwd.display().to_string(),
                "timeout": 30_000,
            },
        });
        let statuses: Value =
            json(send(self.request(Method::POST, dir, "/mcp").json(&body)).await?).await?;
        Ok(statuses[name].clone())
    }

    /// Adds (or replaces) remote MCP server `name` at `url` (no OAuth) for
    /// the instance of `dir`; returns its status as opencode reports it.
    pub async fn add_remote_mcp(
        &self,
        dir: &Path,
        name: &str,
        url: &str,
    ) -> Result<Value, OpencodeClientError> {
        let body = json!({
            "name": name,
            "config": { "type": "remote", "url": url, "oauth": false, "timeout": 30_000 },
        });
        let statuses: Value =
            json(send(self.request(Method::POST, dir, "/mcp").json(&body)).await?).await?;
        Ok(statuses[name].clone())
    }

    /// Every MCP server of `dir`'s instance and its status.
    pub async fn mcp_status(&self, dir: &Path) -> Result<Value, OpencodeClientError> {
        json(send(self.request(Method::GET, dir, "/mcp")).await?).await
    }

    /// Ends MCP server `name` of `dir`'s instance (its process exits).
    pub async fn disconnect_mcp(&self, dir: &Path, name: &str) -> Result<(), OpencodeClientError> {
        send(self.request(Method::POST, dir, &format!("/mcp/{name}/disconnect"))).await?;
        Ok(())
    }
}
