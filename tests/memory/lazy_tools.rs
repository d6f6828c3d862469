//! The agent's browser tools cost nothing until the agent browses: every
//! chat's agent lists them, but their `node` process (`@playwright/mcp`,
//! ~100 MB) starts at the first call, outside opencode's process tree, and
//! ends when the chat's instance is disposed; the next call starts it again.

use crate::common::TempDir;
use crate::common::browser_chat::{opencode_mcp, prompt_until};
use crate::common::git_fixture::Remote;
use crate::common::http::{NewChat, call};
use crate::common::panel::TestPages;
use crate::idle::{opencode_pid, start, until};
use crate::opencode_tree::mcp_processes;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn browser_tools_start_on_first_use_and_end_with_the_instance() {
    let _alone = crate::ONE_AT_A_TIME.lock().await;
    let pages = TestPages::start().await;
    let server = start().await;
    server.wait_ready().await;
    let fixtures = TempDir::new();
    let remote = Remote::create(fixtures.path(), "remote");
    let chat = NewChat::make(&server, &remote.url()).await;
    let pocketcode = server.pocketcode.as_ref().expect("running");
    let browsers = &pocketcode.state.browsers;
    let me = std::process::id();

    prompt_until(
        &server,
        &chat,
        "Please repeat plain",
        "You said: \\\"Please repeat plain\\\"",
    )
    .await;
    let mcp = opencode_mcp(&server, &chat.worktree).await;
    assert_eq!(mcp["playwright"]["status"], "connected", "{mcp}");
    assert_eq!(
        (browsers.tool_processes(), mcp_processes(me)),
        (0, 0),
        "a chat that never browsed runs no browser tools process"
    );

    // Needed (as by an open proxied request) until it is checked.
    let worktree = std::path::PathBuf::from(&chat.worktree);
    let hold = pocketcode.state.instances.hold(&worktree);
    let navigate = format!(
        "[scenario:tool name=playwright_browser_navigate args={{\"url\":\"{}\"}}]",
        pages.url("/")
    );
    prompt_until(
        &server,
        &chat,
        &navigate,
        "playwright_browser_navigate tool returned",
    )
    .await;
    assert_eq!(browsers.tool_processes(), 1);
    assert_eq!(
        mcp_processes(me),
        1,
        "one node process, started by pocketcode"
    );
    assert_eq!(
        mcp_processes(opencode_pid(&server)),
        0,
        "not in opencode's tree"
    );

    // The tool server is pocketcode's own (pages may not reach it), and a
    // capability nobody was given starts nothing.
    let port = browsers.tools_port().expect("the tool server runs");
    assert!(pocketcode.state.internal_ports.contains(port));
    let http = reqwest::Client::new();
    let forged = format!("http://127.0.0.1:{port}/mcp/{}", "0".repeat(64));
    let forged_call = serde_json::json!({"jsonrpc": "2.0", "id": 1, "method": "tools/call",
        "params": {"name": "browser_navigate", "arguments": {"url": pages.url("/")}}});
    let refused = http
        .post(&forged)
        .json(&forged_call)
        .send()
        .await
        .expect("POST");
    assert_eq!(refused.status(), 404);
    let stream = http.get(&forged).send().await.expect("GET");
    assert_eq!(stream.status(), 405);
    assert_eq!(browsers.tool_processes(), 1, "nothing started for it");

    // Left idle, the instance is disposed and the process ends with it.
    drop(hold);
    until("the idle chat's browser tools process gone", async || {
        browsers.tool_processes() == 0 && mcp_processes(me) == 0
    })
    .await;
    assert!(
        !pocketcode.state.instances.alive().contains(&worktree),
        "disposed"
    );

    // Revived, the agent browses again.
    let hold = pocketcode.state.instances.hold(&worktree);
    let mut form = chat.form().to_vec();
    form.push(("text", navigate.as_str()));
    let (status, body) = call(&server, "send_prompt", &form).await;
    assert_eq!(status, 200, "{body}");
    until("the second navigation's result", async || {
        let (_, transcript) = call(&server, "get_transcript", &chat.form()).await;
        transcript
            .to_string()
            .matches("playwright_browser_navigate tool returned")
            .count()
            >= 2
    })
    .await;
    assert_eq!(browsers.tool_processes(), 1);
    drop(hold);
    server.stop().await;
    until("stopping pocketcode ends it", async || {
        mcp_processes(me) == 0
    })
    .await;
}
