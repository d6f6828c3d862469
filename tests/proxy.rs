//! The catch-all proxy on a whole pocketcode: JSON round trips with
//! credentials added, query and status preserved, SSE streamed unbuffered
//! (also on the event-stream path, whose connection is its own and closes
//! with the client), `/admin/health`, and a clear error while opencode is
//! unavailable.

mod common;

use std::time::Duration;

use common::TestServer;
use common::http::proxied_session;
use futures::StreamExt;
use serde_json::Value;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn json_calls_and_event_streams_pass_through_with_credentials() {
    let server = TestServer::start(&[]).await;
    let upstream = server.wait_ready().await;
    let workspace = server.workspace().display().to_string();

    // Admin health: pocketcode's own route, answered as JSON.
    let (status, health) = common::admin_health(&server.http, &server.base_url).await;
    assert_eq!(status, 200);
    assert_eq!(health["opencode"]["state"], "healthy");
    assert_eq!(health["opencode"]["version"], "1.18.33");
    assert_eq!(health["opencode_pinned"], health["opencode"]["version"]);
    assert_eq!(health["version"], pocketcode::VERSION);
    assert_is_describe_and_build_time(health["version"].as_str().expect("version"));
    assert!(health["opencode"]["pid"].as_u64().is_some());

    // The SSE stream: its first event must arrive while the stream is open
    // (opencode never ends it), so nothing buffers the whole response.
    let events = server
        .http
        .get(server.url(&format!("/event?directory={workspace}")))
        .send()
        .await
        .expect("event stream");
    assert_eq!(events.status(), 200);
    let content_type = events.headers()["content-type"]
        .to_str()
        .expect("ascii")
        .to_string();
    assert!(
        content_type.starts_with("text/event-stream"),
        "{content_type}"
    );
    let mut body = events.bytes_stream();
    let first = tokio::time::timeout(Duration::from_secs(10), body.next())
        .await
        .expect("first event before the stream ends")
        .expect("a chunk")
        .expect("chunk ok");
    let first = String::from_utf8_lossy(&first);
    assert!(first.contains("server.connected"), "{first}");

    // A JSON round trip: the client sends no credentials, the proxy adds them.
    let created = proxied_session(&server, &workspace, "through the proxy").await;
    let id = created["id"].as_str().expect("session id");
    assert_eq!(created["directory"], workspace.as_str());
    // The request body went through: opencode took the title from it.
    assert_eq!(created["title"], "through the proxy");

    // The session-created event reaches the open stream through the proxy.
    let seen = read_until(&mut body, id).await;
    assert!(seen.contains("session.created"), "{seen}");

    // The query string is preserved: opencode filters by `directory`.
    let listed: Value = server
        .http
        .get(server.url(&format!("/session?directory={workspace}")))
        .send()
        .await
        .expect("list sessions")
        .json()
        .await
        .expect("list json");
    let ids: Vec<&str> = listed
        .as_array()
        .expect("array")
        .iter()
        .filter_map(|s| s["id"].as_str())
        .collect();
    assert!(ids.contains(&id), "{listed}");

    // Statuses pass through as opencode gives them: compare with a direct call.
    let direct = upstream
        .request(
            &server.http,
            reqwest::Method::GET,
            "/session/ses_doesnotexist",
        )
        .send()
        .await
        .expect("direct call")
        .status();
    let proxied = server
        .http
        .get(server.url("/session/ses_doesnotexist"))
        .send()
        .await
        .expect("proxied call")
        .status();
    assert!(!direct.is_success());
    assert_eq!(proxied, direct);

    // A credential the client sends is not what reaches opencode.
    let spoofed = server
        .http
        .get(server.url("/global/health"))
        .basic_auth("opencode", Some("wrong"))
        .send()
        .await
        .expect("spoofed call");
    assert_eq!(spoofed.status(), 200);

    drop(body);
    server.stop().await;
}

/// What `body` streams until it names `id` (within 15 s), as text.
async fn read_until(
    body: &mut (impl futures::Stream<Item = reqwest::Result<bytes::Bytes>> + Unpin),
    id: &str,
) -> String {
    let mut seen = String::new();
    let deadline = tokio::time::Instant::now() + Duration::from_secs(15);
    while !seen.contains(id) {
        let chunk = tokio::time::timeout_at(deadline, body.next())
            .await
            .expect("session event in time")
            .expect("stream open")
            .expect("chunk ok");
        seen.push_str(&String::from_utf8_lossy(&chunk));
    }
    seen
}

/// pocketcode's established connections to opencode's `port` (from
/// `/proc/net/tcp`: IPv4 loopback, state 01).
fn connections_to(port: u16) -> usize {
    let table = std::fs::read_to_string("/proc/net/tcp").expect("/proc/net/tcp");
    table
        .lines()
        .skip(1)
        .filter(|line| {
            let fields: Vec<&str> = line.split_whitespace().collect();
            fields.len() > 3
                && fields[3] == "01"
                && fields[2].rsplit(':').next() == Some(&format!("{port:04X}"))
        })
        .count()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_event_stream_has_its_own_connection_which_ends_with_the_client() {
    let server = TestServer::start(&[]).await;
    let upstream = server.wait_ready().await;
    let port: u16 = upstream
        .base_url
        .rsplit(':')
        .next()
        .and_then(|p| p.parse().ok())
        .expect("opencode's port");
    let workspace = server.workspace().display().to_string();
    let open = || async {
        let response = server
            .http
            .get(server.url(&format!("/event?directory={workspace}")))
            .header("accept", "text/event-stream")
            .send()
            .await
            .expect("event stream");
        assert_eq!(response.status(), 200);
        assert_eq!(response.headers()["x-accel-buffering"], "no");
        let mut body = response.bytes_stream();
        let first = tokio::time::timeout(Duration::from_secs(10), body.next())
            .await
            .expect("first event before the stream ends")
            .expect("a chunk")
            .expect("chunk ok");
        // Through without credentials of the client's: pocketcode added them.
        assert!(String::from_utf8_lossy(&first).contains("server.connected"));
        body
    };
    // A first call, so pocketcode's pooled connection is counted in `before`.
    proxied_session(&server, &workspace, "warming the pool").await;
    let before = connections_to(port);
    let mut streams = Vec::new();
    for _ in 0..3 {
        streams.push(open().await);
    }
    assert!(
        connections_to(port) >= before + 3,
        "each stream has its own connection to opencode"
    );
    // An event reaches every open stream.
    let created = proxied_session(&server, &workspace, "to every stream").await;
    let id = created["id"].as_str().expect("session id");
    for body in &mut streams {
        read_until(body, id).await;
    }
    // The clients leave: so do their connections to opencode.
    drop(streams);
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    while connections_to(port) > before {
        assert!(
            tokio::time::Instant::now() < deadline,
            "connections to opencode left open: {} (before: {before})",
            connections_to(port)
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    server.stop().await;
}

#[tokio::test]
async fn without_opencode_the_proxy_and_health_say_what_is_wrong() {
    let server = TestServer::start(&["--opencode-bin", "/nonexistent/opencode"]).await;
    // The supervisor gives up after a few quick attempts and reports `failed`.
    let (status, health) =
        common::wait_for_opencode_state(&server.http, &server.base_url, "failed").await;
    assert_eq!(status, 503);
    let error = health["opencode"]["last_error"]
        .as_str()
        .expect("last error");
    assert!(error.contains("/nonexistent/opencode"), "{error}");

    let proxied = server
        .http
        .get(server.url("/session"))
        .send()
        .await
        .expect("proxied call");
    assert_eq!(proxied.status(), 503);
    let body: Value = proxied.json().await.expect("error json");
    let message = body["error"].as_str().expect("error message");
    assert!(message.contains("/nonexistent/opencode"), "{message}");
    server.stop().await;
}

/// `version` is `<git describe --always --dirty> <UTC build time>`, and the
/// commit it names is this checkout's HEAD or one of its ancestors (others
/// may have committed since the build).
fn assert_is_describe_and_build_time(version: &str) {
    let (describe, built) = version
        .rsplit_once(' ')
        .unwrap_or_else(|| panic!("`{version}`: no build time"));
    let shape: String = built
        .chars()
        .map(|c| if c.is_ascii_digit() { '9' } else { c })
        .collect();
    assert_eq!(shape, "9999-99-99T99:99:99Z", "build time of `{version}`");
    if let Some(given) = option_env!("POCKETCODE_VERSION").filter(|v| !v.is_empty()) {
        assert_eq!(describe, given.trim());
        return;
    }
    let git = |args: &[&str]| {
        std::process::Command::new("git")
            .args(args)
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .output()
            .expect("run git")
    };
    if !git(&["rev-parse", "--git-dir"]).status.success() {
        // Built outside a checkout: the crate version stands in.
        assert_eq!(describe, env!("CARGO_PKG_VERSION"));
        return;
    }
    // `--always` without tags: an abbreviated hash; with a tag:
    // `<tag>-<commits since>-g<hash>`, or the tag alone when on it.
    let clean = describe.strip_suffix("-dirty").unwrap_or(describe);
    let commit = match clean.rsplit_once("-g") {
        Some((_, hash)) => hash,
        None => clean,
    };
    let resolved = git(&[
        "rev-parse",
        "--verify",
        "--quiet",
        &format!("{commit}^{{commit}}"),
    ]);
    assert!(
        resolved.status.success(),
        "`{describe}` names no commit here"
    );
    let ancestor = git(&["merge-base", "--is-ancestor", commit, "HEAD"]);
    assert!(
        ancestor.status.success(),
        "`{describe}` is not in HEAD's history"
    );
}
