//! `GET /pocket/events`: one SSE stream per tab with everything from every
//! watched directory, replay after `Last-Event-ID`, heartbeats, and a
//! `resync` for a client that fell too far behind (then the stream ends and
//! the client reconnects from where the resync put it).

use std::convert::Infallible;
use std::sync::Arc;

use axum::body::Body;
use axum::extract::{Query, State};
use axum::http::header::{CACHE_CONTROL, CONTENT_TYPE};
use axum::http::{HeaderMap, HeaderValue};
use axum::response::Response;
use bytes::Bytes;
use futures::Stream;
use serde::Deserialize;
use tokio::sync::broadcast::error::RecvError;

use super::hub::EventHub;
use super::replay::{Replay, Stored, sse_event};

#[derive(Debug, Default, Deserialize)]
pub struct StreamQuery {
    /// For clients that reopen the stream themselves (an `EventSource` only
    /// sends `Last-Event-ID` on its own automatic reconnects).
    #[serde(default)]
    last_event_id: Option<String>,
}

const HEARTBEAT: &[u8] = b"data: {\"kind\":\"heartbeat\"}\n\n";

pub async fn events(
    State(hub): State<Arc<EventHub>>,
    headers: HeaderMap,
    Query(query): Query<StreamQuery>,
) -> Response {
    let last_id = headers
        .get("last-event-id")
        .and_then(|v| v.to_str().ok())
        .map(str::to_string)
        .or(query.last_event_id)
        .filter(|id| !id.trim().is_empty());
    // The events are sent as stored: each is already one encoded SSE event.
    let mut response = Response::new(Body::from_stream(client_stream(hub, last_id)));
    let out = response.headers_mut();
    out.insert(CONTENT_TYPE, HeaderValue::from_static("text/event-stream"));
    out.insert(CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    out.insert("x-accel-buffering", HeaderValue::from_static("no"));
    response
}

enum Phase {
    Replaying(std::vec::IntoIter<Arc<Stored>>),
    Live,
    Done,
}

struct ClientState {
    hub: Arc<EventHub>,
    phase: Phase,
    live: tokio::sync::broadcast::Receiver<Arc<Stored>>,
    last_sent: u64,
    heartbeat: tokio::time::Interval,
    pending_resync: Option<&'static str>,
}

fn client_stream(
    hub: Arc<EventHub>,
    last_id: Option<String>,
) -> impl Stream<Item = Result<Bytes, Infallible>> {
    let subscription = hub.subscribe(last_id.as_deref());
    let (phase, pending_resync) = match subscription.replay {
        Replay::Missed(items) => (Phase::Replaying(items.into_iter()), None),
        Replay::Resync(reason) => (Phase::Live, Some(reason)),
    };
    let period = hub.heartbeat();
    let mut heartbeat = tokio::time::interval_at(tokio::time::Instant::now() + period, period);
    heartbeat.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let state = ClientState {
        hub,
        phase,
        live: subscription.live,
        last_sent: 0,
        heartbeat,
        pending_resync,
    };
    futures::stream::unfold(state, |mut state| async move {
        let event = next_event(&mut state).await?;
        Some((Ok(event), state))
    })
}

async fn next_event(state: &mut ClientState) -> Option<Bytes> {
    if let Some(reason) = state.pending_resync.take() {
        return Some(resync(&state.hub, reason));
    }
    loop {
        match &mut state.phase {
            Phase::Done => return None,
            Phase::Replaying(items) => match items.next() {
                Some(item) => {
                    state.last_sent = item.seq;
                    return Some(item.wire.clone());
                }
                None => state.phase = Phase::Live,
            },
            Phase::Live => {
                tokio::select! {
                    received = state.live.recv() => match received {
                        Ok(item) if item.seq > state.last_sent => {
                            state.last_sent = item.seq;
                            return Some(item.wire.clone());
                        }
                        Ok(_) => {}
                        Err(RecvError::Lagged(missed)) => {
                            tracing::info!(missed, "a client fell behind; telling it to resync");
                            state.phase = Phase::Done;
                            return Some(resync(&state.hub, "this client fell too far behind"));
                        }
                        Err(RecvError::Closed) => return None,
                    },
                    _ = state.heartbeat.tick() => return Some(Bytes::from_static(HEARTBEAT)),
                }
            }
        }
    }
}

/// A resync carries the current position as its id, so the client's next
/// reconnect continues from here rather than asking for the lost range again.
fn resync(hub: &EventHub, reason: &str) -> Bytes {
    let body = serde_json::json!({ "kind": "resync", "reason": reason });
    sse_event(&hub.wire_id(hub.last_seq()), &body.to_string())
}
