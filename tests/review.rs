//! Review through pocketcode, on a real repo and a real opencode with the
//! scripted model: the chat's diff line by line, draft comments kept in
//! order on disk (a restart keeps them), edited and deleted, sent to the
//! agent as one message whose exact text is checked (the scripted model
//! echoes what it received), then kept as sent; and bad requests refused
//! with a 4xx naming the problem and nothing changed. Each change is
//! announced on the client stream as a `review.updated` event of the chat's
//! session, which an open Review sheet in another tab refetches on.

mod common;
#[path = "review/refused.rs"]
mod refused;
#[path = "review/steps.rs"]
mod steps;

use std::panic::AssertUnwindSafe;

use common::git_fixture::Remote;
use common::http::{NewChat, admin, call, clone_repo};
use common::sse::{Item, client_stream};
use common::{TempDir, TestServer};
use futures::stream::BoxStream;
use futures::{FutureExt, StreamExt};
use serde_json::json;
use steps::{add, anchors, comment_ids, review, send, texts};

/// What the review sends, exactly.
const MESSAGE: &str = "Review of your changes (2 comments). Please address each:\n\
\n`notes/todo.md:1`\n> - ship it\nShip what, and when?\n\
\n`src/lib.rs:2-3`\n>     1 // changed\n> }\nSay why it changed.\n";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_review_is_drafted_kept_and_sent_as_one_message() {
    let fixtures = TempDir::new();
    let remote = Remote::create(fixtures.path(), "remote");
    let mut server = TestServer::start(&[]).await;
    let chat = {
        let outcome = AssertUnwindSafe(async {
            server.wait_ready().await;
            clone_repo(&server, &remote.url()).await;
            let chat = NewChat::make(&server, steps::REPO).await;
            steps::seed(&chat);
            refused::nothing_to_send(&server, &chat).await;
            the_diff_is_numbered(&server, &chat).await;
            let mut stream = client_stream(&server, None).await;
            drafted(&server, &chat).await;
            announced(&mut stream, &chat).await;
            chat
        })
        .catch_unwind()
        .await;
        match outcome {
            Ok(chat) => chat,
            Err(panic) => {
                server.stop().await;
                std::panic::resume_unwind(panic);
            }
        }
    };
    // The drafts are on disk: a restarted pocketcode has them.
    server = server.restart(&[]).await;
    let outcome = AssertUnwindSafe(async {
        server.wait_ready().await;
        let kept = review(&server, &chat).await;
        assert_eq!(anchors(&kept), ["notes/todo.md:1", "src/lib.rs:2-3"]);
        refused::bad_requests_change_nothing(&server, &chat).await;
        sent(&server, &chat).await;
        // Deleting the chat removes its review from disk.
        let file = server
            .data_dir
            .path()
            .join("reviews")
            .join(format!("{}.json", worktree_dir_name(&chat)));
        assert!(file.exists(), "{} holds the review", file.display());
        let mut form = chat.form()[..2].to_vec();
        form.push(("force", "true"));
        let (status, body) = call(&server, "delete_chat", &form).await;
        assert_eq!(status, 200, "{body}");
        assert!(!file.exists(), "{} outlived its chat", file.display());
    })
    .catch_unwind()
    .await;
    server.stop().await;
    if let Err(panic) = outcome {
        std::panic::resume_unwind(panic);
    }
}

async fn the_diff_is_numbered(server: &TestServer, chat: &NewChat) {
    let (status, diff) = steps::call_chat(server, chat, "get_review_diff", &[]).await;
    assert_eq!(status, 200, "{diff}");
    let files: Vec<&str> = diff["files"]
        .as_array()
        .expect("files")
        .iter()
        .map(|f| f["path"].as_str().expect("path"))
        .collect();
    assert_eq!(files, ["notes/todo.md", "src/lib.rs"], "{diff}");
    let lib = &diff["files"][1];
    assert_eq!(lib["status"], "modified");
    let lines = &lib["hunks"][0]["lines"];
    assert_eq!(
        lines[0],
        json!({"kind": "removed", "old": 1, "new": null, "text": "pub fn one() -> u32 { 1 }"})
    );
    assert_eq!(
        lines[2],
        json!({"kind": "added", "old": null, "new": 2, "text": "    1 // changed"})
    );
}

async fn drafted(server: &TestServer, chat: &NewChat) {
    let (status, first) = add(server, chat, "src/lib.rs", "2", "3", "Why a comment?").await;
    assert_eq!(status, 200, "{first}");
    assert_eq!(
        first["comments"][0]["quote"],
        json!(["    1 // changed", "}"])
    );
    assert_eq!(first["comments"][0]["sent"], false);
    let (status, _) = add(server, chat, "src/lib.rs", "1", "", "Name it better.").await;
    assert_eq!(status, 200);
    // Through /admin too: a 201 with the review.
    let path = steps::admin_path(chat, "/review/comments");
    let body = json!({"path": "notes/todo.md", "start": 1, "text": "Ship what?"});
    let (status, review_now) = admin(server, "POST", &path, Some(body)).await;
    assert_eq!(status, 201, "{review_now}");
    // By file, then line.
    assert_eq!(
        anchors(&review_now),
        ["notes/todo.md:1", "src/lib.rs:1", "src/lib.rs:2-3"]
    );
    let ids = comment_ids(&review_now);

    let edit = steps::admin_path(chat, &format!("/review/comments/{}", ids[0]));
    let (status, edited) = admin(
        server,
        "PUT",
        &edit,
        Some(json!({"text": " Ship what, and when? "})),
    )
    .await;
    assert_eq!(status, 200, "{edited}");
    let (status, edited) = steps::call_chat(
        server,
        chat,
        "edit_review_comment",
        &[("id", &ids[2].to_string()), ("text", "Say why it changed.")],
    )
    .await;
    assert_eq!(status, 200, "{edited}");
    let (status, deleted) = steps::call_chat(
        server,
        chat,
        "delete_review_comment",
        &[("id", &ids[1].to_string())],
    )
    .await;
    assert_eq!(status, 200, "{deleted}");
    assert_eq!(
        texts(&deleted),
        ["Ship what, and when?", "Say why it changed."]
    );
    // Another client sees the same review.
    let (status, seen) = admin(server, "GET", &steps::admin_path(chat, "/review"), None).await;
    assert_eq!(status, 200, "{seen}");
    assert_eq!(seen, deleted);
}

/// The client stream tells of a change to the chat's review.
async fn announced(stream: &mut BoxStream<'static, Item>, chat: &NewChat) {
    let seen = tokio::time::timeout(std::time::Duration::from_secs(20), async {
        while let Some((_, item)) = stream.next().await {
            if item["event"]["type"] == "review.updated" {
                return Some(item);
            }
        }
        None
    })
    .await
    .expect("a review.updated event within 20 s")
    .expect("the stream ended before a review.updated event");
    assert_eq!(seen["session"], chat.session.as_str(), "{seen}");
    assert_eq!(
        seen["event"]["properties"]["sessionID"],
        chat.session.as_str()
    );
}

async fn sent(server: &TestServer, chat: &NewChat) {
    let (status, after) = send(server, chat).await;
    assert_eq!(status, 200, "{after}");
    let sent: Vec<bool> = after["comments"]
        .as_array()
        .expect("comments")
        .iter()
        .map(|c| c["sent"] == true)
        .collect();
    assert_eq!(sent, [true, true], "{after}");
    // One message, exactly; the model got it whole (its echo runs the
    // lines together).
    let transcript = steps::wait_for_reply(server, chat, "`src/lib.rs:2-3`").await;
    assert_eq!(steps::user_texts(&transcript), [MESSAGE], "{transcript}");
    let replies = steps::replies(&transcript);
    let flat = MESSAGE.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(
        replies.contains(&format!("You said: \"{flat}\"")),
        "{replies}"
    );
    assert!(replies.contains("`notes/todo.md:1`"), "{replies}");

    // Sent comments are not sent again, nor edited; a new draft goes alone.
    let (status, body) = send(server, chat).await;
    assert_eq!(status, 409, "{body}");
    assert!(body.to_string().contains("no draft comments"), "{body}");
    let ids = comment_ids(&after);
    let (status, body) = steps::call_chat(
        server,
        chat,
        "edit_review_comment",
        &[("id", &ids[0].to_string()), ("text", "later")],
    )
    .await;
    assert_eq!(status, 409, "{body}");
    assert!(body.to_string().contains("was sent"), "{body}");
    let (status, _) = add(server, chat, "src/lib.rs", "1", "1", "One more.").await;
    assert_eq!(status, 200);
    let (status, again) = send(server, chat).await;
    assert_eq!(status, 200, "{again}");
    assert_eq!(again["comments"].as_array().map(Vec::len), Some(3));
    let transcript = steps::wait_for_reply(server, chat, "(1 comment)").await;
    let users = steps::user_texts(&transcript);
    assert_eq!(users.len(), 2, "{users:?}");
    assert_eq!(
        users[1],
        "Review of your changes (1 comment). Please address each:\n\n`src/lib.rs:1`\n> pub fn one() -> u32 {\nOne more.\n"
    );
}

/// `owner__name__<chat id>`: the chat's worktree directory's name.
fn worktree_dir_name(chat: &NewChat) -> String {
    std::path::Path::new(&chat.worktree)
        .file_name()
        .and_then(|name| name.to_str())
        .expect("a worktree path")
        .to_owned()
}
