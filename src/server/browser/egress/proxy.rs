//! The forward proxy every chat's Chromium is started with, loopback
//! included (`--proxy-bypass-list=<-loopback>`): plain HTTP comes in
//! absolute form and is forwarded (a WebSocket upgrade too); HTTPS and
//! WebSockets come as CONNECT and are tunnelled. Each destination is
//! resolved and judged by [`Reach`] first, and the connection goes to the
//! judged address; a refused one gets a 403 with the reason, never a
//! connection.

use std::convert::Infallible;
use std::time::Duration;

use axum::http::{Method, Request, Response, StatusCode, Uri, header, uri::Scheme};
use bytes::Bytes;
use http_body_util::{BodyExt, Empty, Full, combinators::BoxBody};
use hyper::body::Incoming;
use hyper_util::rt::TokioIo;
use tokio::net::{TcpListener, TcpStream};

use super::{EgressError, Reach};

/// A destination that does not answer is an error page, not a hung tab.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

type Body = BoxBody<Bytes, hyper::Error>;

/// The proxy, on a loopback port, until dropped.
pub struct ForwardProxy {
    pub port: u16,
    task: tokio::task::JoinHandle<()>,
}

impl ForwardProxy {
    pub async fn start(reach: Reach) -> Result<Self, EgressError> {
        let listener = TcpListener::bind("127.0.0.1:0")
            .await
            .map_err(EgressError::Listen)?;
        let port = listener.local_addr().map_err(EgressError::Listen)?.port();
        let task = tokio::spawn(async move {
            loop {
                match listener.accept().await {
                    Ok((stream, _)) => {
                        tokio::spawn(serve_connection(reach.clone(), stream));
                    }
                    Err(err) => {
                        // Out of file descriptors, say: the proxy waits, it does not end.
                        tracing::warn!(%err, "the shared browser's proxy cannot accept");
                        tokio::time::sleep(Duration::from_millis(100)).await;
                    }
                }
            }
        });
        Ok(Self { port, task })
    }
}

impl Drop for ForwardProxy {
    fn drop(&mut self) {
        self.task.abort();
    }
}

async fn serve_connection(reach: Reach, stream: TcpStream) {
    let service = hyper::service::service_fn(move |request| {
        let reach = reach.clone();
        async move { Ok::<_, Infallible>(handle(&reach, request).await) }
    });
    let served = hyper::server::conn::http1::Builder::new()
        .preserve_header_case(true)
        .serve_connection(TokioIo::new(stream), service)
        .with_upgrades()
        .await;
    if let Err(err) = served {
        tracing::debug!(%err, "a connection to the shared browser's proxy ended");
    }
}

async fn handle(reach: &Reach, request: Request<Incoming>) -> Response<Body> {
    let target = request.uri().to_string();
    let result = if request.method() == Method::CONNECT {
        tunnel(reach, request).await
    } else {
        forward(reach, request).await
    };
    result.unwrap_or_else(|err| {
        // Debug only: the page shows the reason, and a page can make
        // thousands of such requests a second.
        tracing::debug!(%target, %err, "the shared browser's request was refused or failed");
        refusal(&err)
    })
}

/// The error as a plain-text page. A page may read it (any origin): it
/// learns no more than the failure itself tells it.
fn refusal(err: &EgressError) -> Response<Body> {
    let mut response = Response::new(
        Full::new(Bytes::from(format!("{err}\n")))
            .map_err(|never| match never {})
            .boxed(),
    );
    *response.status_mut() = err.status();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        header::HeaderValue::from_static("text/plain; charset=utf-8"),
    );
    headers.insert(
        header::ACCESS_CONTROL_ALLOW_ORIGIN,
        header::HeaderValue::from_static("*"),
    );
    response
}

/// Connects to the first address of `host`:`port` that answers, once
/// every address it has is allowed.
async fn connect(reach: &Reach, host: &str, port: u16) -> Result<TcpStream, EgressError> {
    let mut reason = String::new();
    for address in reach.resolve(host, port).await? {
        match tokio::time::timeout(CONNECT_TIMEOUT, TcpStream::connect(address)).await {
            Ok(Ok(stream)) => return Ok(stream),
            Ok(Err(err)) => reason = err.to_string(),
            Err(_) => reason = format!("no answer within {CONNECT_TIMEOUT:?}"),
        }
    }
    Err(EgressError::Connect {
        target: format!("{host}:{port}"),
        reason,
    })
}

/// `CONNECT host:port`: connects, answers 200, then pipes bytes both ways.
async fn tunnel(reach: &Reach, request: Request<Incoming>) -> Result<Response<Body>, EgressError> {
    let bad = || EgressError::BadTarget(request.uri().to_string());
    let authority = request.uri().authority().ok_or_else(bad)?;
    let port = authority.port_u16().ok_or_else(bad)?;
    let mut upstream = connect(reach, authority.host(), port).await?;
    tokio::spawn(async move {
        match hyper::upgrade::on(request).await {
            Ok(upgraded) => {
                let _ =
                    tokio::io::copy_bidirectional(&mut TokioIo::new(upgraded), &mut upstream).await;
            }
            Err(err) => tracing::debug!(%err, "a CONNECT tunnel was never taken up"),
        }
    });
    Ok(Response::new(
        Empty::new().map_err(|never| match never {}).boxed(),
    ))
}

/// `GET http://host:port/path`: sent on to the destination in origin form
/// over a connection of its own, the answer streamed back.
async fn forward(
    reach: &Reach,
    mut request: Request<Incoming>,
) -> Result<Response<Body>, EgressError> {
    let uri = request.uri().clone();
    let bad = || EgressError::BadTarget(uri.to_string());
    if uri.scheme() != Some(&Scheme::HTTP) {
        return Err(bad());
    }
    let authority = uri.authority().ok_or_else(bad)?;
    let port = authority.port_u16().unwrap_or(80);
    let upstream = connect(reach, authority.host(), port).await?;
    let target = format!("{}:{port}", authority.host());
    *request.uri_mut() = Uri::builder()
        .path_and_query(uri.path_and_query().map_or("/", |p| p.as_str()))
        .build()
        .map_err(|_| bad())?;
    let headers = request.headers_mut();
    headers.remove("proxy-connection");
    headers.remove(header::PROXY_AUTHORIZATION);
    if !headers.contains_key(header::HOST) {
        let host = header::HeaderValue::from_str(authority.as_str()).map_err(|_| bad())?;
        headers.insert(header::HOST, host);
    }
    let client_upgrade = request
        .headers()
        .contains_key(header::UPGRADE)
        .then(|| hyper::upgrade::on(&mut request));
    let failed = |err: hyper::Error| EgressError::Connect {
        target: target.clone(),
        reason: err.to_string(),
    };
    let (mut sender, connection) = hyper::client::conn::http1::Builder::new()
        .preserve_header_case(true)
        .handshake(TokioIo::new(upstream))
        .await
        .map_err(failed)?;
    tokio::spawn(async move {
        let _ = connection.with_upgrades().await;
    });
    let mut response = sender.send_request(request).await.map_err(failed)?;
    if response.status() == StatusCode::SWITCHING_PROTOCOLS
        && let Some(client) = client_upgrade
    {
        let server = hyper::upgrade::on(&mut response);
        tokio::spawn(async move {
            if let (Ok(client), Ok(server)) = tokio::join!(client, server) {
                let _ = tokio::io::copy_bidirectional(
                    &mut TokioIo::new(client),
                    &mut TokioIo::new(server),
                )
                .await;
            }
        });
    }
    Ok(response.map(BodyExt::boxed))
}
