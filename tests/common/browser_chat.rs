//! What the shared browser's tests share: prompting the scripted model,
//! a chat's form, the MCP servers of a directory's opencode instance, and
//! whether Chromium's process group is still running.

use std::time::Duration;

use serde_json::Value;

use super::TestServer;
use super::http::{NewChat, call};

/// Sends `text` as a prompt and waits for the transcript to hold `needle`.
pub async fn prompt_until(server: &TestServer, chat: &NewChat, text: &str, needle: &str) -> Value {
    let mut form = chat.form().to_vec();
    form.push(("text", text));
    let (status, body) = call(server, "send_prompt", &form).await;
    assert_eq!(status, 200, "{body}");
    transcript_until(server, chat, needle).await
}

/// Waits for the chat's transcript to hold `needle`, and returns it.
pub async fn transcript_until(server: &TestServer, chat: &NewChat, needle: &str) -> Value {
    let deadline = tokio::time::Instant::now() + super::READY;
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

pub fn chat_form(chat: &NewChat) -> [(&str, &str); 2] {
    [
        ("repo", chat.repo.as_str()),
        ("chat_id", chat.chat_id.as_str()),
    ]
}

pub async fn opencode_mcp(server: &TestServer, dir: &str) -> Value {
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

/// The same question through pocketcode's proxy: pocketcode counts it as
/// a need of `dir` (a direct one would load a disposed instance behind
/// pocketcode's back, which then never disposes it again).
pub async fn proxied_mcp(server: &TestServer, dir: &str) -> Value {
    server
        .http
        .get(server.url("/mcp"))
        .header("x-opencode-directory", dir)
        .send()
        .await
        .expect("GET /mcp through pocketcode")
        .error_for_status()
        .expect("MCP statuses through pocketcode")
        .json()
        .await
        .expect("MCP statuses")
}

/// Whether any process is left in the process group `pgid`.
pub fn group_alive(pgid: u32) -> bool {
    nix::sys::signal::killpg(nix::unistd::Pid::from_raw(pgid as i32), None).is_ok()
}

pub async fn until_group_gone(pgid: u32) {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(15);
    while group_alive(pgid) {
        assert!(
            tokio::time::Instant::now() < deadline,
            "Chromium's processes (group {pgid}) are still running"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}
