//! The shared browser's limits, against a real headless Chromium and the
//! real `@playwright/mcp`: a slow panel gets the latest frame only (never a
//! queue), bad requests change nothing, a stopped browser is started again
//! by the agent's next browser call, deleting a chat any way ends its
//! browser, and one nobody watches stops after the idle time.

mod common;

use std::time::Duration;

use common::TestServer;
use common::browser_chat::{chat_form, group_alive, prompt_until, until_group_gone};
use common::git_fixture::Remote;
use common::http::{NewChat, call};
use common::panel::{Panel, Received, TestPages};
use pocketcode::model::browser::{BrowserStatus, ClientMessage};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_slow_panel_gets_the_latest_frame_only_and_bad_requests_are_refused() {
    let pages = TestPages::start().await;
    let server = TestServer::start(&[]).await;
    server.wait_ready().await;
    let fixtures = common::TempDir::new();
    let remote = Remote::create(fixtures.path(), "remote");
    let chat = NewChat::make(&server, &remote.url()).await;

    // Bad names, unknown chats and remote chats change nothing.
    for (repo, chat_id, code, says) in [
        ("../etc", "x", 400, ""),
        (chat.repo.as_str(), "../../x", 400, ""),
        (chat.repo.as_str(), "nochat", 404, "no chat"),
        ("@devbox", "ses_1", 400, "local chats only"),
    ] {
        let (status, body) = call(
            &server,
            "start_browser",
            &[("repo", repo), ("chat_id", chat_id)],
        )
        .await;
        assert_eq!(status, code, "{repo} {chat_id}: {body}");
        assert!(body.to_string().contains(says), "{body}");
        let (status, _) = Panel::refused(&server, repo, chat_id).await;
        assert!((400..500).contains(&status), "{repo} {chat_id}: {status}");
    }
    // Nothing made for them: only the real chat's directory (its agent's
    // files) may be there.
    let chat_dir = std::path::Path::new(&chat.worktree)
        .file_name()
        .expect("worktree name")
        .to_owned();
    let made: Vec<_> = std::fs::read_dir(server.data_dir.path().join("browsers"))
        .map(|dir| dir.flatten().map(|e| e.file_name()).collect())
        .unwrap_or_default();
    assert!(made.iter().all(|name| *name == chat_dir), "{made:?}");
    // Behind the login, like every /pocket/ path.
    let anonymous = server
        .anonymous
        .get(server.url(pocketcode::model::browser::SOCKET_PATH))
        .query(&[
            ("repo", chat.repo.as_str()),
            ("chat", chat.chat_id.as_str()),
        ])
        .send()
        .await
        .expect("anonymous socket request");
    assert_eq!(anonymous.status(), 401);

    let (status, state) = call(&server, "start_browser", &chat_form(&chat)).await;
    assert_eq!(status, 200, "{state}");
    let pid = state["pid"].as_u64().expect("pid") as u32;
    let mut panel = Panel::open(&server, &chat.repo, &chat.chat_id).await;
    panel.phone_viewport(1.0).await;
    panel
        .send(&ClientMessage::Navigate {
            url: pages.url("/animated"),
        })
        .await;
    let first = panel.frame_where("the animated page", |_| true).await;

    // Not acking: the page keeps changing, yet not one more frame comes.
    let Some(unacked) = (async {
        loop {
            match panel.receive(Duration::from_secs(10)).await? {
                Received::Frame(frame) => return Some(frame),
                Received::Message => {}
            }
        }
    })
    .await
    else {
        panic!("no frame after the first was acked");
    };
    let quiet = tokio::time::Instant::now() + Duration::from_secs(3);
    while tokio::time::Instant::now() < quiet {
        let left = quiet.saturating_duration_since(tokio::time::Instant::now());
        if let Some(Received::Frame(frame)) = panel.receive(left).await {
            panic!(
                "frame {} came before frame {} was acked",
                frame.header.seq, unacked.header.seq
            );
        }
    }
    // Acked: the next one is the latest, many frames later, not a backlog.
    panel
        .send(&ClientMessage::Ack {
            seq: unacked.header.seq,
        })
        .await;
    let latest = panel
        .frame_where("the frame after the pause", |_| true)
        .await;
    assert!(
        latest.header.seq > unacked.header.seq + 10,
        "expected a jump past skipped frames: {} then {}",
        unacked.header.seq,
        latest.header.seq
    );
    // Caught up: frames flow again, one per ack.
    let mut seqs = vec![first.header.seq];
    for _ in 0..10 {
        seqs.push(
            panel
                .frame_where("a flowing frame", |_| true)
                .await
                .header
                .seq,
        );
    }
    assert!(seqs.windows(2).all(|w| w[0] < w[1]), "{seqs:?}");

    // Input a browser cannot take is refused with a message.
    panel.send(&ClientMessage::Key { key: "F13".into() }).await;
    panel
        .until("an unknown key refused", |p| !p.errors.is_empty())
        .await;
    assert!(
        panel.errors[0].contains("unknown key"),
        "{:?}",
        panel.errors
    );

    // Stopping from the panel's chat ends the whole process group.
    let (status, state) = call(&server, "stop_browser", &chat_form(&chat)).await;
    assert_eq!(
        (status, state["state"].as_str()),
        (200, Some("stopped")),
        "{state}"
    );
    until_group_gone(pid).await;

    // The agent's next browser call starts it again, by itself.
    let first = pages.url("/");
    let navigate =
        format!("[scenario:tool name=playwright_browser_navigate args={{\"url\":\"{first}\"}}]");
    prompt_until(&server, &chat, &navigate, "Page URL: ").await;
    let (_, state) = call(&server, "browser_state", &chat_form(&chat)).await;
    let again = state["pid"].as_u64().expect("running again") as u32;
    assert_ne!(again, pid);
    let mut panel = Panel::open(&server, &chat.repo, &chat.chat_id).await;
    panel
        .until("the page the agent opened", |p| p.url == first)
        .await;

    // Deleted another way (the admin API; garbage collection is the same):
    // its browser ends too.
    let (owner, name) = chat.repo.split_once('/').expect("owner/name");
    let (status, body) = common::http::admin(
        &server,
        "DELETE",
        &format!(
            "/admin/worktrees/{owner}/{name}/{}?force=true",
            chat.chat_id
        ),
        None,
    )
    .await;
    assert_eq!(status, 200, "{body}");
    until_group_gone(again).await;
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_browser_nobody_watches_or_uses_is_stopped_after_the_idle_time() {
    let server = TestServer::start(&["--browser-idle-seconds", "5"]).await;
    server.wait_ready().await;
    let fixtures = common::TempDir::new();
    let remote = Remote::create(fixtures.path(), "remote");
    let chat = NewChat::make(&server, &remote.url()).await;
    let (status, state) = call(&server, "start_browser", &chat_form(&chat)).await;
    assert_eq!(status, 200, "{state}");
    let pid = state["pid"].as_u64().expect("pid") as u32;

    // Watched, it is never idle, however long the panel stays open.
    let mut panel = Panel::open(&server, &chat.repo, &chat.chat_id).await;
    panel
        .until("running", |p| {
            matches!(p.status, Some(BrowserStatus::Running { .. }))
        })
        .await;
    tokio::time::sleep(Duration::from_secs(8)).await;
    assert!(group_alive(pid), "stopped while a panel watched it");
    drop(panel);

    // Nobody watching: it stops by itself, the whole group.
    until_group_gone(pid).await;
    let (_, state) = call(&server, "browser_state", &chat_form(&chat)).await;
    assert_eq!(state["state"], "stopped", "{state}");
    server.stop().await;
}
