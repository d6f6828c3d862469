//! The shared live browser end to end: a real headless Chromium per chat,
//! the real `@playwright/mcp` registered in that chat's opencode, the
//! scripted model calling its tools, and a Browser panel client over
//! pocketcode's WebSocket watching frames and tapping, typing, scrolling
//! and navigating on the same page.

mod common;

use common::TestServer;
use common::browser_chat::{chat_form, group_alive, opencode_mcp, prompt_until, until_group_gone};
use common::git_fixture::Remote;
use common::http::{NewChat, call};
use common::panel::{Panel, TestPages};
use pocketcode::model::browser::{BrowserStatus, ClientMessage};

const RED: (u8, u8, u8) = (200, 30, 30);
const GREEN: (u8, u8, u8) = (30, 160, 60);
const BLUE: (u8, u8, u8) = (20, 40, 200);
const YELLOW: (u8, u8, u8) = (240, 200, 0);

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
    panel.phone_viewport(1.0).await;

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
