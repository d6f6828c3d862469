//! Steps the shipping tests share: a chat's changes and commits through
//! the server functions, and what git itself says on disk.

use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::common::TestServer;
use crate::common::git_fixture::git;
use crate::common::http::{NewChat, call};

pub const REPO: &str = "local/remote";

/// The main clone of the test repo.
pub fn clone_dir(server: &TestServer) -> PathBuf {
    server.data_dir.path().join("repos/local__remote")
}

/// `get_changes` of `chat`; must succeed.
pub async fn changes(server: &TestServer, chat: &NewChat) -> Value {
    let (status, changes) = call(
        server,
        "get_changes",
        &[("repo", REPO), ("chat_id", &chat.chat_id)],
    )
    .await;
    assert_eq!(status, 200, "{changes}");
    changes
}

/// `commit_chat` of `chat` with `message` and, when given, only `paths`.
pub async fn commit(
    server: &TestServer,
    chat: &NewChat,
    message: &str,
    paths: &[&str],
) -> (u16, Value) {
    let keys: Vec<String> = (0..paths.len()).map(|i| format!("paths[{i}]")).collect();
    let mut form = vec![
        ("repo", REPO),
        ("chat_id", chat.chat_id.as_str()),
        ("message", message),
    ];
    form.extend(keys.iter().map(String::as_str).zip(paths.iter().copied()));
    call(server, "commit_chat", &form).await
}

/// `merge_chat` of `chat` in `mode` ("" for the default).
pub async fn merge(server: &TestServer, chat: &NewChat, mode: &str) -> (u16, Value) {
    let mut form = vec![("repo", REPO), ("chat_id", chat.chat_id.as_str())];
    if !mode.is_empty() {
        form.push(("mode", mode));
    }
    call(server, "merge_chat", &form).await
}

/// The files listed as changed: `(path, status, +, -)`, sorted.
pub fn files(changes: &Value) -> Vec<(String, String, u64, u64)> {
    let mut files: Vec<_> = changes["files"]
        .as_array()
        .expect("files")
        .iter()
        .map(|f| {
            (
                f["path"].as_str().expect("path").to_owned(),
                f["status"].as_str().expect("status").to_owned(),
                f["insertions"].as_u64().expect("+"),
                f["deletions"].as_u64().expect("-"),
            )
        })
        .collect();
    files.sort();
    files
}

/// The commit summaries listed, newest first.
pub fn summaries(changes: &Value) -> Vec<String> {
    changes["commits"]
        .as_array()
        .expect("commits")
        .iter()
        .map(|c| c["summary"].as_str().expect("summary").to_owned())
        .collect()
}

/// `git rev-parse <rev>` in `dir`.
pub fn rev(dir: &Path, rev: &str) -> String {
    git(dir, &["rev-parse", rev]).trim().to_owned()
}

/// `git status --porcelain` in `dir`.
pub fn status(dir: &Path) -> String {
    git(dir, &["status", "--porcelain"])
}

pub fn worktree(chat: &NewChat) -> PathBuf {
    PathBuf::from(&chat.worktree)
}

pub fn write(dir: &Path, path: &str, text: &str) {
    std::fs::write(dir.join(path), text).expect("write");
}
