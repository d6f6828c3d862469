//! A chat's gate: a loopback port of pocketcode's, the endpoint the
//! agent's MCP server is given. Its first connection starts the chat's
//! Chromium; every connection is relayed to Chromium's own debugging port,
//! whatever it is after a restart. So the agent's browser tools work before
//! anyone opened the panel, and keep working after a crash or an idle stop.

use std::path::PathBuf;
use std::sync::Weak;

use tokio::net::{TcpListener, TcpStream};

use super::BrowserError;
use super::registry::Browsers;

pub struct Gate {
    pub port: u16,
    /// The chat's worktree.
    pub directory: PathBuf,
    task: tokio::task::JoinHandle<()>,
}

impl Gate {
    /// Opens chat `key`'s gate on 127.0.0.1 (never another address).
    pub async fn open(
        browsers: Weak<Browsers>,
        key: String,
        directory: PathBuf,
    ) -> Result<Self, BrowserError> {
        let listener = TcpListener::bind("127.0.0.1:0")
            .await
            .map_err(|e| BrowserError::Mcp(format!("cannot open the browser's gate: {e}")))?;
        let port = listener
            .local_addr()
            .map_err(|e| BrowserError::Mcp(e.to_string()))?
            .port();
        let gate_directory = directory.clone();
        let task = tokio::spawn(async move {
            while let Ok((client, _)) = listener.accept().await {
                let Some(browsers) = browsers.upgrade() else {
                    return;
                };
                let (key, directory) = (key.clone(), directory.clone());
                tokio::spawn(async move {
                    if let Err(err) = relay(&browsers, &key, &directory, client).await {
                        tracing::warn!(chat = key, %err, "the agent could not reach the chat's browser");
                    }
                });
            }
        });
        Ok(Self {
            port,
            directory: gate_directory,
            task,
        })
    }
}

impl Drop for Gate {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// Starts the browser if it is not running, then pipes `client` to it.
async fn relay(
    browsers: &Browsers,
    key: &str,
    directory: &std::path::Path,
    mut client: TcpStream,
) -> Result<(), BrowserError> {
    let browser = browsers.launch(key, directory).await?;
    let mut chromium = TcpStream::connect(("127.0.0.1", browser.cdp_port()))
        .await
        .map_err(|e| BrowserError::Cdp(e.to_string()))?;
    browser.touch();
    let _ = tokio::io::copy_bidirectional(&mut client, &mut chromium).await;
    browser.touch();
    Ok(())
}
