//! A chat's transcript a page at a time: a load brings the latest messages
//! and says whether earlier ones exist, a bigger limit brings more, and a
//! limit out of range is refused. Real opencode, real worktree.

mod common;

use common::TestServer;
use common::git_fixture::Remote;
use common::http::{NewChat, call};
use serde_json::{Value, json};

/// Adds a user message without asking the model (opencode's `noReply`).
async fn add_note(server: &TestServer, chat: &NewChat, text: &str) {
    let response = server
        .http
        .post(server.url(&format!("/session/{}/message", chat.session)))
        .header("x-opencode-directory", &chat.worktree)
        .json(&json!({ "noReply": true, "parts": [{ "type": "text", "text": text }] }))
        .send()
        .await
        .expect("add a message");
    let status = response.status();
    assert!(
        status.is_success(),
        "{status}: {}",
        response.text().await.unwrap_or_default()
    );
}

async fn load(server: &TestServer, chat: &NewChat, limit: Option<&str>) -> (u16, Value) {
    let mut form = chat.form().to_vec();
    if let Some(limit) = limit {
        form.push(("limit", limit));
    }
    call(server, "get_transcript", &form).await
}

/// The texts of the messages' text parts, in order.
fn texts(transcript: &Value) -> Vec<String> {
    transcript["messages"]
        .as_array()
        .expect("messages")
        .iter()
        .flat_map(|m| m["parts"].as_array().cloned().unwrap_or_default())
        .filter_map(|p| p["text"].as_str().map(str::to_owned))
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_transcript_loads_its_latest_messages_and_says_when_there_are_more() {
    let server = TestServer::start(&[]).await;
    server.wait_ready().await;
    let fixtures = common::TempDir::new();
    let remote = Remote::create(fixtures.path(), "pages");
    let chat = NewChat::make(&server, &remote.url()).await;
    for n in 1..=5 {
        add_note(&server, &chat, &format!("note {n}")).await;
    }

    let (status, two) = load(&server, &chat, Some("2")).await;
    assert_eq!(status, 200, "{two}");
    assert_eq!(texts(&two), ["note 4", "note 5"], "{two}");
    assert_eq!(two["earlier"], true, "{two}");

    let (status, all) = load(&server, &chat, Some("5")).await;
    assert_eq!(status, 200, "{all}");
    assert_eq!(texts(&all).len(), 5, "{all}");
    assert_eq!(all.get("earlier"), None, "nothing left out: {all}");

    // The default page holds all five, and so does the chat's first paint.
    let (status, default) = load(&server, &chat, None).await;
    assert_eq!(status, 200, "{default}");
    assert_eq!(texts(&default).first().map(String::as_str), Some("note 1"));
    let (status, opened) = call(
        &server,
        "open_chat",
        &[("repo", &chat.repo), ("chat_id", &chat.chat_id)],
    )
    .await;
    assert_eq!(status, 200, "{opened}");
    assert_eq!(texts(&opened["transcript"]).len(), 5, "{opened}");

    for bad in ["0", "100001", "-1", "many"] {
        let (status, body) = load(&server, &chat, Some(bad)).await;
        assert_eq!(status, 400, "limit {bad}: {body}");
    }
    let (_, range) = load(&server, &chat, Some("0")).await;
    assert!(range.to_string().contains("from 1 to 100000"), "{range}");
    server.stop().await;
}
