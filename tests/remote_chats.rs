//! A connected remote as another backend, end to end over a real sshd on
//! loopback and a real second `opencode serve` (the "remote", with its own
//! scripted model): its sessions join the chat list marked with the
//! connection, open and stream through pocketcode's one event stream, take
//! prompts; new chats start in a directory on it; disconnecting ends the
//! tunnel and takes its chats out of the list.

mod common;

use std::time::Instant;

use common::TestServer;
use common::http::call;
use common::remote_opencode::RemoteOpencode;
use common::sshd::Sshd;
use common::worktree_chats::DEADLINE;
use futures::StreamExt;
use serde_json::Value;

#[tokio::test]
async fn a_remotes_chats_list_open_stream_and_take_prompts_through_the_tunnel() {
    let sshd = Sshd::start();
    let remote = RemoteOpencode::start().await;
    let project = remote.project("webapp");
    let existing = remote.create_session(&project).await;
    let known_hosts = sshd.known_hosts.display().to_string();
    let server = TestServer::start(&["--ssh-known-hosts", &known_hosts]).await;
    server.wait_ready().await;

    let (port, key, remote_port) = (
        sshd.port.to_string(),
        sshd.key.display().to_string(),
        remote.port.to_string(),
    );
    let (status, saved) = call(
        &server,
        "save_connection",
        &[
            ("name", "devbox"),
            ("host", "127.0.0.1"),
            ("port", &port),
            ("user", &sshd.user),
            ("identity_file", &key),
            ("remote_port", &remote_port),
        ],
    )
    .await;
    assert_eq!(status, 200, "{saved}");

    // Not connected yet: its chats are unavailable, and say what to do.
    let repo = "@devbox";
    let open = [("repo", repo), ("chat_id", existing.id.as_str())];
    let (status, body) = call(&server, "open_chat", &open).await;
    assert_eq!(status, 503, "{body}");
    assert!(body.to_string().contains("Connections page"), "{body}");

    let mut stream = common::sse::client_stream(&server, None).await;
    // This remote opencode has no password: used once the user accepts that.
    let (status, state) = call(&server, "connect", &[("name", "devbox")]).await;
    assert_eq!(state["kind"], "Open", "{status} {state}\n{}", sshd.log());
    let (status, state) = call(&server, "use_open_connection", &[("name", "devbox")]).await;
    assert_eq!(
        state["state"],
        "connected",
        "{status} {state}\n{}",
        sshd.log()
    );
    let local_port = state["local_port"].as_u64().expect("local port") as u16;
    // Each step reached the tabs live, as a resync of the remote's chats.
    let mut steps = Vec::new();
    while !steps
        .iter()
        .any(|s: &String| s.starts_with("connection devbox: Connected"))
    {
        let (_, item) = tokio::time::timeout(DEADLINE, stream.next())
            .await
            .expect("the steps stream in time")
            .expect("the stream stays open");
        if item["kind"] == "resync" && item["directory"] == repo {
            steps.push(item["reason"].as_str().unwrap_or_default().to_owned());
        }
    }
    assert!(steps[0].ends_with("Connecting"), "{steps:?}");
    assert!(
        steps.iter().any(|s| s.ends_with("Discovering")),
        "{steps:?}"
    );

    // The remote's session is in the chat list, marked with the connection.
    let (status, chats) = call(&server, "list_chats", &[]).await;
    assert_eq!(status, 200, "{chats}");
    let listed = find_chat(&chats, &existing.id).expect("the remote's chat is listed");
    assert_eq!(listed["worktree"]["repo"], repo);
    assert_eq!(listed["worktree"]["path"], project.display().to_string());

    // It opens like a local chat.
    let (status, opened) = call(&server, "open_chat", &open).await;
    assert_eq!(status, 200, "{opened}");
    assert_eq!(opened["chat"]["worktree"]["repo"], repo);
    assert_eq!(
        opened["transcript"]["session"]["directory"],
        project.display().to_string()
    );

    // A prompt through pocketcode streams back on pocketcode's own stream,
    // filed under `@devbox:<directory>`.
    let filed = format!("@devbox:{}", project.display());
    let (status, body) = call(
        &server,
        "send_prompt",
        &[
            ("repo", repo),
            ("chat_id", &existing.id),
            ("session_id", &existing.id),
            ("text", "hello from the phone"),
        ],
    )
    .await;
    assert_eq!(status, 200, "{body}");
    let deadline = Instant::now() + DEADLINE;
    let mut streamed = String::new();
    let mut idle = false;
    while !idle {
        let left = deadline.saturating_duration_since(Instant::now());
        let (_, item) = tokio::time::timeout(left, stream.next())
            .await
            .expect("the answer streams in time")
            .expect("the stream stays open");
        if item["kind"] != "event" || item["directory"] != filed.as_str() {
            continue;
        }
        let event = &item["event"];
        match event["type"].as_str() {
            Some("message.part.delta") => {
                streamed.push_str(event["properties"]["delta"].as_str().unwrap_or_default());
            }
            Some("session.idle") => idle = true,
            _ => {}
        }
    }
    assert!(streamed.contains("hello from the phone"), "{streamed}");
    let (status, transcript) = call(
        &server,
        "get_transcript",
        &[
            ("repo", repo),
            ("chat_id", &existing.id),
            ("session_id", &existing.id),
        ],
    )
    .await;
    assert_eq!(status, 200, "{transcript}");
    assert!(transcript.to_string().contains("hello from the phone"));
    let (_, summaries) = call(&server, "chat_summaries", &[]).await;
    let summary = summaries
        .as_array()
        .and_then(|s| s.iter().find(|c| c["session_id"] == existing.id.as_str()))
        .expect("the remote chat has a live summary");
    assert_eq!(summary["directory"], filed.as_str());

    // A new chat in a directory on the remote; bad directories change nothing.
    let other = remote.project("api");
    for (directory, status_wanted, says) in [
        ("relative/path", 400, "absolute"),
        ("/srv/../etc", 400, ".."),
        ("/no/such/dir/anywhere", 400, "no directory"),
    ] {
        let (status, body) = call(
            &server,
            "new_remote_chat",
            &[("connection", "devbox"), ("directory", directory)],
        )
        .await;
        assert_eq!(status, status_wanted, "{directory}: {body}");
        assert!(body.to_string().contains(says), "{directory}: {body}");
    }
    let (status, body) = call(
        &server,
        "new_remote_chat",
        &[("connection", "nowhere"), ("directory", "/tmp")],
    )
    .await;
    assert_eq!(status, 404, "{body}");
    let other_path = other.display().to_string();
    let (status, made) = call(
        &server,
        "new_remote_chat",
        &[("connection", "devbox"), ("directory", &other_path)],
    )
    .await;
    assert_eq!(status, 200, "{made}");
    assert_eq!(made["worktree"]["repo"], repo);
    assert_eq!(made["worktree"]["path"], other_path.as_str());
    let made_id = made["session_id"].as_str().expect("session id").to_owned();
    let (_, chats) = call(&server, "list_chats", &[]).await;
    assert!(find_chat(&chats, &made_id).is_some(), "{chats}");

    // Git features are for local chats only; unknown sessions are 404s.
    let (status, body) = call(
        &server,
        "diff_stat",
        &[("repo", repo), ("chat_id", &made_id)],
    )
    .await;
    assert_eq!(status, 400, "{body}");
    assert!(body.to_string().contains("local chats only"), "{body}");
    let (status, _) = call(
        &server,
        "open_chat",
        &[("repo", repo), ("chat_id", "ses_nosuchsession")],
    )
    .await;
    assert_eq!(status, 404);

    // Deleting a remote chat deletes its session there, nothing else.
    let (status, body) = call(
        &server,
        "delete_chat",
        &[("repo", repo), ("chat_id", &made_id)],
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(remote.session_status(&made_id).await, 404);
    assert!(other.is_dir(), "the remote's directory stays");

    // Disconnected: the tunnel is gone, and so are its chats from the list.
    let (status, _) = call(&server, "disconnect", &[("name", "devbox")]).await;
    assert_eq!(status, 200);
    assert!(
        tokio::net::TcpStream::connect(("127.0.0.1", local_port))
            .await
            .is_err(),
        "the forward still listens after disconnect"
    );
    let (_, chats) = call(&server, "list_chats", &[]).await;
    assert!(find_chat(&chats, &existing.id).is_none(), "{chats}");
    let (status, _) = call(&server, "open_chat", &open).await;
    assert_eq!(status, 503);

    server.stop().await;
    remote.stop().await;
    drop(sshd);
}

fn find_chat<'a>(chats: &'a Value, session: &str) -> Option<&'a Value> {
    chats
        .as_array()?
        .iter()
        .find(|chat| chat["session_id"] == session)
}
