//! A terminal's WebSocket as the tests drive it: opened with the test
//! server's login cookie, and read until the shell has printed something.

use std::time::Duration;

use futures::StreamExt;
use tokio_tungstenite::tungstenite::{self, Message};

use super::TestServer;

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
