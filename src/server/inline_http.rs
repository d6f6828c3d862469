//! A streamed request to opencode whose connection is driven by whoever
//! reads the response body, on that reader's task.
//!
//! reqwest runs each connection in a task of its own: every chunk opencode
//! sends is read there, handed over a channel and read again by the task
//! that forwards it, one wake-up (often across threads) per event. For an
//! event stream that hop was most of the time an event spent inside
//! pocketcode (issue 26). Here the connection is polled from the body's
//! `poll_frame`, so one task reads the upstream socket and writes the
//! client's, as Caddy's goroutine does. Each stream gets its own
//! connection (event streams are long-lived; nothing to pool).

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use axum::http::{HeaderMap, HeaderValue, Method, Request, Response, Uri, header};
use base64::Engine as _;
use bytes::Bytes;
use http_body_util::Empty;
use hyper::body::{Body, Frame, Incoming, SizeHint};
use hyper::client::conn::http1;
use hyper_util::rt::TokioIo;

use crate::server::supervisor::Upstream;

#[derive(Debug, thiserror::Error)]
pub enum InlineError {
    #[error("opencode's address {0:?} is not http://host:port")]
    Address(String),
    #[error("cannot connect to opencode: {0}")]
    Connect(#[from] std::io::Error),
    #[error("opencode did not answer: {0}")]
    Http(#[from] hyper::Error),
    #[error("bad request to opencode: {0}")]
    Request(#[from] axum::http::Error),
}

impl InlineError {
    pub fn status(&self) -> axum::http::StatusCode {
        axum::http::StatusCode::BAD_GATEWAY
    }
}

type Connection = http1::Connection<TokioIo<tokio::net::TcpStream>, Empty<Bytes>>;

/// A response body that also drives its connection.
pub struct InlineBody {
    connection: Option<Pin<Box<Connection>>>,
    incoming: Incoming,
    /// Kept so the connection does not close itself before the body ends.
    _sender: http1::SendRequest<Empty<Bytes>>,
}

impl std::fmt::Debug for InlineBody {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("InlineBody")
            .field("connected", &self.connection.is_some())
            .finish_non_exhaustive()
    }
}

impl InlineBody {
    /// Moves the connection forward: reads what the socket has into the
    /// body's channel. Once it ends (or fails) the body reports the rest.
    fn drive(&mut self, cx: &mut Context<'_>) {
        if let Some(connection) = self.connection.as_mut()
            && let Poll::Ready(result) = connection.as_mut().poll(cx)
        {
            if let Err(err) = result {
                tracing::debug!(%err, "opencode's streamed connection ended");
            }
            self.connection = None;
        }
    }
}

impl Body for InlineBody {
    type Data = Bytes;
    type Error = hyper::Error;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, hyper::Error>>> {
        let this = self.get_mut();
        this.drive(cx);
        Pin::new(&mut this.incoming).poll_frame(cx)
    }

    fn is_end_stream(&self) -> bool {
        self.incoming.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.incoming.size_hint()
    }
}

/// Sends a bodiless `method` request for `path` (with its query) to
/// `upstream`, with `headers` plus the host and opencode's credentials, and
/// returns the response once its head has come.
pub async fn send(
    upstream: &Upstream,
    method: Method,
    path: &str,
    headers: impl IntoIterator<Item = (header::HeaderName, HeaderValue)>,
) -> Result<Response<InlineBody>, InlineError> {
    let authority = authority(&upstream.base_url)?;
    let stream = tokio::net::TcpStream::connect(authority.as_str()).await?;
    stream.set_nodelay(true)?;
    let (mut sender, connection) = http1::handshake(TokioIo::new(stream)).await?;
    let mut request = Request::builder().method(method).uri(path);
    if let Some(out) = request.headers_mut() {
        out.extend(headers);
        let host = HeaderValue::from_str(&authority).map_err(axum::http::Error::from)?;
        out.insert(header::HOST, host);
        out.insert(header::AUTHORIZATION, basic(upstream)?);
    }
    let request = request.body(Empty::new())?;
    let mut connection = Box::pin(connection);
    // The head only comes while the connection is driven.
    let response = {
        let sent = sender.send_request(request);
        tokio::pin!(sent);
        tokio::select! {
            response = &mut sent => response?,
            ended = connection.as_mut() => {
                ended?;
                // The connection closed cleanly before answering: the
                // request's own error says so.
                sent.await?
            }
        }
    };
    let (head, incoming) = response.into_parts();
    Ok(Response::from_parts(
        head,
        InlineBody {
            connection: Some(connection),
            incoming,
            _sender: sender,
        },
    ))
}

/// `host:port` of an `http://host:port` base URL.
fn authority(base_url: &str) -> Result<String, InlineError> {
    let bad = || InlineError::Address(base_url.to_owned());
    let uri: Uri = base_url.parse().map_err(|_| bad())?;
    if uri.scheme_str() != Some("http") {
        return Err(bad());
    }
    let authority = uri.authority().ok_or_else(bad)?;
    if authority.port_u16().is_none() {
        return Err(bad());
    }
    Ok(authority.as_str().to_owned())
}

fn basic(upstream: &Upstream) -> Result<HeaderValue, axum::http::Error> {
    let token = base64::engine::general_purpose::STANDARD.encode(format!(
        "{}:{}",
        Upstream::USER,
        upstream.password
    ));
    let mut value = HeaderValue::from_str(&format!("Basic {token}"))?;
    value.set_sensitive(true);
    Ok(value)
}

/// Whether a request is for an event stream (so worth its own connection).
pub fn wants_event_stream(method: &Method, headers: &HeaderMap) -> bool {
    method == Method::GET
        && headers
            .get_all(header::ACCEPT)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .any(|v| v.contains("text/event-stream"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_plain_http_with_a_port_is_an_upstream_address() {
        assert_eq!(
            authority("http://127.0.0.1:4096").unwrap(),
            "127.0.0.1:4096"
        );
        for bad in [
            "https://127.0.0.1:4096",
            "http://127.0.0.1",
            "127.0.0.1:80",
            "",
        ] {
            assert!(authority(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn an_event_stream_is_a_get_that_accepts_one() {
        let mut headers = HeaderMap::new();
        headers.insert(
            header::ACCEPT,
            HeaderValue::from_static("text/event-stream"),
        );
        assert!(wants_event_stream(&Method::GET, &headers));
        assert!(!wants_event_stream(&Method::POST, &headers));
        assert!(!wants_event_stream(&Method::GET, &HeaderMap::new()));
    }
}
