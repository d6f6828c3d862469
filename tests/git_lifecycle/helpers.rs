//! Steps the lifecycle test repeats: making chats, prompting the agent,
//! reading ids and paths out of answers.

use std::path::{Path, PathBuf};
use std::time::Duration;

use serde_json::{Value, json};

use crate::common::TestServer;
use crate::common::http::{call, decode};

pub async fn new_chat(server: &TestServer, repo: &str) -> Value {
    let (status, chat) = call(server, "new_chat", &[("repo", repo)]).await;
    assert_eq!(status, 200, "{chat}");
    let dir = worktree(&chat);
    let session = chat["session_id"].as_str().expect("session id");
    let (status, found) = opencode(server, "GET", &dir, &format!("/session/{session}")).await;
    assert_eq!(status, 200, "{found}");
    assert!(
        watched(server).contains(&dir.display().to_string()),
        "the new chat's events are relayed at once"
    );
    assert_eq!(
        found["directory"],
        dir.display().to_string(),
        "session bound to the worktree"
    );
    chat
}

pub fn chat_id(chat: &Value) -> String {
    chat["worktree"]["chat_id"]
        .as_str()
        .expect("chat id")
        .to_owned()
}

pub fn worktree(chat: &Value) -> PathBuf {
    chat["worktree"]["path"]
        .as_str()
        .expect("worktree path")
        .into()
}

pub fn chat_ids(entries: &Value) -> Vec<String> {
    let mut ids: Vec<String> = entries
        .as_array()
        .expect("array")
        .iter()
        .map(|e| e["chat_id"].as_str().expect("chat id").to_owned())
        .collect();
    ids.sort();
    ids
}

pub fn repo_dir(server: &TestServer, dir: &str) -> PathBuf {
    server.data_dir.path().join("repos").join(dir)
}

pub async fn prompt(server: &TestServer, dir: &Path, session: &str, text: &str) {
    let body = json!({"parts": [{"type": "text", "text": text}]});
    let response = server
        .http
        .post(server.url(&format!("/session/{session}/prompt_async")))
        .header("x-opencode-directory", dir.display().to_string())
        .json(&body)
        .send()
        .await
        .expect("prompt");
    assert!(response.status().is_success(), "{}", response.status());
}

pub async fn wait_for(limit: Duration, what: &str, done: impl Fn() -> bool) {
    let deadline = tokio::time::Instant::now() + limit;
    while !done() {
        assert!(tokio::time::Instant::now() < deadline, "never saw {what}");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

/// A request straight to opencode (with pocketcode's credentials), for one
/// directory: what opencode knows of a deleted chat's worktree, which the
/// proxy's directory fence would refuse to name.
pub async fn opencode(server: &TestServer, method: &str, dir: &Path, path: &str) -> (u16, Value) {
    let method = reqwest::Method::from_bytes(method.as_bytes()).expect("method");
    let upstream = server.wait_ready().await;
    let request = upstream
        .request(&server.anonymous, method, path)
        .header("x-opencode-directory", dir.display().to_string());
    decode(request.send().await.expect("opencode request")).await
}

/// The directories whose opencode events pocketcode relays.
pub fn watched(server: &TestServer) -> Vec<String> {
    server
        .pocketcode
        .as_ref()
        .expect("running")
        .state
        .events
        .watched()
}
