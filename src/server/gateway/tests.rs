//! The gateway between a client and real loopback upstreams: the scripted
//! model (which requires its key) and a small server that answers with the
//! request it got, and streams on command.

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use axum::extract::Request;
use axum::routing::any;
use futures::StreamExt as _;
use serde_json::{Value, json};
use tokio::sync::oneshot;

use super::{Gateway, KeyHeader, ProviderRoute};
use crate::server::scripted_model::{MODEL_ID, ScriptedModel};

/// A loopback upstream: `/v9/echo` answers with the method, path, query and
/// headers it got; `/v9/stream` sends one chunk, then the rest once told.
struct Upstream {
    addr: SocketAddr,
    release: Arc<Mutex<Option<oneshot::Sender<()>>>>,
    task: tokio::task::JoinHandle<()>,
}

impl Upstream {
    async fn start() -> Self {
        let (release_tx, release_rx) = oneshot::channel::<()>();
        let release_rx = Arc::new(Mutex::new(Some(release_rx)));
        let router = axum::Router::new().route("/v9/echo", any(echo)).route(
            "/v9/stream",
            any(move || {
                let waiting = release_rx.lock().expect("lock").take();
                async move {
                    let first =
                        futures::stream::once(async { Ok::<_, std::io::Error>("data: first\n\n") });
                    let rest = futures::stream::once(async move {
                        if let Some(waiting) = waiting {
                            let _ = waiting.await;
                        }
                        Ok("data: last\n\n")
                    });
                    axum::response::Response::builder()
                        .header("content-type", "text/event-stream")
                        .body(axum::body::Body::from_stream(first.chain(rest)))
                        .expect("response")
                }
            }),
        );
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let addr = listener.local_addr().expect("addr");
        let task = tokio::spawn(async move {
            let _ = axum::serve(listener, router).await;
        });
        Self {
            addr,
            release: Arc::new(Mutex::new(Some(release_tx))),
            task,
        }
    }

    fn route(&self, id: &str, header: KeyHeader) -> ProviderRoute {
        let base = format!("http://{}/v9", self.addr);
        ProviderRoute::new(id, &base, header, "sk-real-key".into()).expect("route")
    }
}

async fn echo(request: Request) -> axum::Json<Value> {
    let headers: serde_json::Map<String, Value> = request
        .headers()
        .iter()
        .map(|(n, v)| (n.to_string(), json!(v.to_str().unwrap_or("?"))))
        .collect();
    let body = axum::body::to_bytes(request.into_body(), 1 << 20)
        .await
        .unwrap_or_default();
    axum::Json(json!({
        "headers": headers,
        "body": String::from_utf8_lossy(&body),
    }))
}

fn chat(stream: bool) -> Value {
    json!({
        "model": MODEL_ID,
        "stream": stream,
        "messages": [{ "role": "user", "content": "Hello gateway" }],
    })
}

#[tokio::test]
async fn the_scripted_model_gets_its_key_and_never_the_token() {
    let model = ScriptedModel::start().await.expect("model");
    let route = ProviderRoute::new(
        "scripted",
        &model.base_url(),
        KeyHeader::Bearer,
        model.api_key().into(),
    )
    .expect("route");
    let gateway = Gateway::start(vec![route]).await.expect("gateway");
    let http = reqwest::Client::new();
    let url = format!("{}/chat/completions", gateway.url("scripted"));
    let response = http
        .post(&url)
        .bearer_auth(gateway.token())
        .json(&chat(true))
        .send()
        .await
        .expect("through the gateway");
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["content-type"], "text/event-stream");
    let text = response.text().await.expect("body");
    assert!(
        text.contains("chat.completion.chunk") && text.contains("[DONE]"),
        "{text}"
    );
    assert_eq!(
        model.authorizations(),
        [format!("Bearer {}", model.api_key())]
    );
    // The real key is worthless to the gateway, and the token to the model.
    for (target, key) in [
        (url.clone(), model.api_key()),
        (
            format!("{}/chat/completions", model.base_url()),
            gateway.token(),
        ),
    ] {
        let refused = http
            .post(target)
            .bearer_auth(key)
            .json(&chat(false))
            .send()
            .await
            .expect("answers");
        assert_eq!(refused.status(), 401);
    }
    assert_eq!(model.requests(), 1);
    gateway.stop().await;
    model.stop().await;
}

#[tokio::test]
async fn refusals_reach_nothing() {
    let upstream = Upstream::start().await;
    let model = ScriptedModel::start().await.expect("model");
    let route = ProviderRoute::new(
        "scripted",
        &model.base_url(),
        KeyHeader::Bearer,
        model.api_key().into(),
    )
    .expect("route");
    let gateway = Gateway::start(vec![route, upstream.route("echo", KeyHeader::Bearer)])
        .await
        .expect("gateway");
    let http = reqwest::Client::new();
    let post = |path: &str| {
        http.post(format!("http://{}{path}", gateway.addr()))
            .json(&chat(false))
    };
    let cases = [
        (post("/scripted/chat/completions"), 401, "gateway_token"),
        (
            post("/scripted/chat/completions").bearer_auth("sk-guess"),
            401,
            "gateway_token",
        ),
        (post("/nowhere/chat/completions"), 401, "gateway_token"),
        (
            post("/nowhere/chat/completions").bearer_auth(gateway.token()),
            404,
            "unknown_provider",
        ),
        (
            post("/scripted/chat/completions")
                .header("x-api-key", gateway.token())
                .bearer_auth("sk-other"),
            401,
            "gateway_token",
        ),
    ];
    for (request, status, code) in cases {
        let response = request.send().await.expect("answers");
        assert_eq!(response.status(), status);
        let body: Value = response.json().await.expect("JSON error");
        assert_eq!(body["error"]["code"], code, "{body}");
        assert!(
            body["error"]["message"]
                .as_str()
                .is_some_and(|m| !m.is_empty())
        );
    }
    // Clients resolve `..` before sending; a raw request does not.
    let raw = format!(
        "GET /echo/%2e%2e/%2E%2e/v1/models HTTP/1.1\r\nhost: x\r\nauthorization: Bearer {}\r\nconnection: close\r\n\r\n",
        gateway.token()
    );
    let answer = raw_request(gateway.addr(), &raw).await;
    assert!(answer.starts_with("HTTP/1.1 400"), "{answer}");
    assert!(answer.contains("bad_path"), "{answer}");
    assert_eq!(model.requests(), 0);
    assert!(model.authorizations().is_empty());
    gateway.stop().await;
    model.stop().await;
    upstream.task.abort();
}

async fn raw_request(addr: SocketAddr, request: &str) -> String {
    use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
    let mut tcp = tokio::net::TcpStream::connect(addr).await.expect("connect");
    tcp.write_all(request.as_bytes()).await.expect("write");
    let mut answer = String::new();
    tcp.read_to_string(&mut answer).await.expect("read");
    answer
}

#[tokio::test]
async fn the_providers_own_header_carries_the_key_and_the_rest_passes() {
    let upstream = Upstream::start().await;
    let gateway = Gateway::start(vec![
        upstream.route("anthropic", KeyHeader::XApiKey),
        upstream.route("google", KeyHeader::XGoogApiKey),
    ])
    .await
    .expect("gateway");
    let http = reqwest::Client::new();
    for (id, header) in [("anthropic", "x-api-key"), ("google", "x-goog-api-key")] {
        let answer: Value = http
            .post(format!("{}/echo?alt=sse", gateway.url(id)))
            .header(header, gateway.token())
            .header("anthropic-version", "2023-06-01")
            .header("connection", "keep-alive, x-hop")
            .header("x-hop", "1")
            .body("{\"hello\":1}")
            .send()
            .await
            .expect("through")
            .json()
            .await
            .expect("JSON");
        let headers = &answer["headers"];
        assert_eq!(headers[header], "sk-real-key", "{answer}");
        assert!(headers.get("authorization").is_none(), "{answer}");
        assert_eq!(headers["anthropic-version"], "2023-06-01");
        assert!(headers.get("x-hop").is_none(), "{answer}");
        assert_eq!(answer["body"], "{\"hello\":1}");
        assert!(!answer.to_string().contains(gateway.token()));
    }
    gateway.stop().await;
    upstream.task.abort();
}

#[tokio::test]
async fn an_event_stream_comes_through_chunk_by_chunk() {
    let upstream = Upstream::start().await;
    let gateway = Gateway::start(vec![upstream.route("echo", KeyHeader::Bearer)])
        .await
        .expect("gateway");
    let mut response = reqwest::Client::new()
        .get(format!("{}/stream", gateway.url("echo")))
        .bearer_auth(gateway.token())
        .send()
        .await
        .expect("through");
    // The upstream holds its second chunk until released: the first must
    // arrive without it, or the gateway buffers.
    let first = response
        .chunk()
        .await
        .expect("read")
        .expect("a first chunk");
    assert_eq!(&first[..], b"data: first\n\n");
    if let Some(release) = upstream.release.lock().expect("lock").take() {
        let _ = release.send(());
    }
    let rest = response.chunk().await.expect("read").expect("the rest");
    assert_eq!(&rest[..], b"data: last\n\n");
    gateway.stop().await;
    upstream.task.abort();
}

/// The names of this process's threads.
fn thread_names() -> Vec<String> {
    std::fs::read_dir("/proc/self/task")
        .expect("/proc/self/task")
        .flatten()
        .filter_map(|t| std::fs::read_to_string(t.path().join("comm")).ok())
        .map(|name| name.trim_end().to_owned())
        .collect()
}

/// Polls until `done` holds (for at most 5 s); whether it did.
async fn eventually(done: impl Fn() -> bool) -> bool {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(5);
    while !done() && std::time::Instant::now() < deadline {
        tokio::time::sleep(std::time::Duration::from_millis(10)).await;
    }
    done()
}

#[tokio::test]
async fn the_gateway_relays_on_a_thread_of_its_own_which_ends_with_it() {
    let count = || thread_names().iter().filter(|n| *n == "gateway").count();
    // Other tests of this binary may run gateways of their own meanwhile.
    let before = count();
    let upstream = Upstream::start().await;
    let gateway = Gateway::start(vec![upstream.route("echo", KeyHeader::Bearer)])
        .await
        .expect("gateway");
    // A thread names itself once it runs.
    assert!(
        eventually(|| count() > before).await,
        "{:?}",
        thread_names()
    );
    let answer = reqwest::Client::new()
        .get(format!("{}/echo", gateway.url("echo")))
        .bearer_auth(gateway.token())
        .send()
        .await
        .expect("through");
    assert!(answer.status().is_success());
    gateway.stop().await;
    upstream.task.abort();
    // The thread exits just after serving ends.
    assert!(
        eventually(|| count() <= before).await,
        "{:?}",
        thread_names()
    );
}
