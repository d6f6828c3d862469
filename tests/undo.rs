//! Undo, redo and fork from a user message, through the server functions
//! and `/admin/*`, with a real opencode and the scripted model writing
//! files: undo restores the files on disk (old content back, new files
//! gone), redo brings them back, fork makes a new chat whose worktree is
//! at the source's commit with its files and whose session has the history
//! before the message. Bad requests are 4xx and change nothing.

mod common;

use std::path::Path;

use common::git_fixture::{Remote, git};
use common::http::{NewChat, admin, call, user_messages};
use common::{TestServer, eventually};
use serde_json::{Value, json};

async fn transcript(server: &TestServer, chat: &NewChat) -> Value {
    let (status, transcript) = call(server, "get_transcript", &chat.form()).await;
    assert_eq!(status, 200, "{transcript}");
    transcript
}

fn read(path: &Path) -> Option<String> {
    std::fs::read_to_string(path).ok()
}

/// Sends a prompt that writes `path`, and waits for the turn to end.
async fn write_turn(server: &TestServer, chat: &NewChat, path: &str, content: &str) {
    let text = format!(r#"[scenario:write path={path} content="{content}"]"#);
    let mut form = chat.form().to_vec();
    form.push(("text", &text));
    let (status, body) = call(server, "send_prompt", &form).await;
    assert_eq!(status, 200, "{body}");
    let file = Path::new(&chat.worktree).join(path);
    eventually("the agent's file", || {
        let written = read(&file).as_deref() == Some(content);
        async move { written }
    })
    .await;
    eventually("the turn ends", || async {
        transcript(server, chat).await["busy"] == false
    })
    .await;
}

/// A server function, its form, the status it must answer and what its
/// error must say.
type Case<'a> = (&'a str, Vec<(&'a str, &'a str)>, u16, &'a str);

fn message_form<'a>(chat: &'a NewChat, message: &'a str) -> Vec<(&'a str, &'a str)> {
    let mut form = chat.form().to_vec();
    form.push(("message_id", message));
    form
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn undo_restores_the_agents_files_redo_brings_them_back_and_fork_starts_a_chat_there() {
    let server = TestServer::start(&[]).await;
    server.wait_ready().await;
    let fixtures = common::TempDir::new();
    let remote = Remote::create(fixtures.path(), "remote");
    let chat = NewChat::make(&server, &remote.url()).await;
    let dir = Path::new(&chat.worktree).to_path_buf();
    // A commit of the chat's own: the fork must start from it.
    std::fs::write(dir.join("committed.txt"), "on the chat's branch\n").expect("write");
    git(&dir, &["add", "committed.txt"]);
    git(&dir, &["commit", "-q", "-m", "chat work"]);
    let head = git(&dir, &["rev-parse", "HEAD"]);

    write_turn(&server, &chat, "notes.txt", "one").await;
    write_turn(&server, &chat, "notes.txt", "two").await;
    write_turn(&server, &chat, "extra.txt", "three").await;
    let users = user_messages(&server, &chat).await;
    assert_eq!(users.len(), 3, "{users:?}");
    let (second, third) = (users[1].0.clone(), users[2].0.clone());

    // Undo from the second prompt: its change and the third's are undone.
    let (status, session) = call(&server, "undo_from", &message_form(&chat, &second)).await;
    assert_eq!(status, 200, "{session}");
    assert_eq!(session["revert"]["messageID"], second.as_str());
    assert_eq!(read(&dir.join("notes.txt")).as_deref(), Some("one"));
    assert!(
        !dir.join("extra.txt").exists(),
        "the third prompt's file is gone"
    );
    assert_eq!(
        read(&dir.join("committed.txt")).as_deref(),
        Some("on the chat's branch\n")
    );
    assert_eq!(
        transcript(&server, &chat).await["session"]["revert"]["messageID"],
        second.as_str()
    );

    // Redo (through /admin this time) brings both back.
    let path = format!("/admin/worktrees/{}/{}/redo", chat.repo, chat.chat_id);
    let (status, redone) = admin(&server, "POST", &path, None).await;
    assert_eq!(status, 200, "{redone}");
    assert_eq!(redone["undone_from"], Value::Null);
    assert_eq!(read(&dir.join("notes.txt")).as_deref(), Some("two"));
    assert_eq!(read(&dir.join("extra.txt")).as_deref(), Some("three"));
    // Nothing is undone now: nothing to redo.
    let (status, body) = call(&server, "redo_undone", &chat.form()).await;
    assert_eq!(status, 409, "{body}");

    // Undo from the third, then fork from it: the new chat has the files
    // as they are (before the third) and the history before the third.
    let (status, body) = call(&server, "undo_from", &message_form(&chat, &third)).await;
    assert_eq!(status, 200, "{body}");
    assert!(!dir.join("extra.txt").exists());
    let (status, forked) = call(&server, "fork_chat", &message_form(&chat, &third)).await;
    assert_eq!(status, 200, "{forked}");
    let fork = NewChat {
        repo: forked["worktree"]["repo"]
            .as_str()
            .expect("repo")
            .to_owned(),
        chat_id: forked["worktree"]["chat_id"]
            .as_str()
            .expect("chat")
            .to_owned(),
        session: forked["session_id"].as_str().expect("session").to_owned(),
        worktree: forked["worktree"]["path"]
            .as_str()
            .expect("path")
            .to_owned(),
    };
    assert_ne!(fork.chat_id, chat.chat_id);
    assert_ne!(fork.session, chat.session);
    let fork_dir = Path::new(&fork.worktree);
    assert_eq!(
        git(fork_dir, &["rev-parse", "HEAD"]),
        head,
        "the fork starts at the chat's commit"
    );
    assert_eq!(
        forked["worktree"]["branch"],
        format!("pocketcode/{}", fork.chat_id)
    );
    assert_eq!(read(&fork_dir.join("notes.txt")).as_deref(), Some("two"));
    assert_eq!(
        read(&fork_dir.join("committed.txt")).as_deref(),
        Some("on the chat's branch\n")
    );
    assert!(!fork_dir.join("extra.txt").exists());
    let fork_transcript = transcript(&server, &fork).await;
    assert_eq!(
        fork_transcript["session"]["directory"],
        fork.worktree.as_str()
    );
    let texts: Vec<String> = user_messages(&server, &fork)
        .await
        .into_iter()
        .map(|(_, t)| t)
        .collect();
    let source_texts: Vec<String> = users.iter().take(2).map(|(_, t)| t.clone()).collect();
    assert_eq!(texts, source_texts, "the history before the third prompt");
    // The fork is a chat like any other: it is listed, and the source is unchanged.
    let (status, chats) = call(&server, "list_chats", &[]).await;
    assert_eq!(status, 200, "{chats}");
    assert!(chats.to_string().contains(&fork.chat_id), "{chats}");
    let (status, body) = call(&server, "redo_undone", &chat.form()).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(read(&dir.join("extra.txt")).as_deref(), Some("three"));
    assert!(
        !fork_dir.join("extra.txt").exists(),
        "the fork's files are its own"
    );
    // The fork's agent works in the fork's worktree.
    write_turn(&server, &fork, "forked.txt", "in the fork").await;
    assert!(!dir.join("forked.txt").exists(), "not in the source chat");
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_undo_redo_and_fork_requests_are_refused_and_change_nothing() {
    let server = TestServer::start(&[]).await;
    server.wait_ready().await;
    let fixtures = common::TempDir::new();
    let remote = Remote::create(fixtures.path(), "remote");
    let chat = NewChat::make(&server, &remote.url()).await;
    let dir = Path::new(&chat.worktree).to_path_buf();
    write_turn(&server, &chat, "notes.txt", "kept").await;
    let transcript_now = transcript(&server, &chat).await;
    let messages = transcript_now["messages"].as_array().expect("messages");
    let user = messages
        .iter()
        .find(|m| m["info"]["role"] == "user")
        .expect("user");
    let user = user["info"]["id"].as_str().expect("id").to_owned();
    let reply = messages
        .iter()
        .find(|m| m["info"]["role"] == "assistant")
        .expect("reply");
    let reply = reply["info"]["id"].as_str().expect("id").to_owned();

    let mut unknown_chat = chat.form().to_vec();
    unknown_chat[1] = ("chat_id", "zzzzzzzz");
    unknown_chat.push(("message_id", &user));
    let mut remote_chat = unknown_chat.clone();
    remote_chat[0] = ("repo", "@nowhere");
    remote_chat[1] = ("chat_id", &chat.session);
    let cases: Vec<Case> = vec![
        (
            "undo_from",
            message_form(&chat, "not-a-message"),
            400,
            "not a message id",
        ),
        (
            "undo_from",
            message_form(&chat, "msg_nosuchmessage1"),
            404,
            "not one of your messages",
        ),
        (
            "undo_from",
            message_form(&chat, &reply),
            404,
            "not one of your messages",
        ),
        ("undo_from", unknown_chat.clone(), 404, "zzzzzzzz"),
        (
            "fork_chat",
            message_form(&chat, "msg_nosuchmessage1"),
            404,
            "not one of your messages",
        ),
        ("fork_chat", unknown_chat.clone(), 404, "zzzzzzzz"),
        ("fork_chat", remote_chat, 400, "local chats only"),
        (
            "redo_undone",
            chat.form().to_vec(),
            409,
            "nothing is undone",
        ),
    ];
    for (function, form, status, says) in cases {
        let (got, body) = call(&server, function, &form).await;
        assert_eq!(got, status, "{function} {form:?}: {body}");
        assert!(
            body.to_string().contains(says),
            "{function} {form:?}: {body}"
        );
    }
    let path = |what: &str| format!("/admin/worktrees/{}/{}/{what}", chat.repo, chat.chat_id);
    let bad = json!({ "message_id": "msg_nosuchmessage1" });
    let (status, body) = admin(&server, "POST", &path("undo"), Some(bad.clone())).await;
    assert_eq!(status, 404, "{body}");
    let (status, body) = admin(
        &server,
        "POST",
        &path("fork"),
        Some(json!({"message_id": "x"})),
    )
    .await;
    assert_eq!(status, 400, "{body}");
    let (status, body) = admin(&server, "POST", &path("undo"), None).await;
    assert!((400..500).contains(&status), "{status} {body}");

    // While the agent works, undo and fork wait: 409.
    let mut form = chat.form().to_vec();
    form.push(("text", "[scenario:slow chunks=120 ms=250] keep busy"));
    let (status, body) = call(&server, "send_prompt", &form).await;
    assert_eq!(status, 200, "{body}");
    eventually("the slow reply runs", || async {
        transcript(&server, &chat).await["busy"] == true
    })
    .await;
    let (status, body) = call(&server, "undo_from", &message_form(&chat, &user)).await;
    assert_eq!(status, 409, "{body}");
    let (status, body) = call(&server, "fork_chat", &message_form(&chat, &user)).await;
    assert_eq!(status, 409, "{body}");
    let (status, body) = call(&server, "abort_session", &chat.form()).await;
    assert_eq!(status, 200, "{body}");

    // Nothing changed: the file, the session, the chats.
    assert_eq!(read(&dir.join("notes.txt")).as_deref(), Some("kept"));
    assert_eq!(
        transcript(&server, &chat).await["session"]["revert"],
        Value::Null
    );
    let (_, chats) = call(&server, "list_chats", &[]).await;
    let count = chats.to_string().matches("\"chat_id\"").count();
    assert_eq!(count, 1, "{chats}");
    server.stop().await;
}
