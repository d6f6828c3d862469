//! Starting without the sandbox is never silent: where bubblewrap cannot
//! run, pocketcode refuses to start and says what to do; `--no-sandbox`
//! starts it, and every page says so.

use std::process::Command;

use crate::common::{TempDir, TestServer};

#[test]
fn without_bubblewrap_pocketcode_refuses_to_start_and_says_what_to_do() {
    let data = TempDir::new();
    // An empty PATH: no `bwrap` to run (nor anything else).
    let empty = TempDir::new();
    let out = Command::new(env!("CARGO_BIN_EXE_pocketcode"))
        .args(["--scripted-model", "always", "--auth-password", "pw"])
        .env("PATH", empty.path())
        .env("POCKETCODE_LISTEN", "127.0.0.1:0")
        .env("POCKETCODE_DATA_DIR", data.path())
        .env_remove("POCKETCODE_NO_SANDBOX")
        .output()
        .expect("run pocketcode");
    assert!(!out.status.success(), "it started without a sandbox");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("the agent sandbox cannot start"),
        "{stderr}"
    );
    assert!(stderr.contains("bubblewrap"), "{stderr}");
    assert!(stderr.contains("--no-sandbox"), "{stderr}");
    assert!(
        !data.path().join("opencode").exists(),
        "opencode's directories were made: something started"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn with_no_sandbox_the_top_bar_says_so() {
    for (flags, shown) in [(&["--no-sandbox"][..], true), (&[][..], false)] {
        let server = TestServer::start(flags).await;
        let page = server
            .http
            .get(server.url("/repos"))
            .send()
            .await
            .expect("GET /repos")
            .text()
            .await
            .expect("page");
        assert_eq!(page.contains(">no sandbox<"), shown, "{flags:?}: {page}");
        server.stop().await;
    }
}
