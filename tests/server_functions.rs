//! pocketcode's server functions over plain HTTP: a chat in a real git
//! worktree through a real opencode, the resources page's functions, and
//! bad input answered with a 4xx and a message while nothing changes.

mod common;

use common::TestServer;
use common::git_fixture::Remote;
use common::http::{NewChat, call};
use serde_json::Value;

/// Chat `chat` of `repo` with session `session` as a form.
fn chat_form<'a>(repo: &'a str, chat: &'a str, session: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![("repo", repo), ("chat_id", chat), ("session_id", session)]
}

async fn messages(server: &TestServer, repo: &str, chat: &str, session: &str) -> Value {
    let (status, transcript) =
        call(server, "get_transcript", &chat_form(repo, chat, session)).await;
    assert_eq!(status, 200, "{transcript}");
    transcript["messages"].clone()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_chat_is_opened_prompted_and_bad_input_is_refused() {
    let server = TestServer::start(&[]).await;
    server.wait_ready().await;
    let fixtures = common::TempDir::new();
    let remote = Remote::create(fixtures.path(), "remote");

    let NewChat {
        repo,
        chat_id,
        session,
        worktree,
    } = NewChat::make(&server, &remote.url()).await;
    assert_eq!(repo, "local/remote");

    // Opened: the chat with its (empty) transcript, bound to the worktree.
    let (status, opened) = call(
        &server,
        "open_chat",
        &[("repo", &repo), ("chat_id", &chat_id)],
    )
    .await;
    assert_eq!(status, 200, "{opened}");
    assert_eq!(opened["chat"]["session_id"], session.as_str());
    assert_eq!(
        opened["transcript"]["session"]["directory"],
        worktree.as_str()
    );
    assert_eq!(opened["transcript"]["messages"], serde_json::json!([]));

    // Bad names and unknown chats never reach git or opencode.
    for (bad_repo, bad_chat, expected) in [
        ("../etc", chat_id.as_str(), 400),
        ("local/..", chat_id.as_str(), 400),
        ("-x/y", chat_id.as_str(), 400),
        ("local/remote/extra", chat_id.as_str(), 400),
        (repo.as_str(), "../../x", 400),
        (repo.as_str(), "", 400),
        (repo.as_str(), "zzzzzz", 404),
        ("local/other", chat_id.as_str(), 404),
    ] {
        let form = [("repo", bad_repo), ("chat_id", bad_chat)];
        let (status, body) = call(&server, "open_chat", &form).await;
        assert_eq!(status, expected, "open_chat {form:?}: {body}");
        let (status, body) = call(
            &server,
            "get_transcript",
            &chat_form(bad_repo, bad_chat, &session),
        )
        .await;
        assert_eq!(status, expected, "get_transcript {form:?}: {body}");
        let (status, body) = call(
            &server,
            "abort_session",
            &chat_form(bad_repo, bad_chat, &session),
        )
        .await;
        assert_eq!(status, expected, "abort_session {form:?}: {body}");
    }
    // Arguments that do not decode are the caller's mistake too: a 400 that says why.
    for (function, form) in [
        (
            "delete_chat",
            vec![
                ("repo", repo.as_str()),
                ("chat_id", chat_id.as_str()),
                ("force", "maybe"),
            ],
        ),
        (
            "get_transcript",
            vec![("repo", repo.as_str()), ("chat_id", chat_id.as_str())],
        ),
    ] {
        let (status, body) = call(&server, function, &form).await;
        assert_eq!(status, 400, "{function} {form:?}: {body}");
        assert!(body.to_string().contains("could not be read"), "{body}");
    }
    // Malformed session ids, one opencode does not know, and one of another chat.
    for bad in ["../../etc/passwd", "ses_../x", "", "ses_", "--help"] {
        let (status, body) =
            call(&server, "get_transcript", &chat_form(&repo, &chat_id, bad)).await;
        assert_eq!(status, 400, "{bad:?}: {body}");
        assert!(body.to_string().contains("not a session id"), "{body}");
    }
    let (status, body) = call(
        &server,
        "get_transcript",
        &chat_form(&repo, &chat_id, "ses_unknown0000"),
    )
    .await;
    assert_eq!(status, 404, "{body}");
    let (status, other) = call(&server, "new_chat", &[("repo", &repo)]).await;
    assert_eq!(status, 200, "{other}");
    let other_session = other["session_id"].as_str().expect("session");
    for function in ["get_transcript", "abort_session"] {
        let (status, body) = call(
            &server,
            function,
            &chat_form(&repo, &chat_id, other_session),
        )
        .await;
        assert_eq!(
            status, 404,
            "{function} with another chat's session: {body}"
        );
        assert!(
            body.to_string().contains("does not belong to this chat"),
            "{body}"
        );
    }

    // Empty, oversized and misdirected prompts are refused; the chat stays empty.
    let huge = "x".repeat(100_001);
    for (text, target, expected) in [
        ("   ", session.as_str(), "empty"),
        (huge.as_str(), session.as_str(), "too long"),
        ("hi", other_session, "does not belong"),
    ] {
        let mut form = chat_form(&repo, &chat_id, target);
        form.push(("text", text));
        let (status, body) = call(&server, "send_prompt", &form).await;
        assert!((400..500).contains(&status), "{status}: {body}");
        assert!(body.to_string().contains(expected), "{body}");
    }
    assert_eq!(
        messages(&server, &repo, &chat_id, &session).await,
        serde_json::json!([])
    );

    // A real prompt: the scripted answer lands in this chat's transcript.
    let mut form = chat_form(&repo, &chat_id, &session);
    form.push(("text", "ping from a test"));
    let (status, body) = call(&server, "send_prompt", &form).await;
    assert_eq!(status, 200, "{body}");
    let deadline = tokio::time::Instant::now() + common::READY;
    loop {
        let messages = messages(&server, &repo, &chat_id, &session).await;
        if messages
            .to_string()
            .contains("You said: \\\"ping from a test\\\"")
        {
            break;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "no reply: {messages}"
        );
        tokio::time::sleep(std::time::Duration::from_millis(250)).await;
    }
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_resources_functions_report_and_refuse_what_they_must() {
    let server = TestServer::start(&[]).await;
    server.wait_ready().await;
    let fixtures = common::TempDir::new();
    let remote = Remote::create(fixtures.path(), "widgets");
    let (status, chat) = call(&server, "new_chat", &[("repo", &remote.url())]).await;
    assert_eq!(status, 200, "{chat}");
    let chat_id = chat["worktree"]["chat_id"].as_str().expect("chat id");

    let (status, disk) = call(&server, "disk_usage", &[]).await;
    assert_eq!(status, 200, "{disk}");
    assert!(disk["data_bytes"].as_u64().unwrap_or(0) > 0, "{disk}");
    let worktree = format!("local/widgets/{chat_id}");
    assert!(
        disk["worktrees"]
            .as_array()
            .expect("worktrees")
            .iter()
            .any(|w| w["name"] == worktree.as_str()),
        "{disk}"
    );

    // A fresh chat is not garbage; the dry run removes nothing.
    let (status, report) = call(&server, "collect_garbage", &[("dry_run", "true")]).await;
    assert_eq!(status, 200, "{report}");
    assert_eq!(report["dry_run"], true);
    assert_eq!(report["removed"], serde_json::json!([]), "{report}");

    let (status, orphans) = call(&server, "list_orphans", &[]).await;
    assert_eq!(status, 200, "{orphans}");
    assert!(orphans.is_array(), "{orphans}");

    // Killing: not a number, PID 1, pocketcode itself, a process that is not
    // an orphan (the test's parent), one that does not exist: refused.
    let own = std::process::id().to_string();
    let parent = std::os::unix::process::parent_id().to_string();
    for (pid, expected) in [
        ("abc", 400),
        ("-1", 400),
        ("1", 400),
        (own.as_str(), 400),
        (parent.as_str(), 403),
        ("4000000", 404),
    ] {
        let (status, body) = call(&server, "kill_process", &[("pid", pid)]).await;
        assert_eq!(status, expected, "kill {pid}: {body}");
    }

    // Deleting repos: bad names, unknown, and one with chats without force.
    for (name, expected) in [("../x", 400), ("local/nope", 404), ("local/widgets", 409)] {
        let (status, body) = call(&server, "delete_repo", &[("repo", name)]).await;
        assert_eq!(status, expected, "delete {name}: {body}");
    }
    let (_, listed) = call(&server, "list_chats", &[]).await;
    assert_eq!(
        listed.as_array().map(Vec::len),
        Some(1),
        "nothing deleted: {listed}"
    );
    // With force, its chat goes too.
    let (status, body) = call(
        &server,
        "delete_repo",
        &[("repo", "local/widgets"), ("force", "true")],
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body, 1);
    let (_, listed) = call(&server, "list_chats", &[]).await;
    assert_eq!(listed, serde_json::json!([]));
    server.stop().await;
}
