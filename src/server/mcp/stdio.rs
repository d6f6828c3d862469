//! A client of an MCP server that runs as a child process and speaks over
//! its stdin and stdout: one JSON-RPC message per line each way. pocketcode
//! starts it, says `initialize`, then sends requests and matches each
//! answer to its request by id; several may be in flight. Messages the
//! server starts itself (logging, progress) are dropped: pocketcode offers
//! it no client capabilities, so it has nothing to ask back.
//!
//! The child runs in its own process group, which is killed when the
//! client is dropped; requests in flight when it exits fail at once.

use std::collections::HashMap;
use std::process::Stdio;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use serde_json::{Value, json};
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::process::{Child, ChildStdin, ChildStdout, Command};
use tokio::sync::oneshot;

use super::wire::LATEST;

/// How long the server may take to start and answer `initialize`.
const HANDSHAKE: Duration = Duration::from_secs(30);
/// A line longer than this from the server ends it (screenshots come
/// base64-encoded, a few MB at most).
const MAX_LINE: usize = 64 * 1024 * 1024;

#[derive(Debug, thiserror::Error)]
pub enum StdioError {
    #[error("cannot start the MCP server: {0}")]
    Spawn(#[source] std::io::Error),
    #[error("the MCP server exited")]
    Gone,
    #[error("the MCP server did not answer `{method}` within {after:?}")]
    Timeout { method: String, after: Duration },
    /// The server answered with a JSON-RPC error.
    #[error("the MCP server refused `{method}`: {message} ({code})")]
    Refused {
        method: String,
        code: i64,
        message: String,
    },
}

type Waiting = Arc<Mutex<HashMap<u64, oneshot::Sender<Value>>>>;

pub struct StdioClient {
    stdin: tokio::sync::Mutex<ChildStdin>,
    waiting: Waiting,
    next_id: AtomicU64,
    exited: Arc<AtomicBool>,
    pid: Option<u32>,
    /// Held so dropping the client kills the child (`kill_on_drop`).
    _child: Child,
}

impl StdioClient {
    /// Starts `command` (its stdio is taken over here) and completes the
    /// protocol's handshake.
    pub async fn start(mut command: Command) -> Result<Self, StdioError> {
        command
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .process_group(0)
            .kill_on_drop(true);
        let mut child = command.spawn().map_err(StdioError::Spawn)?;
        let (Some(stdin), Some(stdout)) = (child.stdin.take(), child.stdout.take()) else {
            return Err(StdioError::Gone);
        };
        let waiting: Waiting = Arc::default();
        let exited = Arc::new(AtomicBool::new(false));
        tokio::spawn(read_answers(stdout, waiting.clone(), exited.clone()));
        let client = Self {
            stdin: tokio::sync::Mutex::new(stdin),
            waiting,
            next_id: AtomicU64::new(1),
            exited,
            pid: child.id(),
            _child: child,
        };
        let hello = json!({
            "protocolVersion": LATEST,
            "capabilities": {},
            "clientInfo": { "name": "pocketcode", "version": env!("CARGO_PKG_VERSION") },
        });
        client.request("initialize", hello, HANDSHAKE).await?;
        client
            .send(&json!({ "jsonrpc": "2.0", "method": "notifications/initialized" }))
            .await?;
        Ok(client)
    }

    /// Whether the server still runs (as far as its stdout tells).
    pub fn alive(&self) -> bool {
        !self.exited.load(Ordering::Acquire)
    }

    pub fn pid(&self) -> Option<u32> {
        self.pid
    }

    /// Sends request `method` and waits up to `within` for its result.
    pub async fn request(
        &self,
        method: &str,
        params: Value,
        within: Duration,
    ) -> Result<Value, StdioError> {
        let id = self.next_id.fetch_add(1, Ordering::Relaxed);
        let (answer, answered) = oneshot::channel();
        self.waiting
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .insert(id, answer);
        if !self.alive() {
            self.forget(id);
            return Err(StdioError::Gone);
        }
        let message = json!({ "jsonrpc": "2.0", "id": id, "method": method, "params": params });
        if let Err(err) = self.send(&message).await {
            self.forget(id);
            return Err(err);
        }
        let answer = match tokio::time::timeout(within, answered).await {
            Ok(Ok(answer)) => answer,
            Ok(Err(_)) => return Err(StdioError::Gone),
            Err(_) => {
                self.forget(id);
                return Err(StdioError::Timeout {
                    method: method.to_owned(),
                    after: within,
                });
            }
        };
        match answer.get("error") {
            Some(error) => Err(StdioError::Refused {
                method: method.to_owned(),
                code: error["code"].as_i64().unwrap_or_default(),
                message: error["message"].as_str().unwrap_or_default().to_owned(),
            }),
            None => Ok(answer.get("result").cloned().unwrap_or(Value::Null)),
        }
    }

    fn forget(&self, id: u64) {
        self.waiting
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .remove(&id);
    }

    async fn send(&self, message: &Value) -> Result<(), StdioError> {
        let mut line = message.to_string().into_bytes();
        line.push(b'\n');
        let mut stdin = self.stdin.lock().await;
        stdin.write_all(&line).await.map_err(|_| StdioError::Gone)?;
        stdin.flush().await.map_err(|_| StdioError::Gone)
    }
}

impl Drop for StdioClient {
    fn drop(&mut self) {
        // The child's helpers (a sandbox's inner process) go with it.
        if let Some(pid) = self.pid.and_then(|p| i32::try_from(p).ok()) {
            let _ = nix::sys::signal::killpg(
                nix::unistd::Pid::from_raw(pid),
                nix::sys::signal::Signal::SIGKILL,
            );
        }
    }
}

/// Hands each answer to its request until the server's stdout ends; then
/// every request still waiting fails.
async fn read_answers(stdout: ChildStdout, waiting: Waiting, exited: Arc<AtomicBool>) {
    let mut lines = BufReader::new(stdout);
    let mut line = String::new();
    loop {
        line.clear();
        match lines.read_line(&mut line).await {
            Ok(0) | Err(_) => break,
            Ok(_) if line.len() > MAX_LINE => break,
            Ok(_) => {}
        }
        let Ok(message) = serde_json::from_str::<Value>(&line) else {
            continue;
        };
        if message.get("method").is_some() {
            continue;
        }
        let Some(id) = message["id"].as_u64() else {
            continue;
        };
        let answer = waiting
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .remove(&id);
        if let Some(answer) = answer {
            let _ = answer.send(message);
        }
    }
    exited.store(true, Ordering::Release);
    waiting
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .clear();
}
