//! The directory fence, tried as a logged-in browser would: opencode serves
//! any directory a request names, so without the fence `/etc/passwd`, a
//! file elsewhere on the machine, or one behind a symlink the agent left in
//! its worktree, are a request away. Each is refused with a 403 naming the
//! directory, by header, by query and spelled with encoded `..`, on HTTP
//! and WebSocket alike; the chat's own files stay readable.

use std::panic::AssertUnwindSafe;
use std::path::{Path, PathBuf};
use std::time::Duration;

use futures::FutureExt;
use serde_json::{Value, json};
use tokio_tungstenite::tungstenite;

use crate::common::git_fixture::Remote;
use crate::common::http::{NewChat, decode};
use crate::common::{TempDir, TestServer};

const OUTSIDE_SECRET: &str = "outside-secret-5f2a";

/// A directory outside the data dir that the sandboxed opencode can see:
/// not under `/tmp` (the sandbox's is private) nor under a `target/`
/// (opencode's file routes skip build output). Removed when dropped.
struct OutsideDir(PathBuf);

impl OutsideDir {
    fn new() -> Self {
        let path = Path::new("/var/tmp").join(format!("pocketcode-fence-{}", std::process::id()));
        std::fs::create_dir_all(&path).expect("mkdir");
        std::fs::write(path.join("secret.txt"), OUTSIDE_SECRET).expect("write");
        Self(path)
    }
}

impl Drop for OutsideDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn files_outside_pocketcodes_directories_are_unreachable_through_the_proxy() {
    with_chat(async |server, worktree, outside| {
        the_chat_and_workspace_stay_readable(server, worktree).await;
        outside_files_are_refused(server, worktree, outside).await;
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn terminals_outside_pocketcodes_directories_are_refused() {
    with_chat(async |server, worktree, _| terminals_outside_are_refused(server, worktree).await)
        .await;
}

/// A pocketcode with one chat whose worktree holds `notes.txt` and two
/// symlinks out of it (`escape` to the outside dir, `system` to `/etc`), as
/// the agent could leave them; `test` runs against it, then all is stopped.
async fn with_chat(test: impl AsyncFnOnce(&TestServer, &Path, &Path)) {
    let root = TempDir::new();
    let remote = Remote::create(root.path(), "fenced");
    remote.push_file("notes.txt", "inside the chat");
    let outside = OutsideDir::new();
    let server = TestServer::start(&[]).await;
    server.wait_ready().await;
    // Catch a failed assertion so pocketcode and opencode are stopped anyway.
    let outcome = AssertUnwindSafe(async {
        let chat = NewChat::make(&server, &remote.url()).await;
        let worktree = PathBuf::from(&chat.worktree);
        std::os::unix::fs::symlink(&outside.0, worktree.join("escape")).expect("symlink");
        std::os::unix::fs::symlink("/etc", worktree.join("system")).expect("symlink");
        test(&server, &worktree, &outside.0).await;
    })
    .catch_unwind()
    .await;
    server.stop().await;
    if let Err(panic) = outcome {
        std::panic::resume_unwind(panic);
    }
}

/// `GET /file/content?path=<file>` through pocketcode for `directory`, by
/// header or by query: status and body.
async fn read(server: &TestServer, directory: &str, file: &str, by: By) -> (u16, Value) {
    let mut url = format!("/file/content?path={file}");
    let mut request = match by {
        By::Header => server
            .http
            .get(server.url(&url))
            .header("x-opencode-directory", directory),
        By::Query => {
            url.push_str("&directory=");
            url.push_str(directory);
            server.http.get(server.url(&url))
        }
    };
    request = request.timeout(Duration::from_secs(60));
    decode(request.send().await.expect("GET /file/content")).await
}

#[derive(Clone, Copy, Debug)]
enum By {
    Header,
    Query,
}

async fn the_chat_and_workspace_stay_readable(server: &TestServer, worktree: &Path) {
    let worktree = worktree.display().to_string();
    let workspace = server.workspace().display().to_string();
    std::fs::write(server.workspace().join("control.txt"), "in the workspace").expect("write");
    for by in [By::Header, By::Query] {
        let (status, body) = read(server, &worktree, "notes.txt", by).await;
        assert_eq!(status, 200, "{by:?}: {body}");
        assert_eq!(body["content"], "inside the chat", "{by:?}");
        let (status, body) = read(server, &workspace, "control.txt", by).await;
        assert_eq!(status, 200, "{by:?}: {body}");
        assert_eq!(body["content"], "in the workspace", "{by:?}");
    }
    // A spelling with `..` that lands back in the worktree is the worktree.
    let dotted = format!("{worktree}/src/..");
    let (status, body) = read(server, &dotted, "notes.txt", By::Query).await;
    assert_eq!((status, &body["content"]), (200, &json!("inside the chat")));
    // Naming nothing is the workspace, as before.
    let (status, body) = decode(
        server
            .http
            .get(server.url("/file/content?path=control.txt"))
            .send()
            .await
            .expect("GET"),
    )
    .await;
    assert_eq!(
        (status, &body["content"]),
        (200, &json!("in the workspace"))
    );
}

async fn outside_files_are_refused(server: &TestServer, worktree: &Path, outside: &Path) {
    let worktree = worktree.display().to_string();
    let outside = outside.display().to_string();
    // From the worktree up to `/`, in as many `..` as it is deep.
    let depth = Path::new(&worktree).components().count() - 1;
    let up =
        |dots: &str, slash: &str| format!("{worktree}{}", format!("{slash}{dots}").repeat(depth));
    // (directory as sent, file, a part of the directory the refusal names)
    let tries: Vec<(String, &str, String)> = vec![
        ("/etc".into(), "passwd", "/etc".into()),
        (outside.clone(), "secret.txt", outside.clone()),
        (
            format!("{worktree}/system"),
            "passwd",
            format!("{worktree}/system"),
        ),
        (
            format!("{worktree}/escape"),
            "secret.txt",
            format!("{worktree}/escape"),
        ),
        (
            format!("{}%2Fetc", up("..", "%2F")),
            "passwd",
            format!("{}/etc", up("..", "/")),
        ),
        // Decoded twice from the query, once from the header: either way
        // the refusal names a directory ending in /etc.
        (
            format!("{}/etc", up("%252e%252e", "/")),
            "passwd",
            "/etc".into(),
        ),
    ];
    let mut through = Vec::new();
    for (directory, file, named) in &tries {
        for by in [By::Header, By::Query] {
            let (status, body) = read(server, directory, file, by).await;
            let error = body["error"].as_str().unwrap_or_default();
            if status != 403 || !error.contains(named.as_str()) {
                through.push(format!("{by:?} {directory}: {status} {body}"));
            }
            let text = body.to_string();
            if text.contains("root:") || text.contains(OUTSIDE_SECRET) {
                through.push(format!("{by:?} {directory}: READ {file}"));
            }
        }
    }
    // Other routes that take a directory, the event stream among them.
    for (method, path) in [
        ("GET", "/find/file?query=passwd&directory=/etc"),
        ("GET", "/file?path=.&directory=/etc"),
        ("GET", "/event?directory=/etc"),
        ("GET", "/config?directory=/etc"),
        ("GET", "/api/fs/read/passwd?location%5Bdirectory%5D=/etc"),
        ("POST", "/session?directory=/etc"),
    ] {
        let method = reqwest::Method::from_bytes(method.as_bytes()).expect("method");
        let response = server
            .http
            .request(method, server.url(path))
            .json(&json!({}))
            .send()
            .await
            .expect("request");
        // Only a refusal's body is read: opencode's event stream never ends.
        if response.status() != 403 {
            through.push(format!("{path}: {}", response.status()));
            continue;
        }
        let (_, body) = decode(response).await;
        if !body["error"].as_str().unwrap_or_default().contains("/etc") {
            through.push(format!("{path}: {body}"));
        }
    }
    assert!(through.is_empty(), "not fenced:\n{}", through.join("\n"));
}

async fn terminals_outside_are_refused(server: &TestServer, worktree: &Path) {
    let worktree = worktree.display().to_string();
    // A terminal in /etc is refused; one in the chat's worktree is made.
    let pty = |directory: &str| {
        server
            .http
            .post(server.url("/pty"))
            .header("x-opencode-directory", directory)
            .json(&json!({ "command": "/bin/sh" }))
            .send()
    };
    let (status, body) = decode(pty("/etc").await.expect("POST /pty")).await;
    assert_eq!(status, 403, "a terminal in /etc: {body}");
    let (status, created) = decode(pty(&worktree).await.expect("POST /pty")).await;
    assert_eq!(status, 200, "{created}");
    let id = created["id"].as_str().expect("pty id");

    let ws_base = server.base_url.replacen("http", "ws", 1);
    for (query, header) in [("?directory=/etc", None), ("", Some("/etc"))] {
        let url = format!("{ws_base}/pty/{id}/connect{query}");
        let request = handshake(&url, server, header);
        let outcome = tokio::time::timeout(
            Duration::from_secs(20),
            tokio_tungstenite::connect_async(request),
        )
        .await
        .expect("an answer in time");
        match outcome {
            Err(tungstenite::Error::Http(response)) => {
                assert_eq!(response.status(), 403, "{url}");
                let body: Value =
                    serde_json::from_slice(response.body().as_deref().unwrap_or_default())
                        .expect("JSON refusal");
                let error = body["error"].as_str().unwrap_or_default();
                assert!(error.contains("/etc"), "{body}");
            }
            Err(err) => panic!("{url}: {err}"),
            Ok(_) => panic!("{url}: a terminal connected outside the fence"),
        }
    }
    // The same terminal in its own directory connects.
    let url = format!("{ws_base}/pty/{id}/connect?directory={worktree}");
    let (mut socket, response) = tokio::time::timeout(
        Duration::from_secs(20),
        tokio_tungstenite::connect_async(handshake(&url, server, None)),
    )
    .await
    .expect("handshake in time")
    .expect("the chat's terminal connects");
    assert_eq!(response.status(), 101);
    let _ = socket.close(None).await;
    let _ = server
        .http
        .delete(server.url(&format!("/pty/{id}")))
        .header("x-opencode-directory", &worktree)
        .send()
        .await;
}

/// A WebSocket handshake with the test server's login and, if given, the
/// directory header.
fn handshake(
    url: &str,
    server: &TestServer,
    directory: Option<&str>,
) -> tungstenite::handshake::client::Request {
    use tungstenite::client::IntoClientRequest as _;
    let mut request = url.into_client_request().expect("ws request");
    let headers = request.headers_mut();
    headers.insert("cookie", server.cookie.parse().expect("cookie"));
    if let Some(directory) = directory {
        headers.insert("x-opencode-directory", directory.parse().expect("header"));
    }
    request
}
