//! A remote chat's terminal through pocketcode's relay: started in the
//! session's directory on the remote whatever the request says (a `cwd`
//! in the body, another `directory` in the query), its size taken, input
//! and output over its WebSocket; unknown sessions, remotes and routes
//! refused.

use std::path::Path;

use futures::SinkExt;
use pocketcode::model::remotes::remote_pty_base;
use serde_json::json;
use tokio_tungstenite::tungstenite::Message;

use crate::common::TestServer;
use crate::common::http::decode;
use crate::common::pty::{self, read_until};

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
    let (status, resized) = decode(
        server
            .http
            .put(server.url(&format!("{base}/{id}")))
            .json(&json!({"size": {"rows": 33, "cols": 101}}))
            .send()
            .await
            .expect("PUT …/pty/{id}"),
    )
    .await;
    assert_eq!(status, 200, "{resized}");
    let mut socket = pty::open(server, &format!("{base}/{id}/connect?cursor=0")).await;
    socket
        .send(Message::text("echo \"cwd=$(pwd)\"; stty size; echo hi\r"))
        .await
        .expect("send input");
    let output = read_until(&mut socket, "\nhi").await;
    assert!(
        output.contains(&format!("cwd={}", project.display())),
        "not in the session's directory: {output:?}"
    );
    assert!(output.contains("33 101"), "size not taken: {output:?}");
    let _ = socket.close(None).await;
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
    let (status, _) = decode(
        server
            .http
            .delete(server.url(&format!("{base}/{id}")))
            .send()
            .await
            .expect("DELETE"),
    )
    .await;
    assert_eq!(status, 200);

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
