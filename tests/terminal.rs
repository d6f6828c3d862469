//! The Terminal through pocketcode's proxy, with a real opencode: a shell
//! made for a chat's worktree runs there (`pwd`), takes its size from
//! `PUT /pty/{id}` (`stty size`), and carries input and output over its
//! WebSocket; the fence refuses a terminal outside the chat worktrees, in
//! the body's `cwd` as in the directory the request names (403, nothing
//! started).

mod common;

use std::panic::AssertUnwindSafe;

use common::git_fixture::Remote;
use common::http::{NewChat, clone_repo, decode};
use common::pty;
use common::{TempDir, TestServer};
use futures::FutureExt;
use serde_json::{Value, json};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_chats_terminal_runs_in_its_worktree_through_the_proxy() {
    let fixtures = TempDir::new();
    let remote = Remote::create(fixtures.path(), "remote");
    let server = TestServer::start(&[]).await;
    let outcome = AssertUnwindSafe(async {
        server.wait_ready().await;
        clone_repo(&server, &remote.url()).await;
        let chat = NewChat::make(&server, "local/remote").await;
        let other = NewChat::make(&server, "local/remote").await;
        round_trip(&server, &chat).await;
        refused(&server, &chat, &other, fixtures.path()).await;
    })
    .catch_unwind()
    .await;
    server.stop().await;
    if let Err(panic) = outcome {
        std::panic::resume_unwind(panic);
    }
}

/// `POST /pty` through the proxy: status and body.
async fn create(server: &TestServer, directory: &str, body: Value) -> (u16, Value) {
    let url = format!("/pty?directory={}", encode(directory));
    decode(
        server
            .http
            .post(server.url(&url))
            .json(&body)
            .send()
            .await
            .expect("POST /pty"),
    )
    .await
}

fn encode(text: &str) -> String {
    form_urlencoded::byte_serialize(text.as_bytes()).collect()
}

async fn round_trip(server: &TestServer, chat: &NewChat) {
    let (status, pty) = create(server, &chat.worktree, json!({"title": "Terminal 1"})).await;
    assert_eq!(status, 200, "{pty}");
    assert_eq!(pty["cwd"], chat.worktree.as_str(), "{pty}");
    let id = pty["id"].as_str().expect("pty id");
    let directory = encode(&chat.worktree);
    let at = format!("/pty/{id}?directory={directory}");
    let connect = format!("/pty/{id}/connect?directory={directory}");
    pty::check_shell(server, &at, &connect, &chat.worktree).await;
    pty::delete(server, &at).await;
}

/// Each refusal is a 403 that says why, and no terminal is started.
async fn refused(server: &TestServer, chat: &NewChat, other: &NewChat, outside: &std::path::Path) {
    let outside = outside.display().to_string();
    let attempts = [
        // Another directory named outright.
        (outside.clone(), json!({})),
        // The chat's worktree named, the shell sent elsewhere.
        (chat.worktree.clone(), json!({"cwd": other.worktree})),
        (chat.worktree.clone(), json!({"cwd": outside})),
        (chat.worktree.clone(), json!({"cwd": "/"})),
        (
            chat.worktree.clone(),
            json!({"cwd": format!("{}/..", chat.worktree)}),
        ),
        (chat.worktree.clone(), json!({"cwd": 7})),
    ];
    for (directory, body) in attempts {
        let (status, answer) = create(server, &directory, body.clone()).await;
        assert_eq!(status, 403, "{directory} {body}: {answer}");
        let error = answer["error"].as_str().expect("an error in words");
        assert!(error.contains("refused"), "{error}");
    }
    // The same worktree spelled as cwd is fine.
    let (status, pty) = create(server, &chat.worktree, json!({"cwd": chat.worktree})).await;
    assert_eq!(status, 200, "{pty}");
    for dir in [&chat.worktree, &other.worktree] {
        let listed: Vec<Value> = server
            .http
            .get(server.url(&format!("/pty?directory={}", encode(dir))))
            .send()
            .await
            .expect("GET /pty")
            .json()
            .await
            .expect("pty list");
        let elsewhere: Vec<&Value> = listed
            .iter()
            .filter(|p| p["cwd"] != chat.worktree.as_str())
            .collect();
        assert!(elsewhere.is_empty(), "started elsewhere: {elsewhere:?}");
    }
}
