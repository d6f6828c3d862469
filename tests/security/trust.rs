//! Project trust: a repo's own opencode configuration runs nothing until
//! the user trusts the repo. The repo's committed `opencode.json` declares
//! a local MCP server that only appends its directory to a marker file;
//! opencode starts MCP servers when it loads a directory's config, so the
//! marker says whether the config was loaded, and where.

use std::panic::AssertUnwindSafe;
use std::path::Path;
use std::time::Duration;

use futures::FutureExt;
use serde_json::{Value, json};

use crate::common::browser_chat::{opencode_mcp, prompt_until};
use crate::common::git_fixture::{Remote, git};
use crate::common::http::{NewChat, call};
use crate::common::{READY, TempDir, TestServer};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_repos_own_opencode_config_runs_only_once_the_repo_is_trusted() {
    let root = TempDir::new();
    let marker = root.path().join("marker");
    let remote = Remote::create(root.path(), "configured");
    remote.push_file("opencode.json", &marker_config(&marker));
    std::fs::create_dir_all(remote.work.join(".opencode/command")).expect("mkdir");
    remote.push_file(
        ".opencode/command/hello.md",
        "---\ndescription: a command of the repo's own\n---\nSay hello.\n",
    );
    let server = TestServer::start(&[]).await;
    server.wait_ready().await;
    // Catch a failed assertion so pocketcode and opencode are stopped anyway.
    let outcome = AssertUnwindSafe(async {
        untrusted_then_trusted_then_revoked(&server, &remote, &marker).await;
        bad_requests(&server).await;
    })
    .catch_unwind()
    .await;
    server.stop().await;
    if let Err(panic) = outcome {
        std::panic::resume_unwind(panic);
    }
}

async fn untrusted_then_trusted_then_revoked(server: &TestServer, remote: &Remote, marker: &Path) {
    // Untrusted (the default): a new chat and a prompt run nothing.
    let chat = NewChat::make(server, &remote.url()).await;
    prompt_until(server, &chat, "Please repeat before-trust", "before-trust").await;
    // Asking opencode for the MCP servers loads the directory's config
    // and waits for its servers: by its answer, any would have started.
    let servers = opencode_mcp(server, &chat.worktree).await;
    assert!(servers.get("marker").is_none(), "{servers}");
    assert!(!marker.exists(), "the repo's MCP server ran untrusted");
    assert_eq!(repo_trusted(server, &chat.repo).await, Some(false));
    let worktree = Path::new(&chat.worktree);
    assert!(!worktree.join("opencode.json").exists());
    assert!(!worktree.join(".opencode").exists());
    assert_eq!(
        git(worktree, &["status", "--porcelain"]),
        "",
        "git sees no change"
    );
    assert_eq!(changed_files(server, &chat).await, json!([]));

    // Trusted: the chat's config is back and opencode reloads it.
    set_trust(server, &chat.repo, true).await;
    assert_eq!(repo_trusted(server, &chat.repo).await, Some(true));
    assert!(worktree.join("opencode.json").is_file());
    assert!(worktree.join(".opencode/command/hello.md").is_file());
    assert_eq!(git(worktree, &["status", "--porcelain"]), "");
    prompt_until(server, &chat, "Please repeat after-trust", "after-trust").await;
    until_marked(marker, &chat.worktree).await;
    // A chat started now has its config from the start.
    let second = NewChat::make(server, &remote.url()).await;
    assert!(Path::new(&second.worktree).join("opencode.json").is_file());
    prompt_until(server, &second, "Please repeat second-chat", "second-chat").await;
    until_marked(marker, &second.worktree).await;

    // Revoked: hidden again in every chat of the repo, and nothing runs.
    set_trust(server, &chat.repo, false).await;
    assert_eq!(repo_trusted(server, &chat.repo).await, Some(false));
    std::fs::remove_file(marker).expect("reset the marker");
    for dir in [&chat.worktree, &second.worktree] {
        let dir = Path::new(dir);
        assert!(!dir.join("opencode.json").exists());
        assert!(!dir.join(".opencode").exists());
        assert_eq!(git(dir, &["status", "--porcelain"]), "");
    }
    prompt_until(server, &chat, "Please repeat after-revoke", "after-revoke").await;
    let servers = opencode_mcp(server, &chat.worktree).await;
    assert!(servers.get("marker").is_none(), "{servers}");
    assert!(!marker.exists(), "the repo's MCP server ran after revoking");
    assert_eq!(changed_files(server, &chat).await, json!([]));
}

async fn bad_requests(server: &TestServer) {
    let (status, body) = call(
        server,
        "set_repo_trust",
        &[("repo", "nobody/nothing"), ("trusted", "true")],
    )
    .await;
    assert_eq!(status, 404, "{body}");
    let (status, body) = call(
        server,
        "set_repo_trust",
        &[("repo", "../../etc"), ("trusted", "true")],
    )
    .await;
    assert_eq!(status, 400, "{body}");
}

/// A config whose one MCP server appends its directory to `marker` and
/// then idles (it speaks no MCP: opencode gives up on it after a second).
fn marker_config(marker: &Path) -> String {
    let script = format!("echo \"$PWD\" >> '{}'; exec sleep 600", marker.display());
    json!({
        "$schema": "https://opencode.ai/config.json",
        "mcp": {
            "marker": {
                "type": "local",
                "command": ["sh", "-c", script],
                "timeout": 1000,
            }
        }
    })
    .to_string()
}

async fn set_trust(server: &TestServer, repo: &str, trusted: bool) {
    let (status, body) = call(
        server,
        "set_repo_trust",
        &[("repo", repo), ("trusted", &trusted.to_string())],
    )
    .await;
    assert_eq!(status, 200, "{body}");
}

async fn repo_trusted(server: &TestServer, repo: &str) -> Option<bool> {
    let (status, list) = call(server, "list_repos", &[]).await;
    assert_eq!(status, 200, "{list}");
    list["repos"]
        .as_array()?
        .iter()
        .find(|r| r["name"] == repo)?
        .get("trusted")?
        .as_bool()
}

async fn changed_files(server: &TestServer, chat: &NewChat) -> Value {
    let form = [
        ("repo", chat.repo.as_str()),
        ("chat_id", chat.chat_id.as_str()),
    ];
    let (status, stat) = call(server, "diff_stat", &form).await;
    assert_eq!(status, 200, "{stat}");
    stat["files"].clone()
}

/// Waits until the marker names `dir`: its MCP server ran there.
async fn until_marked(marker: &Path, dir: &str) {
    let deadline = tokio::time::Instant::now() + READY;
    loop {
        let text = std::fs::read_to_string(marker).unwrap_or_default();
        if text.lines().any(|line| line == dir) {
            return;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "the repo's MCP server never ran in {dir}: marker {text:?}"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}
