//! WebSockets through the catch-all proxy: opencode's terminal, reached with
//! no credentials (the proxy adds them), carries input and output both ways;
//! an unknown terminal is refused promptly rather than left hanging.

mod common;

use std::time::Duration;

use common::TestServer;
use futures::{SinkExt, StreamExt};
use serde_json::Value;
use tokio_tungstenite::tungstenite::{self, Message};

/// Generous for a loaded machine, short enough that a hang fails the test.
const TIMEOUT: Duration = Duration::from_secs(20);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn terminal_websocket_passes_through_with_credentials() {
    let server = TestServer::start(&[]).await;
    let upstream = server.wait_ready().await;
    let workspace = server.workspace().display().to_string();
    let ws_base = server.base_url.replacen("http", "ws", 1);

    let created = server
        .http
        .post(server.url("/pty"))
        .header("x-opencode-directory", &workspace)
        .json(&serde_json::json!({ "command": "/bin/sh" }))
        .send()
        .await
        .expect("POST /pty");
    assert_eq!(created.status(), 200);
    let pty: Value = created.json().await.expect("pty JSON");
    let id = pty["id"].as_str().expect("pty id").to_string();

    // opencode itself refuses the same URL without credentials, so success
    // below means the proxy added them.
    let path = format!("/pty/{id}/connect?directory={workspace}");
    let direct = format!("{}{path}", upstream.base_url.replacen("http", "ws", 1));
    match tokio::time::timeout(TIMEOUT, tokio_tungstenite::connect_async(direct.as_str()))
        .await
        .expect("direct handshake in time")
    {
        Err(tungstenite::Error::Http(response)) => assert_eq!(response.status(), 401),
        other => panic!("opencode accepted no credentials: {other:?}"),
    }

    let url = format!("{ws_base}{path}");
    let (mut socket, response) = tokio::time::timeout(
        TIMEOUT,
        tokio_tungstenite::connect_async(with_cookie(&url, &server)),
    )
    .await
    .expect("handshake in time")
    .expect("handshake accepted");
    assert_eq!(response.status(), 101);

    // The arithmetic only happens in the shell, so `pocket-42` in the output
    // proves input reached it and its output came back.
    socket
        .send(Message::text("echo pocket-$((40+2))\n"))
        .await
        .expect("send input");
    let mut output = String::new();
    let read = tokio::time::timeout(TIMEOUT, async {
        while let Some(message) = socket.next().await {
            match message.expect("frame") {
                Message::Text(text) => output.push_str(text.as_str()),
                Message::Binary(bytes) => output.push_str(&String::from_utf8_lossy(&bytes)),
                Message::Close(frame) => panic!("closed early: {frame:?}; output {output:?}"),
                _ => {}
            }
            if output.contains("pocket-42") {
                return;
            }
        }
    })
    .await;
    assert!(read.is_ok(), "no pocket-42 in {output:?}");
    let _ = socket.close(None).await;

    // An unknown terminal: refused at the handshake or closed at once.
    let bogus = format!("{ws_base}/pty/pty_nope/connect?directory={workspace}");
    let outcome = tokio::time::timeout(TIMEOUT, async {
        match tokio_tungstenite::connect_async(with_cookie(&bogus, &server)).await {
            // Refused like any proxied error: opencode's status, a JSON body.
            Err(tungstenite::Error::Http(response)) => {
                let body: Value =
                    serde_json::from_slice(response.body().as_deref().unwrap_or_default())
                        .expect("JSON error body");
                assert!(body["error"].is_string(), "{body}");
                format!("refused {}", response.status())
            }
            Err(err) => format!("failed {err}"),
            Ok((mut socket, _)) => match socket.next().await {
                Some(Ok(Message::Close(frame))) => format!("closed {frame:?}"),
                None | Some(Err(_)) => "closed".to_string(),
                Some(Ok(other)) => panic!("bogus terminal sent {other:?}"),
            },
        }
    })
    .await
    .expect("bogus terminal answered in time");
    eprintln!("bogus terminal: {outcome}");

    let _ = server
        .http
        .delete(server.url(&format!("/pty/{id}")))
        .header("x-opencode-directory", &workspace)
        .send()
        .await;
    server.stop().await;
}

/// A WebSocket handshake request that carries the test server's login.
fn with_cookie(url: &str, server: &TestServer) -> tungstenite::handshake::client::Request {
    use tungstenite::client::IntoClientRequest as _;
    let mut request = url.into_client_request().expect("ws request");
    request
        .headers_mut()
        .insert("cookie", server.cookie.parse().expect("cookie header"));
    request
}
