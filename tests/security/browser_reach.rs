//! A page in the shared browser tries pocketcode's own loopback ports and
//! a cloud metadata address with `fetch()`, next to another loopback
//! server (a dev server the agent runs, say) that it must still reach.

use axum::response::Html;
use axum::routing::get;
use serde_json::Value;

use crate::common::TestServer;
use crate::common::browser_chat::chat_form;
use crate::common::git_fixture::Remote;
use crate::common::http::{NewChat, call};
use crate::common::panel::Panel;
use pocketcode::model::browser::{BrowserStatus, ClientMessage};

/// Fetches every URL of the `#` JSON map (each given 8 s; a `ws://` one
/// is opened as a WebSocket and sent "ping") and puts what came back in
/// the title, then moves the hash so the panel hears of it.
const PROBE: &str = r#"<!doctype html><title>probing</title><script>
const socket = (url) => new Promise((resolve) => {
  const ws = new WebSocket(url);
  const timer = setTimeout(() => resolve({ error: 'no answer' }), 8000);
  ws.onopen = () => ws.send('ping');
  ws.onmessage = (event) => { clearTimeout(timer); resolve({ text: event.data }); ws.close(); };
  ws.onerror = () => { clearTimeout(timer); resolve({ error: 'the WebSocket failed' }); };
});
(async () => {
  const targets = JSON.parse(decodeURIComponent(location.hash.slice(1)));
  const results = {};
  for (const [name, url] of Object.entries(targets)) {
    const started = performance.now();
    try {
      if (url.startsWith('ws')) {
        results[name] = await socket(url);
      } else {
        const response = await fetch(url, { cache: 'no-store', signal: AbortSignal.timeout(8000) });
        results[name] = { status: response.status, text: (await response.text()).slice(0, 300) };
      }
    } catch (error) {
      results[name] = { error: String(error) };
    }
    results[name].ms = Math.round(performance.now() - started);
  }
  document.title = 'probed ' + JSON.stringify(results);
  location.hash = 'done';
})();
</script>"#;

/// Serves `router` on a loopback port until the task is aborted.
async fn serve(router: axum::Router) -> (String, tokio::task::JoinHandle<()>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind a test server");
    let url = format!("http://{}", listener.local_addr().expect("addr"));
    let task = tokio::spawn(async move {
        let _ = axum::serve(listener, router).await;
    });
    (url, task)
}

/// Answers a WebSocket's first message with "pong".
async fn pong(upgrade: axum::extract::ws::WebSocketUpgrade) -> axum::response::Response {
    use axum::extract::ws::Message;
    upgrade.on_upgrade(|mut socket| async move {
        if let Some(Ok(Message::Text(_))) = socket.recv().await {
            let _ = socket.send(Message::text("pong")).await;
        }
    })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_page_cannot_fetch_pocketcodes_or_opencodes_loopback_port() {
    let (pages, pages_task) =
        serve(axum::Router::new().route("/", get(|| async { Html(PROBE) }))).await;
    let (dev_server, dev_task) = serve(
        axum::Router::new()
            .route(
                "/allowed",
                get(|| async { ([("access-control-allow-origin", "*")], "allowed") }),
            )
            .route("/socket", get(pong)),
    )
    .await;
    let server = TestServer::start(&[]).await;
    let opencode = server.wait_ready().await;
    let fixtures = crate::common::TempDir::new();
    let remote = Remote::create(fixtures.path(), "remote");
    let chat = NewChat::make(&server, &remote.url()).await;
    let (status, state) = call(&server, "start_browser", &chat_form(&chat)).await;
    assert_eq!(status, 200, "{state}");
    // Whether Chromium has its own sandbox is reported (as root: not).
    assert!(state["sandboxed"].is_boolean(), "{state}");
    let mut panel = Panel::open(&server, &chat.repo, &chat.chat_id).await;
    panel
        .until("running", |p| {
            matches!(p.status, Some(BrowserStatus::Running { .. }))
        })
        .await;

    let pocketcode_port = server.base_url.rsplit(':').next().expect("a port");
    let targets = serde_json::json!({
        "pocketcode": server.url("/"),
        "pocketcode_by_name": format!("http://localhost:{pocketcode_port}/"),
        "opencode": format!("{}/global/health", opencode.base_url),
        "dev_server": format!("{dev_server}/allowed"),
        "dev_server_socket": format!("{}/socket", dev_server.replacen("http", "ws", 1)),
        "opencode_socket": format!("{}/global/event", opencode.base_url.replacen("http", "ws", 1)),
        "metadata": "http://169.254.169.254/latest/meta-data/",
    });
    let probe = format!(
        "{pages}/#{}",
        form_urlencoded::byte_serialize(targets.to_string().as_bytes()).collect::<String>()
    );
    panel.send(&ClientMessage::Navigate { url: probe }).await;
    panel
        .until("the probe's results", |p| p.title.starts_with("probed "))
        .await;
    let results: Value =
        serde_json::from_str(&panel.title["probed ".len()..]).expect("the results as JSON");

    // pocketcode's and opencode's ports: refused by pocketcode's proxy, with
    // the reason (without it, the requests reached them, and failed only
    // for want of CORS headers).
    for name in ["pocketcode", "pocketcode_by_name", "opencode"] {
        let result = &results[name];
        assert_eq!(result["status"], 403, "{name}: {results}");
        let text = result["text"].as_str().unwrap_or_default();
        assert!(
            text.contains("one of pocketcode's own"),
            "{name}: {results}"
        );
    }
    // A WebSocket (a CONNECT tunnel through the proxy) to opencode: refused.
    assert_eq!(
        results["opencode_socket"]["error"], "the WebSocket failed",
        "{results}"
    );
    // A cloud metadata address: refused at once, never left hanging.
    assert_eq!(results["metadata"]["status"], 403, "{results}");
    let took = results["metadata"]["ms"].as_u64().unwrap_or(u64::MAX);
    assert!(took < 3000, "{results}");
    // Another server on loopback (the agent's dev server): reached.
    assert_eq!(results["dev_server"]["status"], 200, "{results}");
    assert_eq!(results["dev_server"]["text"], "allowed", "{results}");
    assert_eq!(results["dev_server_socket"]["text"], "pong", "{results}");

    drop(panel);
    server.stop().await;
    pages_task.abort();
    dev_task.abort();
}
