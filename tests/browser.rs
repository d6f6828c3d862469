//! The shared live browser end to end: a real headless Chromium per chat,
//! the real `@playwright/mcp` registered in that chat's opencode, the
//! scripted model calling its tools, and a Browser panel client over
//! pocketcode's WebSocket watching frames and tapping, typing, scrolling
//! and navigating on the same page.

mod common;

use std::time::Duration;

use common::TestServer;
use common::git_fixture::Remote;
use common::http::{NewChat, call};
use common::panel::{Panel, Received, TestPages};
use pocketcode::browser::{BrowserStatus, ClientMessage};
use serde_json::Value;

const RED: (u8, u8, u8) = (200, 30, 30);
const GREEN: (u8, u8, u8) = (30, 160, 60);
const BLUE: (u8, u8, u8) = (20, 40, 200);
const YELLOW: (u8, u8, u8) = (240, 200, 0);

/// Sends `text` as a prompt and waits for the transcript to hold `needle`.
async fn prompt_until(server: &TestServer, chat: &NewChat, text: &str, needle: &str) -> Value {
    let mut form = chat.form().to_vec();
    form.push(("text", text));
    let (status, body) = call(server, "send_prompt", &form).await;
    assert_eq!(status, 200, "{body}");
    let deadline = tokio::time::Instant::now() + common::READY;
    loop {
        let (status, transcript) = call(server, "get_transcript", &chat.form()).await;
        assert_eq!(status, 200, "{transcript}");
        if transcript.to_string().contains(needle) {
            return transcript;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "no {needle:?} in {transcript}"
        );
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
}

fn chat_form(chat: &NewChat) -> [(&str, &str); 2] {
    [
        ("repo", chat.repo.as_str()),
        ("chat_id", chat.chat_id.as_str()),
    ]
}

async fn opencode_mcp(server: &TestServer, dir: &str) -> Value {
    let upstream = server.wait_ready().await;
    upstream
        .request(&reqwest::Client::new(), reqwest::Method::GET, "/mcp")
        .header("x-opencode-directory", dir)
        .send()
        .await
        .expect("GET /mcp")
        .json()
        .await
        .expect("MCP statuses")
}

/// Whether any process is left in the process group `pgid`.
fn group_alive(pgid: u32) -> bool {
    nix::sys::signal::killpg(nix::unistd::Pid::from_raw(pgid as i32), None).is_ok()
}

async fn until_group_gone(pgid: u32) {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(15);
    while group_alive(pgid) {
        assert!(
            tokio::time::Instant::now() < deadline,
            "Chromium's processes (group {pgid}) are still running"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn agent_and_user_act_on_one_browser_per_chat() {
    let pages = TestPages::start().await;
    let server = TestServer::start(&["--max-browsers", "1"]).await;
    server.wait_ready().await;
    let fixtures = common::TempDir::new();
    let remote = Remote::create(fixtures.path(), "remote");
    let chat = NewChat::make(&server, &remote.url()).await;
    let other = NewChat::make(&server, &remote.url()).await;

    // Stopped until started: the panel's socket says so.
    let (status, state) = call(&server, "browser_state", &chat_form(&chat)).await;
    assert_eq!(
        (status, state["state"].as_str()),
        (200, Some("stopped")),
        "{state}"
    );
    let (status, body) = Panel::refused(&server, &chat.repo, &chat.chat_id).await;
    assert_eq!(status, 409, "{body}");
    assert!(body.contains("start it"), "{body}");

    let (status, state) = call(&server, "start_browser", &chat_form(&chat)).await;
    assert_eq!(status, 200, "{state}");
    let pid = state["pid"].as_u64().expect("a running browser's pid") as u32;
    assert!(group_alive(pid));

    // The agent's browser tools are in the chat's opencode instance.
    let mcp = opencode_mcp(&server, &chat.worktree).await;
    assert_eq!(mcp["playwright"]["status"], "connected", "{mcp}");

    // One browser at a time here: the other chat is refused, clearly.
    let (status, body) = call(&server, "start_browser", &chat_form(&other)).await;
    assert_eq!(status, 409, "{body}");
    assert!(body.to_string().contains("--max-browsers"), "{body}");

    let mut panel = Panel::open(&server, &chat.repo, &chat.chat_id).await;
    panel
        .until("running", |p| {
            matches!(p.status, Some(BrowserStatus::Running { .. }))
        })
        .await;
    panel
        .send(&ClientMessage::Viewport {
            width: 390,
            height: 700,
            ratio: 1.0,
        })
        .await;

    // The agent opens the page; the panel shows it.
    let first = pages.url("/");
    let navigate =
        format!("[scenario:tool name=playwright_browser_navigate args={{\"url\":\"{first}\"}}]");
    prompt_until(
        &server,
        &chat,
        &navigate,
        "playwright_browser_navigate tool returned",
    )
    .await;
    panel.until("the first page", |p| p.url == first).await;
    let frame = panel
        .frame_where("the red button", |f| f.shows(20.0, 100.0, RED))
        .await;
    assert!(frame.header.page_width > 300.0, "{:?}", frame.header);
    assert_eq!(panel.title, "Shared page");

    // The other chat's agent has its own browser (refused here: the cap),
    // never this one.
    let elsewhere = format!(
        "[scenario:tool name=playwright_browser_navigate args={{\"url\":\"{}\"}}]",
        pages.url("/second")
    );
    prompt_until(
        &server,
        &other,
        &elsewhere,
        "playwright_browser_navigate tool returned",
    )
    .await;
    let (_, state) = call(&server, "browser_state", &chat_form(&other)).await;
    assert_eq!(state["state"], "stopped", "{state}");
    let (_, state) = call(&server, "browser_state", &chat_form(&chat)).await;
    assert_eq!(state["pid"].as_u64(), Some(u64::from(pid)), "{state}");

    // The user taps the button; the agent's next snapshot sees it.
    panel.send(&ClientMessage::Tap { x: 195.0, y: 100.0 }).await;
    panel
        .frame_where("the tapped (green) button", |f| f.shows(20.0, 100.0, GREEN))
        .await;
    prompt_until(
        &server,
        &chat,
        "[scenario:tool name=playwright_browser_snapshot]",
        "Clicked 1",
    )
    .await;
    assert_eq!(panel.url, first, "another chat's agent moved this browser");

    // Typing into the field, Enter included.
    panel.send(&ClientMessage::Tap { x: 195.0, y: 230.0 }).await;
    panel
        .send(&ClientMessage::Text {
            text: "hello phone".into(),
        })
        .await;
    panel
        .until("typed text", |p| p.url.ends_with("#typed=hello%20phone"))
        .await;
    panel
        .send(&ClientMessage::Key {
            key: "Enter".into(),
        })
        .await;
    panel
        .until("Enter", |p| p.url.ends_with("#entered=hello%20phone"))
        .await;

    // A link to a new window opens in the same page (the one shown).
    let second = pages.url("/second");
    panel.send(&ClientMessage::Tap { x: 195.0, y: 280.0 }).await;
    panel
        .until("the linked page, in the same tab", |p| p.url == second)
        .await;
    panel.send(&ClientMessage::Back).await;
    panel
        .until("back from the link", |p| {
            p.url.starts_with(&first) && p.url != second
        })
        .await;

    // Scrolling down to the blue block.
    panel
        .send(&ClientMessage::Scroll {
            x: 195.0,
            y: 350.0,
            dx: 0.0,
            dy: 2500.0,
        })
        .await;
    panel
        .frame_where("the blue block", |f| f.shows(195.0, 350.0, BLUE))
        .await;

    // The URL bar, back and forward.
    panel
        .send(&ClientMessage::Navigate {
            url: second.clone(),
        })
        .await;
    panel.until("the second page", |p| p.url == second).await;
    panel
        .frame_where("the yellow page", |f| f.shows(195.0, 350.0, YELLOW))
        .await;
    panel.send(&ClientMessage::Back).await;
    panel
        .until("back on the first page", |p| {
            p.url.starts_with(&first) && p.url != second
        })
        .await;
    panel.send(&ClientMessage::Forward).await;
    panel
        .until("forward to the second page", |p| p.url == second)
        .await;
    panel
        .send(&ClientMessage::Navigate {
            url: "javascript:alert(1)".into(),
        })
        .await;
    panel
        .until("a refused address", |p| !p.errors.is_empty())
        .await;
    assert!(
        panel.errors[0].contains("not a web address"),
        "{:?}",
        panel.errors
    );

    // Chromium dies: the panel hears it, the state says so, a restart works.
    nix::sys::signal::killpg(
        nix::unistd::Pid::from_raw(pid as i32),
        nix::sys::signal::Signal::SIGKILL,
    )
    .expect("kill Chromium");
    panel
        .until("crashed", |p| {
            matches!(p.status, Some(BrowserStatus::Crashed { .. }))
        })
        .await;
    let (_, state) = call(&server, "browser_state", &chat_form(&chat)).await;
    assert_eq!(state["state"], "crashed", "{state}");
    assert!(
        state["message"].as_str().unwrap_or("").contains("signal 9"),
        "{state}"
    );
    // A crashed browser does not count against the cap, and a start cleans it up.
    let (status, state) = call(&server, "start_browser", &chat_form(&chat)).await;
    assert_eq!(status, 200, "{state}");
    let restarted = state["pid"].as_u64().expect("pid") as u32;
    assert_ne!(restarted, pid);
    let mut panel = Panel::open(&server, &chat.repo, &chat.chat_id).await;
    panel
        .send(&ClientMessage::Navigate {
            url: second.clone(),
        })
        .await;
    panel
        .frame_where("the yellow page after the restart", |f| {
            f.shows(100.0, 100.0, YELLOW)
        })
        .await;
    let mcp = opencode_mcp(&server, &chat.worktree).await;
    assert_eq!(mcp["playwright"]["status"], "connected", "{mcp}");

    // Deleting the chat ends its browser: no process of it is left.
    let mut form = chat_form(&chat).to_vec();
    form.push(("force", "true"));
    let (status, body) = call(&server, "delete_chat", &form).await;
    assert_eq!(status, 200, "{body}");
    until_group_gone(restarted).await;
    panel
        .until("stopped", |p| {
            matches!(p.status, Some(BrowserStatus::Stopped))
        })
        .await;
    let (status, _) = call(&server, "browser_state", &chat_form(&chat)).await;
    assert_eq!(status, 404);
    server.stop().await;
}

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
        .get(server.url(pocketcode::browser::SOCKET_PATH))
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
    panel
        .send(&ClientMessage::Viewport {
            width: 390,
            height: 700,
            ratio: 1.0,
        })
        .await;
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
    let server = TestServer::start(&["--browser-idle-seconds", "3"]).await;
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
    tokio::time::sleep(Duration::from_secs(6)).await;
    assert!(group_alive(pid), "stopped while a panel watched it");
    drop(panel);

    // Nobody watching: it stops by itself, the whole group.
    until_group_gone(pid).await;
    let (_, state) = call(&server, "browser_state", &chat_form(&chat)).await;
    assert_eq!(state["state"], "stopped", "{state}");
    server.stop().await;
}
