//! A remote chat's terminal through pocketcode's relay: started in the
//! session's directory on the remote whatever the request says (a `cwd`
//! in the body, another `directory` in the query), its size taken, input
//! and output over its WebSocket; unknown sessions, remotes and routes
//! refused.

use std::path::Path;

use pocketcode::model::remotes::remote_pty_base;
use serde_json::json;

use crate::common::TestServer;
use crate::common::http::decode;
use crate::common::pty;

pub async fn runs_in_the_sessions_directory(server: &TestServer, session: &str, project: &Path) {
    let base = remote_pty_base("devbox", session);
    let (status, made) = decode(
        server
            .http
            .post(server.url(&format!("{base}?directory=%2Fetc")))
            .json(&json!({"title": "Terminal 1", "cwd": "/etc", "command": "/bin/false"}))
            .send()
            .await
            .expect("POST …/pty"),
    )
    .await;
    assert_eq!(status, 200, "{made}");
    assert_eq!(made["cwd"], project.display().to_string(), "{made}");
    let id = made["id"].as_str().expect("pty id");
    let at = format!("{base}/{id}");
    let connect = format!("{base}/{id}/connect?cursor=0");
    pty::check_shell(server, &at, &connect, &project.display().to_string()).await;
    let (status, listed) = decode(
        server
            .http
            .get(server.url(&base))
            .send()
            .await
            .expect("GET"),
    )
    .await;
    assert_eq!(status, 200, "{listed}");
    assert!(listed.to_string().contains(id), "{listed}");
    pty::delete(server, &at).await;

    for (path, wanted) in [
        (remote_pty_base("devbox", "ses_nosuchsession"), 404),
        (remote_pty_base("nowhere", session), 404),
        (remote_pty_base("devbox", "not-a-session"), 400),
        (format!("{base}/{id}/connect/more"), 404),
        (format!("{base}/a%2F..%2Fb"), 404),
    ] {
        let (status, body) = decode(
            server
                .http
                .get(server.url(&path))
                .send()
                .await
                .expect("GET"),
        )
        .await;
        assert_eq!(status, wanted, "{path}: {body}");
    }
}
