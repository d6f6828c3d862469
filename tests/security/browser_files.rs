//! The shared browser reads no more than the agent's bash tool: the agent
//! reaches Chromium's debugging protocol (through its gate, from any
//! process on loopback), so Chromium runs in the agent zone too. A
//! `file://` page of pocketcode's data directory shows nothing; one of the
//! chat's worktree shows (so the test can fail).

use std::time::Duration;

use pocketcode::server::browser::Cdp;
use serde_json::json;

use crate::common::TestServer;
use crate::common::browser_chat::chat_form;
use crate::common::git_fixture::Remote;
use crate::common::http::{NewChat, call};

/// Opens `url` in the page and returns its text (empty when it failed).
async fn page_text(cdp: &Cdp, url: &str) -> String {
    cdp.call("Page.navigate", json!({ "url": url }))
        .await
        .expect("Page.navigate");
    let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
    loop {
        let answer = cdp
            .call(
                "Runtime.evaluate",
                json!({
                    "expression": "document.readyState === 'complete' && location.href + '\\n' + document.body.innerText",
                    "returnByValue": true,
                }),
            )
            .await
            .expect("Runtime.evaluate");
        if let Some(text) = answer["result"]["value"].as_str()
            && (text.starts_with(url) || text.starts_with("chrome-error:"))
        {
            return text.to_string();
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "{url} never loaded: {answer}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_file_url_shows_the_worktree_but_not_pocketcodes_secrets() {
    let server = TestServer::start(&[]).await;
    server.wait_ready().await;
    let fixtures = crate::common::TempDir::new();
    let remote = Remote::create(fixtures.path(), "remote");
    let chat = NewChat::make(&server, &remote.url()).await;
    let (status, state) = call(&server, "start_browser", &chat_form(&chat)).await;
    assert_eq!(status, 200, "{state}");
    let worktree = std::path::Path::new(&chat.worktree);
    let key = worktree.file_name().expect("the chat's key");
    let profile = server
        .data_dir
        .path()
        .join("browsers")
        .join(key)
        .join("profile");
    let port_file = std::fs::read_to_string(profile.join("DevToolsActivePort"))
        .expect("Chromium's DevToolsActivePort");
    let port: u16 = port_file
        .lines()
        .next()
        .and_then(|l| l.parse().ok())
        .expect("a port");
    let (cdp, _events) = Cdp::connect_page(&reqwest::Client::new(), port)
        .await
        .expect("the debugging protocol");

    let visible = worktree.join("visible.txt");
    std::fs::write(&visible, "the-worktree-marker-8231").expect("write");
    let text = page_text(&cdp, &format!("file://{}", visible.display())).await;
    assert!(text.contains("the-worktree-marker-8231"), "{text}");

    let secret = std::fs::read_to_string(server.data_dir.path().join("auth/secret"))
        .expect("the cookie key");
    let key_file = server.data_dir.path().join("auth/secret");
    let text = page_text(&cdp, &format!("file://{}", key_file.display())).await;
    assert!(
        !text.contains(secret.trim()),
        "Chromium showed pocketcode's cookie key: {text}"
    );
    let text = page_text(
        &cdp,
        &format!("file://{}/", server.data_dir.path().display()),
    )
    .await;
    assert!(
        !text.contains("auth"),
        "Chromium listed the data dir: {text}"
    );
    drop(cdp);
    server.stop().await;
}
