//! "Ask the agent to write it": the chat's model gets the changed files
//! with no tools (the scripted model answers from the file list only when
//! offered none), the message comes back tidy, and the chat is left as it
//! was: no new message in its transcript, no extra session, no commit.

use serde_json::Value;

use crate::common::TestServer;
use crate::common::http::{NewChat, admin, call};
use crate::steps::{REPO, rev, worktree, write};

pub async fn the_agent_writes_the_message_aside(server: &TestServer) {
    let chat = NewChat::make(server, REPO).await;
    let dir = worktree(&chat);
    let form = [("repo", REPO), ("chat_id", chat.chat_id.as_str())];

    let (status, body) = call(server, "write_commit_message", &form).await;
    assert_eq!(status, 409, "{body}");
    assert!(body.to_string().contains("nothing to commit"), "{body}");

    write(&dir, "README.md", "# remote\nrewritten\n");
    std::fs::create_dir_all(dir.join("notes")).expect("mkdir");
    write(&dir, "notes/plan.md", "the plan\n");
    let head = rev(&dir, "HEAD");
    let before = transcript(server, &chat).await;

    let (status, message) = call(server, "write_commit_message", &form).await;
    assert_eq!(status, 200, "{message}");
    assert_eq!(
        message.as_str(),
        Some(
            "Update README.md and 1 more file(s)\n\n\
             Changed (the scripted model read the file list):\n- README.md\n- notes/plan.md"
        ),
        "{message}"
    );
    assert_eq!(
        transcript(server, &chat).await,
        before,
        "the transcript changed"
    );
    assert_eq!(
        sessions(server, &chat).await,
        vec![chat.session.clone()],
        "an aside session was left"
    );
    assert_eq!(rev(&dir, "HEAD"), head, "something was committed");

    let path = format!("/admin/worktrees/{REPO}/{}/commit-message", chat.chat_id);
    let (status, body) = admin(server, "POST", &path, None).await;
    assert_eq!(status, 200, "{body}");
    assert!(
        body["message"]
            .as_str()
            .is_some_and(|m| m.starts_with("Update README.md")),
        "{body}"
    );
    let missing = format!("/admin/worktrees/{REPO}/a0b1c2d3/commit-message");
    let (status, body) = admin(server, "POST", &missing, None).await;
    assert_eq!(status, 404, "{body}");
}

/// The chat's messages (ids and roles): what the user would see.
async fn transcript(server: &TestServer, chat: &NewChat) -> Vec<(String, String)> {
    let (status, transcript) = call(server, "get_transcript", &chat.form()).await;
    assert_eq!(status, 200, "{transcript}");
    let messages = transcript["messages"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    messages
        .iter()
        .map(|m| {
            let field = |k: &str| {
                m["info"][k]
                    .as_str()
                    .or(m[k].as_str())
                    .unwrap_or_default()
                    .to_owned()
            };
            (field("id"), field("role"))
        })
        .collect()
}

/// Every session opencode has in the chat's worktree, children included.
async fn sessions(server: &TestServer, chat: &NewChat) -> Vec<String> {
    let upstream = server.wait_ready().await;
    let all: Value = upstream
        .request(&reqwest::Client::new(), reqwest::Method::GET, "/session")
        .header("x-opencode-directory", &chat.worktree)
        .send()
        .await
        .expect("GET /session")
        .json()
        .await
        .expect("sessions");
    all.as_array()
        .into_iter()
        .flatten()
        .filter(|s| s["directory"] == chat.worktree.as_str())
        .filter_map(|s| s["id"].as_str().map(str::to_owned))
        .collect()
}
