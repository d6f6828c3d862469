//! WebSocket pass-through: opencode's terminal (`/pty/{ptyID}/connect`) is a
//! WebSocket, which the streaming HTTP proxy cannot carry (it drops
//! `Upgrade`). We open our own WebSocket to opencode first, with the internal
//! credentials, so a refusal reaches the client as an ordinary HTTP error;
//! only then do we accept the client's upgrade and relay frames both ways.

use std::pin::pin;
use std::time::Duration;

use axum::extract::FromRequestParts;
use axum::extract::ws::{self, WebSocket, WebSocketUpgrade};
use axum::http::request::Parts;
use axum::http::{HeaderMap, header};
use axum::response::{IntoResponse, Response};
use futures::{SinkExt, StreamExt};
use tokio_tungstenite::tungstenite::{self, client::IntoClientRequest, protocol};

use super::ProxyError;
use crate::server::instances::Hold;
use crate::server::supervisor::Upstream;

/// opencode answers a handshake at once; a slow one means it is stuck.
const HANDSHAKE_TIMEOUT: Duration = Duration::from_secs(10);
/// Once one side has closed, how long the other gets to finish its close.
const CLOSE_GRACE: Duration = Duration::from_secs(2);

type UpstreamSocket =
    tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

/// Whether the request asks to become a WebSocket (RFC 6455 §4.1).
pub fn is_upgrade(headers: &HeaderMap) -> bool {
    let connection_upgrade = headers
        .get_all(header::CONNECTION)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .any(|token| token.trim().eq_ignore_ascii_case("upgrade"));
    let upgrade_websocket = headers
        .get(header::UPGRADE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.trim().eq_ignore_ascii_case("websocket"));
    connection_upgrade && upgrade_websocket
}

/// Connects to opencode, then upgrades the client and relays until either
/// side closes.
pub async fn forward(
    http: &reqwest::Client,
    upstream: &Upstream,
    mut parts: Parts,
    hold: Option<Hold>,
) -> Result<Response, ProxyError> {
    let upstream_socket = connect(http, upstream, &parts).await?;
    let upgrade = match WebSocketUpgrade::from_request_parts(&mut parts, &()).await {
        Ok(upgrade) => upgrade,
        Err(rejection) => return Ok(rejection.into_response()),
    };
    Ok(upgrade.on_upgrade(move |client| async move {
        // The chat stays needed while its terminal is open.
        let _needed = hold;
        relay(client, upstream_socket).await;
    }))
}

async fn connect(
    http: &reqwest::Client,
    upstream: &Upstream,
    parts: &Parts,
) -> Result<UpstreamSocket, ProxyError> {
    let path = parts.uri.path_and_query().map_or("/", |pq| pq.as_str());
    let url = format!("{}{path}", upstream.base_url.replacen("http", "ws", 1));
    let mut request = url
        .into_client_request()
        .map_err(|err| ProxyError::WebSocket(err.to_string()))?;
    // Let reqwest encode the Basic credentials, so they are built in one place.
    let authorization = upstream
        .request(http, reqwest::Method::GET, path)
        .build()?
        .headers()
        .get(header::AUTHORIZATION)
        .cloned();
    let out = request.headers_mut();
    if let Some(authorization) = authorization {
        out.insert(header::AUTHORIZATION, authorization);
    }
    if let Some(directory) = parts.headers.get("x-opencode-directory") {
        out.insert("x-opencode-directory", directory.clone());
    }
    let handshake = tokio_tungstenite::connect_async(request);
    match tokio::time::timeout(HANDSHAKE_TIMEOUT, handshake).await {
        Ok(Ok((socket, _response))) => Ok(socket),
        Ok(Err(tungstenite::Error::Http(response))) => {
            Err(ProxyError::WebSocketRefused(response.status()))
        }
        Ok(Err(err)) => Err(ProxyError::WebSocket(err.to_string())),
        Err(_) => Err(ProxyError::WebSocket(format!(
            "no handshake within {HANDSHAKE_TIMEOUT:?}"
        ))),
    }
}

/// Copies frames both ways. When one side closes, the other is told and
/// gets a moment to finish its close handshake; a half-open terminal is
/// useless, so the pair ends together.
async fn relay(client: WebSocket, upstream: UpstreamSocket) {
    let (mut client_tx, mut client_rx) = client.split();
    let (mut upstream_tx, mut upstream_rx) = upstream.split();
    let mut to_upstream = pin!(async {
        while let Some(Ok(message)) = client_rx.next().await {
            let closing = matches!(message, ws::Message::Close(_));
            if upstream_tx.send(to_tungstenite(message)).await.is_err() || closing {
                break;
            }
        }
        let _ = upstream_tx.close().await;
    });
    let mut to_client = pin!(async {
        while let Some(Ok(message)) = upstream_rx.next().await {
            let closing = matches!(message, tungstenite::Message::Close(_));
            let Some(message) = to_axum(message) else {
                continue;
            };
            if client_tx.send(message).await.is_err() || closing {
                break;
            }
        }
        let _ = client_tx.close().await;
    });
    tokio::select! {
        () = &mut to_upstream => {
            let _ = tokio::time::timeout(CLOSE_GRACE, to_client).await;
        }
        () = &mut to_client => {
            let _ = tokio::time::timeout(CLOSE_GRACE, to_upstream).await;
        }
    }
}

fn to_tungstenite(message: ws::Message) -> tungstenite::Message {
    match message {
        ws::Message::Text(text) => tungstenite::Message::Text(text.as_str().into()),
        ws::Message::Binary(bytes) => tungstenite::Message::Binary(bytes),
        ws::Message::Ping(bytes) => tungstenite::Message::Ping(bytes),
        ws::Message::Pong(bytes) => tungstenite::Message::Pong(bytes),
        ws::Message::Close(frame) => {
            tungstenite::Message::Close(frame.map(|frame| protocol::CloseFrame {
                code: frame.code.into(),
                reason: frame.reason.as_str().into(),
            }))
        }
    }
}

/// `None` for raw frames, which only a low-level reader ever yields.
fn to_axum(message: tungstenite::Message) -> Option<ws::Message> {
    Some(match message {
        tungstenite::Message::Text(text) => ws::Message::Text(text.as_str().into()),
        tungstenite::Message::Binary(bytes) => ws::Message::Binary(bytes),
        tungstenite::Message::Ping(bytes) => ws::Message::Ping(bytes),
        tungstenite::Message::Pong(bytes) => ws::Message::Pong(bytes),
        tungstenite::Message::Close(frame) => {
            ws::Message::Close(frame.map(|frame| ws::CloseFrame {
                code: frame.code.into(),
                reason: frame.reason.as_str().into(),
            }))
        }
        tungstenite::Message::Frame(_) => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(header::HeaderName, &'static str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.append(name, axum::http::HeaderValue::from_static(value));
        }
        map
    }

    #[test]
    fn only_connection_upgrade_with_upgrade_websocket_is_an_upgrade() {
        let browser = headers(&[
            (header::CONNECTION, "keep-alive, Upgrade"),
            (header::UPGRADE, "WebSocket"),
        ]);
        assert!(is_upgrade(&browser));
        assert!(!is_upgrade(&headers(&[(header::UPGRADE, "websocket")])));
        assert!(!is_upgrade(&headers(&[(header::CONNECTION, "upgrade")])));
        let h2c = headers(&[(header::CONNECTION, "upgrade"), (header::UPGRADE, "h2c")]);
        assert!(!is_upgrade(&h2c));
    }
}
