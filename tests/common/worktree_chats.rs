//! Chats in git worktrees of the test workspace, driven straight through
//! opencode, and their transcripts rebuilt from the client stream.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::time::Duration;

use pocketcode::opencode::{Event, MessageWithParts, Session, Transcript};
use reqwest::Method;
use serde_json::{Value, json};

use super::TestServer;
use super::http::send_json;

pub const DEADLINE: Duration = Duration::from_secs(120);

/// A git worktree of the test workspace, with an opencode session in it.
pub async fn chat_in_worktree(server: &TestServer, name: &str) -> (PathBuf, Session) {
    // Inside the workspace: the agent's sandbox shows opencode the
    // workspace and the chat worktrees, not the rest of the data dir.
    let dir = server.workspace().join(format!("wt-{name}"));
    let status = std::process::Command::new("git")
        .args(["worktree", "add", "-q", "-b", name])
        .arg(&dir)
        .current_dir(server.workspace())
        .status()
        .expect("git worktree add");
    assert!(status.success());
    let session: Session = opencode(server, &dir, Method::POST, "/session", Some(json!({})))
        .await
        .expect("session");
    assert_eq!(Path::new(&session.directory), dir);
    let hub = &server.pocketcode.as_ref().expect("running").state.events;
    hub.watch(&dir);
    let deadline = tokio::time::Instant::now() + DEADLINE;
    while !hub.is_connected(&dir) {
        assert!(
            tokio::time::Instant::now() < deadline,
            "upstream never connected"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    (dir, session)
}

/// A call to opencode for `dir`, straight to opencode with pocketcode's
/// credentials: these worktrees sit inside the workspace, a directory the
/// proxy's fence refuses (it lets only the workspace itself and chat
/// worktrees through).
pub async fn opencode<T: serde::de::DeserializeOwned>(
    server: &TestServer,
    dir: &Path,
    method: Method,
    path: &str,
    body: Option<Value>,
) -> Option<T> {
    let upstream = server.wait_ready().await;
    let request = upstream
        .request(&server.anonymous, method, path)
        .header("x-opencode-directory", dir.display().to_string());
    send_json(request, path, body).await
}

pub async fn prompt(server: &TestServer, dir: &Path, session: &str, text: &str) {
    let body = json!({"parts": [{"type": "text", "text": text}]});
    let path = format!("/session/{session}/prompt_async");
    let _: Option<Value> = opencode(server, dir, Method::POST, &path, Some(body)).await;
}

pub async fn stored(server: &TestServer, dir: &Path, session: &str) -> Vec<MessageWithParts> {
    let path = format!("/session/{session}/message");
    opencode(server, dir, Method::GET, &path, None)
        .await
        .expect("messages")
}

/// Applies stream items to per-session transcripts; returns the sessions
/// that went idle with an answer.
pub struct Rebuilt {
    pub transcripts: HashMap<String, Transcript>,
    directories: HashMap<String, String>,
    settled: Vec<String>,
}

impl Rebuilt {
    pub fn new(chats: &[(PathBuf, Session)]) -> Self {
        let mut transcripts = HashMap::new();
        let mut directories = HashMap::new();
        for (dir, session) in chats {
            directories.insert(session.id.clone(), dir.display().to_string());
            let transcript = Transcript {
                session: session.clone(),
                messages: Vec::new(),
                earlier: false,
                busy: false,
                error: None,
            };
            transcripts.insert(session.id.clone(), transcript);
        }
        Self {
            transcripts,
            directories,
            settled: Vec::new(),
        }
    }

    pub fn apply(&mut self, item: &Value) {
        if item["kind"] != "event" {
            return;
        }
        let raw = item["event"].to_string();
        let event = Event::parse(&raw).expect("an opencode event");
        let Some(session) = item["session"].as_str() else {
            return;
        };
        let Some(transcript) = self.transcripts.get_mut(session) else {
            return;
        };
        // Tagged right: the directory is the session's own.
        assert_eq!(
            item["directory"].as_str(),
            self.directories.get(session).map(String::as_str)
        );
        transcript.apply(&event);
        if matches!(event, Event::SessionIdle { .. }) && transcript.messages.len() >= 2 {
            self.settled.push(session.to_string());
        }
    }

    pub fn done(&self) -> bool {
        self.transcripts.keys().all(|s| self.settled.contains(s))
    }
}
