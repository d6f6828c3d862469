//! Helpers for the event tests: the client stream, worktree chats, calls
//! to opencode, and transcripts rebuilt from events.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::time::Duration;

use eventsource_stream::Eventsource as _;
use futures::StreamExt;
use pocketcode::opencode::{Event, MessageWithParts, Session, Transcript};
use reqwest::Method;
use serde_json::{Value, json};

use crate::common::TestServer;

pub const DEADLINE: Duration = Duration::from_secs(120);

/// One item read from `/pocket/events`: its id (if any) and its JSON.
pub type Item = (Option<String>, Value);

/// Opens the client stream, after `last_id` if given.
pub async fn open(
    server: &TestServer,
    last_id: Option<&str>,
) -> futures::stream::BoxStream<'static, Item> {
    let mut request = server.http.get(server.url("/pocket/events"));
    if let Some(id) = last_id {
        request = request.header("last-event-id", id);
    }
    let response = request.send().await.expect("GET /pocket/events");
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["x-accel-buffering"], "no");
    response
        .bytes_stream()
        .eventsource()
        .map(|event| {
            let event = event.expect("SSE");
            let id = (!event.id.is_empty()).then_some(event.id);
            (id, serde_json::from_str(&event.data).expect("JSON item"))
        })
        .boxed()
}

pub fn seq(id: &str) -> u64 {
    id.rsplit_once('-')
        .expect("epoch-seq")
        .1
        .parse()
        .expect("seq")
}

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
    let mut request = upstream
        .request(&server.anonymous, method, path)
        .header("x-opencode-directory", dir.display().to_string());
    if let Some(body) = body {
        request = request.json(&body);
    }
    let response = request.send().await.expect("reach opencode");
    assert!(
        response.status().is_success(),
        "{path}: {}",
        response.status()
    );
    if response.status() == 204 {
        return None;
    }
    Some(response.json().await.expect("JSON"))
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

pub async fn call(server: &TestServer, name: &str, form: &[(&str, &str)]) -> Value {
    let response = server
        .http
        .post(server.url(&format!("/pocket/fn/{name}")))
        .form(form)
        .send()
        .await
        .expect("server function");
    assert_eq!(response.status(), 200, "{name}");
    let text = response.text().await.expect("body");
    serde_json::from_str(&text).unwrap_or(Value::Null)
}
