//! The agent's browser tools, relayed by pocketcode. Each chat's opencode
//! instance gets them as a remote MCP server of pocketcode's at
//! `http://127.0.0.1:<port>/mcp/<capability>` (the capability names the
//! chat); pocketcode answers the handshake and the tool list itself, and
//! starts the chat's `@playwright/mcp` (`node`, in the agent zone, pointed
//! at the chat's gate) only when the agent first calls a browser tool.
//!
//! Before, opencode started that `node` (~100 MB) for every chat it
//! loaded, used or not, and started it again each time a disposed chat came
//! back, which the revived chat's first prompt waited for. Now a chat that
//! never browses costs nothing, and giving the tools back to a revived
//! chat is one loopback request. The `node` process of a chat ends when
//! its instance is disposed or the chat is deleted; the next call starts
//! another.

mod endpoint;

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, PoisonError, Weak};
use std::time::Duration;

use serde_json::{Value, json};
use tokio::process::Command;

use super::chromium::browser_dir;
use super::{BrowserError, Browsers};
use crate::model::browser::MCP_NAME;
use crate::server::git::WorktreeName;
use crate::server::mcp::capability::Capabilities;
use crate::server::mcp::stdio::{StdioClient, StdioError};
use crate::server::mcp::wire::INTERNAL_ERROR;
use crate::server::sandbox::internal_ports::InternalPorts;

/// How long one browser tool call may take (a slow page load included).
const CALL_TIMEOUT: Duration = Duration::from_secs(300);
/// How long listing the tools may take.
const LIST_TIMEOUT: Duration = Duration::from_secs(30);

/// A chat's `node` process: started by the first call that needs it.
type Slot = Arc<tokio::sync::Mutex<Option<Arc<StdioClient>>>>;

pub struct AgentTools {
    port: u16,
    capabilities: Capabilities,
    /// Each chat's directory, by key, as the tools were given.
    directories: Mutex<HashMap<String, PathBuf>>,
    children: Mutex<HashMap<String, Slot>>,
    /// `@playwright/mcp`'s tool list (the same for every chat), from the
    /// first process started.
    catalog: tokio::sync::OnceCell<Value>,
    server: tokio::task::JoinHandle<()>,
}

impl AgentTools {
    /// Serves the tools on a new loopback port (an internal one).
    pub(super) async fn start(
        browsers: Weak<Browsers>,
        internal: &InternalPorts,
    ) -> Result<Arc<Self>, BrowserError> {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .map_err(|e| BrowserError::Mcp(format!("cannot open the tools' port: {e}")))?;
        let port = listener
            .local_addr()
            .map_err(|e| BrowserError::Mcp(e.to_string()))?
            .port();
        internal.add(port);
        let app = endpoint::router(browsers);
        let server = tokio::spawn(async move {
            if let Err(err) = axum::serve(listener, app).await {
                tracing::error!(%err, "the agent's browser tools stopped serving");
            }
        });
        Ok(Arc::new(Self {
            port,
            capabilities: Capabilities::default(),
            directories: Mutex::default(),
            children: Mutex::default(),
            catalog: tokio::sync::OnceCell::new(),
            server,
        }))
    }

    /// The URL chat `key` (working in `directory`) reaches its tools at.
    fn url_for(&self, key: &str, directory: &Path) -> Result<String, BrowserError> {
        let chat =
            WorktreeName::parse(key).map_err(|e| BrowserError::Mcp(format!("not a chat: {e}")))?;
        self.directories
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .insert(key.to_owned(), directory.to_path_buf());
        let token = self.capabilities.token_for(&chat);
        Ok(format!("http://127.0.0.1:{}/mcp/{token}", self.port))
    }

    /// The chat (key and directory) `token` was issued to.
    fn chat_of(&self, token: &str) -> Option<(String, PathBuf)> {
        let key = self.capabilities.chat_of(token)?.as_string();
        let dir = self
            .directories
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .get(&key)
            .cloned()?;
        Some((key, dir))
    }

    fn slot(&self, key: &str) -> Slot {
        self.children
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .entry(key.to_owned())
            .or_default()
            .clone()
    }

    /// Chat `key`'s `node` process, started if it has none (or it died).
    async fn child(
        &self,
        browsers: &Browsers,
        key: &str,
        dir: &Path,
    ) -> Result<Arc<StdioClient>, BrowserError> {
        let slot = self.slot(key);
        let mut slot = slot.lock().await;
        if let Some(child) = slot.as_ref().filter(|c| c.alive()) {
            return Ok(child.clone());
        }
        let gate = browsers.gate(key, dir).await?;
        let command = mcp_command(browsers, key, gate)?;
        let child = Arc::new(
            StdioClient::start(command)
                .await
                .map_err(|e| BrowserError::Mcp(e.to_string()))?,
        );
        tracing::info!(chat = key, pid = ?child.pid(), "started the agent's browser tools");
        *slot = Some(child.clone());
        Ok(child)
    }

    /// The tool list, as `tools/list` answers it: asked once of a process
    /// started for that alone (a chat's own starts when it browses).
    async fn list(&self, browsers: &Browsers, key: &str) -> Result<Value, String> {
        self.catalog
            .get_or_try_init(|| async {
                // Nothing listens on the discard port: listing connects to
                // no browser.
                let command = mcp_command(browsers, key, 9).map_err(|e| e.to_string())?;
                let probe = StdioClient::start(command)
                    .await
                    .map_err(|e| e.to_string())?;
                let mut list = probe
                    .request("tools/list", json!({}), LIST_TIMEOUT)
                    .await
                    .map_err(|e| e.to_string())?;
                if let Some(list) = list.as_object_mut() {
                    list.remove("nextCursor");
                }
                Ok(list)
            })
            .await
            .cloned()
    }

    /// Runs a `tools/call` in chat `key`'s process: its result, or the
    /// JSON-RPC error (code and message) to answer with. A process that
    /// cannot start is a failed call the agent reads.
    async fn call(
        &self,
        browsers: &Browsers,
        key: &str,
        dir: &Path,
        params: Value,
    ) -> Result<Value, (i64, String)> {
        let child = match self.child(browsers, key, dir).await {
            Ok(child) => child,
            Err(err) => {
                return Ok(json!({
                    "content": [{ "type": "text", "text": err.to_string() }],
                    "isError": true,
                }));
            }
        };
        match child.request("tools/call", params, CALL_TIMEOUT).await {
            Ok(result) => Ok(result),
            Err(StdioError::Refused { code, message, .. }) => Err((code, message)),
            Err(err) => Err((INTERNAL_ERROR, err.to_string())),
        }
    }

    /// Ends chat `key`'s process, if it runs; its calls in flight fail.
    async fn end(&self, key: &str) -> bool {
        let slot = self
            .children
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .remove(key);
        match slot {
            Some(slot) => slot.lock().await.take().is_some(),
            None => false,
        }
    }

    /// Ends every chat's process (pocketcode is shutting down).
    pub(super) async fn end_all(&self) {
        let keys: Vec<String> = self
            .children
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .keys()
            .cloned()
            .collect();
        for key in keys {
            self.end(&key).await;
        }
    }

    /// How many chats have a `node` process now.
    pub fn running(&self) -> usize {
        let slots: Vec<Slot> = self
            .children
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .values()
            .cloned()
            .collect();
        slots
            .iter()
            .filter(|s| {
                s.try_lock()
                    .is_ok_and(|c| c.as_ref().is_some_and(|c| c.alive()))
            })
            .count()
    }
}

impl Drop for AgentTools {
    fn drop(&mut self) {
        self.server.abort();
    }
}

/// `node @playwright/mcp` for chat `key`, on its gate, writing its files
/// (screenshots, PDFs) to the chat's `browsers/<chat>/agent`; in the agent
/// zone when there is one, with the agent's environment.
fn mcp_command(browsers: &Browsers, key: &str, gate: u16) -> Result<Command, BrowserError> {
    let settings = browsers.settings();
    let Some(cli) = &settings.mcp_cli else {
        return Err(BrowserError::Mcp("@playwright/mcp is not installed".into()));
    };
    let files = browser_dir(&settings.data_dir, key).join("agent");
    std::fs::create_dir_all(&files).map_err(|e| BrowserError::Mcp(e.to_string()))?;
    let mut command = match &settings.zone {
        Some(zone) => {
            let mut command = Command::new(crate::server::sandbox::BWRAP);
            command
                .args(
                    zone.bwrap_args(&files)
                        .map_err(|e| BrowserError::Mcp(e.to_string()))?,
                )
                .arg("--")
                .arg("node");
            command
        }
        None => {
            let mut command = Command::new("node");
            command.current_dir(&files);
            command
        }
    };
    command
        .arg(cli)
        .arg("--cdp-endpoint")
        .arg(format!("http://127.0.0.1:{gate}"))
        .arg("--output-dir")
        .arg(&files)
        .env_clear()
        .envs(crate::server::sandbox::env::inherited_with_home())
        .stderr(std::process::Stdio::null());
    Ok(command)
}

impl Browsers {
    /// Gives the agent of chat `key` (working in `directory`) its browser
    /// tools: pocketcode's tool server, added to the chat's opencode
    /// instance only; quick when it has them already.
    pub async fn give_tools(&self, key: &str, directory: &Path) -> Result<(), BrowserError> {
        if self.settings().mcp_cli.is_none() {
            return Ok(());
        }
        let mut tools = self.tools.lock().await;
        let opencode_pid = self.supervisor.status().pid.unwrap_or_default();
        if tools.get(directory) == Some(&opencode_pid) {
            return Ok(());
        }
        let server = self
            .agent_tools
            .get_or_try_init(|| AgentTools::start(self.me.clone(), &self.internal))
            .await?;
        let url = server.url_for(key, directory)?;
        let status = self
            .opencode()
            .await?
            .add_remote_mcp(directory, MCP_NAME, &url)
            .await
            .map_err(|e| BrowserError::Mcp(e.to_string()))?;
        if status["status"].as_str() != Some("connected") {
            return Err(BrowserError::Mcp(format!("opencode reports {status}")));
        }
        tools.insert(directory.to_path_buf(), opencode_pid);
        Ok(())
    }

    /// Ends chat `key`'s browser tools process (its instance went, or the
    /// chat did); `revoke` also makes its tools URL stop working.
    pub(super) async fn end_tools(&self, key: &str, revoke: bool) {
        let Some(server) = self.agent_tools.get() else {
            return;
        };
        if server.end(key).await {
            tracing::info!(chat = key, "ended the agent's browser tools process");
        }
        if revoke && let Ok(chat) = WorktreeName::parse(key) {
            server.capabilities.revoke(&chat);
        }
    }

    /// The tool server's port, once a chat was given the tools.
    pub fn tools_port(&self) -> Option<u16> {
        self.agent_tools.get().map(|s| s.port)
    }

    /// How many chats' agents have a browser tools process running.
    pub fn tool_processes(&self) -> usize {
        self.agent_tools.get().map_or(0, |s| s.running())
    }
}
