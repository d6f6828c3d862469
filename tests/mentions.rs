//! Slash commands and `@` file mentions over plain HTTP, with a real
//! opencode and the scripted model: the command list holds the project's
//! own command (once the repo is trusted), a prompt starting with it runs it (its template reaches the
//! model), the file search finds the repo's files, and a mentioned file's
//! content reaches the model; bad searches and bad mentions are 4xx with a
//! message and send nothing.

mod common;

use std::time::Duration;

use common::TestServer;
use common::http::{NewChat, call};
use common::mentions::{
    SECRET, repo_with_command_and_file, sent_file, transcript, trust, wait_for_reply,
};
use serde_json::Value;

async fn send(server: &TestServer, chat: &NewChat, text: &str, files: &str) -> (u16, Value) {
    let mut form = chat.form().to_vec();
    form.extend([("text", text), ("files", files)]);
    call(server, "send_prompt", &form).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_projects_command_is_listed_and_runs_and_a_mentioned_file_reaches_the_model() {
    let server = TestServer::start(&[]).await;
    server.wait_ready().await;
    let fixtures = common::TempDir::new();
    let remote = repo_with_command_and_file(fixtures.path());
    let chat = NewChat::make(&server, &remote.url()).await;
    let names = [
        ("repo", chat.repo.as_str()),
        ("chat_id", chat.chat_id.as_str()),
    ];

    // Untrusted, the repo's own config (its commands too) is set aside.
    let (status, commands) = call(&server, "list_commands", &names).await;
    assert_eq!(status, 200, "{commands}");
    assert!(
        !commands.to_string().contains("greet-zoo"),
        "an untrusted repo's command is not offered: {commands}"
    );
    trust(&server, &chat).await;
    let (status, commands) = call(&server, "list_commands", &names).await;
    assert_eq!(status, 200, "{commands}");
    let greet = commands
        .as_array()
        .expect("a list")
        .iter()
        .find(|c| c["name"] == "greet-zoo")
        .unwrap_or_else(|| panic!("the project's command is listed: {commands}"));
    assert_eq!(greet["description"], "Greet the zoo's animals");
    assert!(
        commands
            .as_array()
            .expect("a list")
            .iter()
            .any(|c| c["name"] == "init"),
        "opencode's own commands too: {commands}"
    );

    let mut search = names.to_vec();
    search.push(("query", "zebra"));
    let (status, found) = call(&server, "find_files", &search).await;
    assert_eq!(status, 200, "{found}");
    assert_eq!(found[0], "notes/zebra_facts.txt", "{found}");

    // The command runs as opencode runs commands: its template is the turn.
    let (status, body) = send(&server, &chat, "/greet-zoo Zara and Zed", "").await;
    assert_eq!(status, 200, "{body}");
    wait_for_reply(&server, &chat, "greet the zoo animals named Zara and Zed").await;

    // The file goes as a file part: opencode reads it for the model.
    let text = "what is in @notes/zebra_facts.txt?";
    let (status, body) = send(&server, &chat, text, "notes/zebra_facts.txt").await;
    assert_eq!(status, 200, "{body}");
    let transcript = wait_for_reply(&server, &chat, SECRET).await;
    assert!(
        sent_file(&transcript, "notes/zebra_facts.txt"),
        "the user message holds the file part: {transcript}"
    );
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_searches_and_mentions_are_refused_and_send_nothing() {
    let server = TestServer::start(&[]).await;
    server.wait_ready().await;
    let fixtures = common::TempDir::new();
    let remote = repo_with_command_and_file(fixtures.path());
    let chat = NewChat::make(&server, &remote.url()).await;
    // A file outside the worktree, reachable by a symlink inside it.
    let outside = fixtures.path().join("outside.txt");
    std::fs::write(&outside, "not yours\n").expect("write");
    std::os::unix::fs::symlink(
        &outside,
        std::path::Path::new(&chat.worktree).join("link.txt"),
    )
    .expect("symlink");

    let long = "x".repeat(201);
    for (query, why) in [
        ("", "empty"),
        ("   ", "empty"),
        ("a\0b", "one line"),
        (long.as_str(), "too long"),
    ] {
        let form = [
            ("repo", chat.repo.as_str()),
            ("chat_id", chat.chat_id.as_str()),
            ("query", query),
        ];
        let (status, body) = call(&server, "find_files", &form).await;
        assert_eq!(status, 400, "{query:?}: {body}");
        assert!(body.to_string().contains(why), "{query:?}: {body}");
    }
    for function in ["find_files", "list_commands"] {
        let form = [
            ("repo", chat.repo.as_str()),
            ("chat_id", "deadbeef"),
            ("query", "x"),
        ];
        let (status, body) = call(&server, function, &form).await;
        assert_eq!(status, 404, "{function}: {body}");
        let form = [
            ("repo", "../etc"),
            ("chat_id", chat.chat_id.as_str()),
            ("query", "x"),
        ];
        let (status, body) = call(&server, function, &form).await;
        assert_eq!(status, 400, "{function}: {body}");
    }

    let before = transcript(&server, &chat).await["messages"].clone();
    for (files, why) in [
        ("../remote-work/README.md", "inside the chat's worktree"),
        ("/etc/passwd", "inside the chat's worktree"),
        ("notes/missing.txt", "no file"),
        ("notes", "not a file"),
        ("link.txt", "outside the chat's worktree"),
        ("a\u{1}b", "control characters"),
    ] {
        let (status, body) = send(&server, &chat, "read it", files).await;
        assert_eq!(status, 400, "{files:?}: {body}");
        assert!(body.to_string().contains(why), "{files:?}: {body}");
    }
    let too_many = vec!["notes/zebra_facts.txt"; 21].join("\n");
    let (status, body) = send(&server, &chat, "read them", &too_many).await;
    assert_eq!(status, 400, "{body}");
    assert!(body.to_string().contains("too many files"), "{body}");
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(
        transcript(&server, &chat).await["messages"],
        before,
        "nothing was sent"
    );

    // A slash that names no command is a plain prompt.
    let (status, body) = send(&server, &chat, "/nosuch-command hello", "").await;
    assert_eq!(status, 200, "{body}");
    wait_for_reply(&server, &chat, "You said: \"/nosuch-command hello\"").await;
    server.stop().await;
}
