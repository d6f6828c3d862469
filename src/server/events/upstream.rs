//! One upstream per watched directory: opencode's `GET /event` with the
//! directory header, parsed as SSE and published to the hub. It reconnects
//! with backoff and jitter whenever the stream ends (opencode restarted,
//! network hiccup), and after every (re)connect resynchronises the
//! directory's chat states from opencode's REST API: what happened while it
//! was down is not lost, and clients are told to refetch.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use eventsource_stream::Eventsource as _;
use futures::StreamExt as _;
use rand::Rng as _;

use super::hub::EventHub;
use crate::api::live::ChatStatus;
use crate::opencode::{Session, SessionStatus};
use crate::server::opencode_client::OpencodeClient;

pub(super) const FIRST_RETRY: Duration = Duration::from_millis(250);
pub(super) const LONGEST_RETRY: Duration = Duration::from_secs(10);
/// A connection that lasted this long resets the backoff.
pub(super) const STABLE: Duration = Duration::from_secs(30);
/// How long to wait for opencode to be up before trying again.
const WAIT_FOR_OPENCODE: Duration = Duration::from_secs(30);

/// Runs until aborted by [`EventHub::unwatch`] or shutdown.
pub async fn relay(hub: Arc<EventHub>, directory: String) {
    let mut backoff = FIRST_RETRY;
    let mut connected_before = false;
    loop {
        let started = Instant::now();
        match stream_once(&hub, &directory, connected_before).await {
            Ok(()) => {
                connected_before = true;
                tracing::info!(%directory, "opencode event stream ended; reconnecting");
            }
            Err(err) => tracing::warn!(%directory, %err, "opencode event stream unavailable"),
        }
        if started.elapsed() > STABLE {
            backoff = FIRST_RETRY;
        }
        tokio::time::sleep(jittered(backoff)).await;
        backoff = (backoff * 2).min(LONGEST_RETRY);
    }
}

/// Connects once and relays until the stream ends. `Ok` once connected.
async fn stream_once(hub: &Arc<EventHub>, directory: &str, reconnect: bool) -> Result<(), String> {
    let upstream = hub
        .supervisor
        .upstream_within(WAIT_FOR_OPENCODE)
        .await
        .map_err(|err| err.to_string())?;
    let response = upstream
        .request(&hub.http, reqwest::Method::GET, "/event")
        .header("x-opencode-directory", directory)
        .header(reqwest::header::ACCEPT, "text/event-stream")
        .send()
        .await
        .map_err(|err| err.to_string())?;
    if !response.status().is_success() {
        return Err(format!("opencode answered {}", response.status()));
    }
    // Connected: anything that happened before now is in opencode's REST
    // state, anything after arrives on this stream.
    let client = OpencodeClient::new(hub.http.clone(), upstream);
    if let Err(err) = resync(hub, &client, directory).await {
        tracing::warn!(%directory, %err, "cannot resync chat states");
    }
    if reconnect {
        hub.publish_resync(Some(directory), "the upstream event stream reconnected");
    }
    hub.set_connected(directory, true);
    let mut events = response.bytes_stream().eventsource();
    while let Some(event) = events.next().await {
        match event {
            Ok(event) => hub.publish_upstream(directory, &event.data),
            Err(err) => {
                tracing::debug!(%directory, %err, "upstream event stream broke");
                break;
            }
        }
    }
    hub.set_connected(directory, false);
    Ok(())
}

async fn resync(hub: &EventHub, client: &OpencodeClient, directory: &str) -> Result<(), String> {
    let path = std::path::Path::new(directory);
    let sessions: Vec<Session> = client
        .list_sessions(path)
        .await
        .map_err(|err| err.to_string())?;
    let statuses = client.statuses(path).await.map_err(|err| err.to_string())?;
    let listed: Vec<(String, String)> = sessions
        .into_iter()
        .filter(|session| session.directory == directory)
        .map(|session| (session.id, session.title))
        .collect();
    let busy: HashMap<String, ChatStatus> = statuses
        .into_iter()
        .filter_map(|(id, status)| {
            let status = match status {
                SessionStatus::Busy => ChatStatus::Busy,
                SessionStatus::Retry { .. } => ChatStatus::Retrying,
                SessionStatus::Idle | SessionStatus::Other => return None,
            };
            Some((id, status))
        })
        .collect();
    hub.resync_summaries(directory, &listed, &busy);
    Ok(())
}

/// ±25 %, so many upstreams that broke together do not retry together.
pub(super) fn jittered(base: Duration) -> Duration {
    base.mul_f64(rand::rng().random_range(0.75..1.25))
}
