//! A terminal's WebSocket as the tests drive it: opened with the test
//! server's login cookie, and read until the shell has printed something;
//! the round trip both terminal tests (local and remote) check.

use std::time::Duration;

use futures::{SinkExt, StreamExt};
use serde_json::json;
use tokio_tungstenite::tungstenite::{self, Message};

use super::TestServer;
use super::http::decode;

/// Generous for a loaded machine, short enough that a hang fails the test.
pub const TIMEOUT: Duration = Duration::from_secs(30);

pub type Socket =
    tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

/// The WebSocket at `path` (with its query) on `server`, logged in.
pub async fn open(server: &TestServer, path: &str) -> Socket {
    let url = format!("{}{path}", server.base_url.replacen("http", "ws", 1));
    let mut request = tungstenite::client::IntoClientRequest::into_client_request(url.as_str())
        .expect("ws request");
    request
        .headers_mut()
        .insert("cookie", server.cookie.parse().expect("cookie header"));
    let (socket, _) = tokio::time::timeout(TIMEOUT, tokio_tungstenite::connect_async(request))
        .await
        .expect("handshake in time")
        .expect("handshake accepted");
    socket
}

/// The output until it holds `needle` (control frames left out).
pub async fn read_until(socket: &mut Socket, needle: &str) -> String {
    let mut output = String::new();
    let read = tokio::time::timeout(TIMEOUT, async {
        while let Some(message) = socket.next().await {
            match message.expect("frame") {
                Message::Text(text) => output.push_str(text.as_str()),
                // Control frames (a zero byte, then JSON) are not output.
                Message::Binary(bytes) if bytes.first() != Some(&0) => {
                    output.push_str(&String::from_utf8_lossy(&bytes));
                }
                Message::Close(frame) => panic!("closed early: {frame:?}; output {output:?}"),
                _ => {}
            }
            if output.contains(needle) {
                return;
            }
        }
    })
    .await;
    assert!(read.is_ok(), "no {needle} in {output:?}");
    output
}

/// A PUT of 33×101 to the terminal at `pty` (path and query), then a round
/// trip over its WebSocket at `connect`: its shell runs in `cwd` and took
/// that size.
pub async fn check_shell(server: &TestServer, pty: &str, connect: &str, cwd: &str) {
    let (status, resized) = decode(
        server
            .http
            .put(server.url(pty))
            .json(&json!({"size": {"rows": 33, "cols": 101}}))
            .send()
            .await
            .expect("PUT …/pty/{id}"),
    )
    .await;
    assert_eq!(status, 200, "{resized}");
    let mut socket = open(server, connect).await;
    // Only the shell makes `hi-42` and `cwd=/…` (the echoed command line
    // has `$((40+2))` and `$(pwd)`), so seeing them proves a round trip.
    socket
        .send(Message::text(
            "echo \"cwd=$(pwd)\"; stty size; echo hi-$((40+2))\r",
        ))
        .await
        .expect("send input");
    let output = read_until(&mut socket, "hi-42").await;
    assert!(
        output.contains(&format!("cwd={cwd}")),
        "not in {cwd}: {output:?}"
    );
    assert!(output.contains("33 101"), "size not taken: {output:?}");
    let _ = socket.close(None).await;
}

/// Deletes the terminal at `pty` (path and query).
pub async fn delete(server: &TestServer, pty: &str) {
    let (status, body) = decode(
        server
            .http
            .delete(server.url(pty))
            .send()
            .await
            .expect("DELETE …/pty/{id}"),
    )
    .await;
    assert_eq!(status, 200, "{body}");
}
