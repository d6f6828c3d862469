//! Server-sent event streams as the tests and benches read them:
//! pocketcode's client stream (`/pocket/events`), opencode's own
//! `/global/event`, and the JSON each event carries.

use eventsource_stream::Eventsource as _;
use futures::StreamExt as _;
use futures::stream::BoxStream;
use pocketcode::server::supervisor::Upstream;
use serde_json::Value;

use super::TestServer;

/// The JSON data of each event of `response` (a `text/event-stream`), as
/// it arrives. Data that is not JSON is skipped; the stream ends where the
/// response ends or breaks.
pub fn json_items(response: reqwest::Response) -> BoxStream<'static, Value> {
    response
        .bytes_stream()
        .eventsource()
        .take_while(|event| std::future::ready(event.is_ok()))
        .filter_map(|event| async move { serde_json::from_str(&event.ok()?.data).ok() })
        .boxed()
}

/// `GET /pocket/events`, as a tab opens it (after `last_id` if given);
/// answered 200.
pub async fn pocket_events(server: &TestServer, last_id: Option<&str>) -> reqwest::Response {
    let mut request = server.http.get(server.url("/pocket/events"));
    if let Some(id) = last_id {
        request = request.header("last-event-id", id);
    }
    let response = request.send().await.expect("GET /pocket/events");
    assert_eq!(response.status(), 200);
    response
}

/// opencode's own `GET /global/event` (every directory at once), as a
/// second subscriber next to pocketcode's; answered 200.
pub async fn global_events(upstream: &Upstream) -> reqwest::Response {
    let response = upstream
        .request(
            &reqwest::Client::new(),
            reqwest::Method::GET,
            "/global/event",
        )
        .send()
        .await
        .expect("opencode's /global/event");
    assert_eq!(response.status(), 200);
    response
}

/// One item of the client stream: its id (if any) and its JSON.
pub type Item = (Option<String>, Value);

/// The client stream (after `last_id` if given), read strictly: every
/// event must parse and carry JSON, and nothing on the way may buffer it.
pub async fn client_stream(server: &TestServer, last_id: Option<&str>) -> BoxStream<'static, Item> {
    let response = pocket_events(server, last_id).await;
    assert_eq!(response.headers()["x-accel-buffering"], "no");
    response
        .bytes_stream()
        .eventsource()
        .map(|event| {
            let event = event.expect("SSE");
            let id = (!event.id.is_empty()).then_some(event.id);
            (id, serde_json::from_str(&event.data).expect("JSON item"))
        })
        .boxed()
}

/// The sequence number of a client stream id (`<epoch>-<seq>`).
pub fn seq(id: &str) -> u64 {
    id.rsplit_once('-')
        .expect("epoch-seq")
        .1
        .parse()
        .expect("seq")
}
