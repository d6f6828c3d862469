//! Steps the review tests share: the chat's worktree seeded with changes,
//! the server functions called, and the transcript read.

use std::path::PathBuf;
use std::time::Duration;

use serde_json::Value;

use crate::common::TestServer;
use crate::common::http::{NewChat, call};

pub const REPO: &str = "local/remote";

/// A modified file (one line becomes three) and an untracked one.
pub fn seed(chat: &NewChat) {
    let dir = PathBuf::from(&chat.worktree);
    std::fs::write(
        dir.join("src/lib.rs"),
        "pub fn one() -> u32 {\n    1 // changed\n}\n",
    )
    .expect("write");
    std::fs::create_dir_all(dir.join("notes")).expect("mkdir");
    std::fs::write(dir.join("notes/todo.md"), "- ship it\n- test it\n").expect("write");
}

/// Server function `name` with the chat's repo and id and `extra` fields.
pub async fn call_chat(
    server: &TestServer,
    chat: &NewChat,
    name: &str,
    extra: &[(&str, &str)],
) -> (u16, Value) {
    let mut form = vec![
        ("repo", chat.repo.as_str()),
        ("chat_id", chat.chat_id.as_str()),
    ];
    form.extend_from_slice(extra);
    call(server, name, &form).await
}

/// `add_review_comment` (an empty `end` is left out).
pub async fn add(
    server: &TestServer,
    chat: &NewChat,
    path: &str,
    start: &str,
    end: &str,
    text: &str,
) -> (u16, Value) {
    let mut form = vec![("path", path), ("start", start), ("text", text)];
    if !end.is_empty() {
        form.push(("end", end));
    }
    call_chat(server, chat, "add_review_comment", &form).await
}

pub async fn review(server: &TestServer, chat: &NewChat) -> Value {
    let (status, review) = call_chat(server, chat, "get_review", &[]).await;
    assert_eq!(status, 200, "{review}");
    review
}

pub async fn send(server: &TestServer, chat: &NewChat) -> (u16, Value) {
    call_chat(server, chat, "send_review", &[]).await
}

/// `/admin/worktrees/local/remote/<chat id><rest>`.
pub fn admin_path(chat: &NewChat, rest: &str) -> String {
    format!("/admin/worktrees/{REPO}/{}{rest}", chat.chat_id)
}

fn comments(review: &Value) -> &Vec<Value> {
    review["comments"].as_array().expect("comments")
}

pub fn anchors(review: &Value) -> Vec<String> {
    comments(review)
        .iter()
        .map(|c| {
            let (start, end) = (&c["start"], &c["end"]);
            let path = c["path"].as_str().expect("path");
            if start == end {
                format!("{path}:{start}")
            } else {
                format!("{path}:{start}-{end}")
            }
        })
        .collect()
}

pub fn texts(review: &Value) -> Vec<String> {
    comments(review)
        .iter()
        .map(|c| c["text"].as_str().expect("text").to_owned())
        .collect()
}

pub fn comment_ids(review: &Value) -> Vec<u64> {
    comments(review)
        .iter()
        .map(|c| c["id"].as_u64().expect("id"))
        .collect()
}

async fn transcript(server: &TestServer, chat: &NewChat) -> Value {
    let (status, transcript) = call(server, "get_transcript", &chat.form()).await;
    assert_eq!(status, 200, "{transcript}");
    transcript
}

fn texts_of(transcript: &Value, role: &str) -> Vec<String> {
    let messages = transcript["messages"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    messages
        .iter()
        .filter(|m| m["info"]["role"] == role)
        .map(|m| {
            let parts = m["parts"].as_array().cloned().unwrap_or_default();
            parts
                .iter()
                .filter(|p| p["type"] == "text")
                .filter_map(|p| p["text"].as_str())
                .collect::<String>()
        })
        .collect()
}

/// The texts of the chat's user messages, in order.
pub fn user_texts(transcript: &Value) -> Vec<String> {
    texts_of(transcript, "user")
}

/// Every reply of the agent, joined.
pub fn replies(transcript: &Value) -> String {
    texts_of(transcript, "assistant").join("\n")
}

/// The transcript once a reply contains `needle`.
pub async fn wait_for_reply(server: &TestServer, chat: &NewChat, needle: &str) -> Value {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(90);
    loop {
        let transcript = transcript(server, chat).await;
        if replies(&transcript).contains(needle) {
            return transcript;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "no reply with {needle:?} in {transcript}"
        );
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
}
