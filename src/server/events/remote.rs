//! One upstream per connected remote: its opencode's `GET /global/event`
//! (every directory at once) through the SSH tunnel. Each event is filed
//! under `@<connection>:<directory>` and published to the same hub as the
//! local ones. While the connection is down (or being rebuilt) the relay
//! waits and retries with backoff; after every (re)connect it resyncs the
//! remote's recent chats and tells clients to refetch.

use std::collections::BTreeSet;
use std::path::Path;
use std::sync::Arc;
use std::time::Instant;

use futures::StreamExt as _;

use super::hub::EventHub;
use super::sse_data::SseData;
use super::unwrap::unwrap_global;
use super::upstream::{STABLE, open_global_events, retry_backoff, running};
use crate::model::remotes::event_directory;
use crate::server::opencode_client::OpencodeClient;
use crate::server::supervisor::Upstream;

/// Where a remote's opencode is right now (`None` while not connected).
pub type UpstreamSource = Arc<dyn Fn() -> Option<Upstream> + Send + Sync>;

/// How many of the remote's latest chats a resync looks at.
const RESYNC_SESSIONS: usize = 50;

/// Runs until aborted by [`EventHub::unwatch_remote`] or shutdown.
pub async fn relay(hub: Arc<EventHub>, repo: String, source: UpstreamSource) {
    let mut backoff = retry_backoff();
    let mut connected_before = false;
    loop {
        let started = Instant::now();
        match source() {
            None => tracing::debug!(%repo, "remote not connected; its events wait"),
            Some(upstream) => match stream_once(&hub, &repo, upstream, connected_before).await {
                Ok(()) => {
                    connected_before = true;
                    tracing::info!(%repo, "remote event stream ended; reconnecting");
                }
                Err(err) => tracing::warn!(%repo, %err, "remote event stream unavailable"),
            },
        }
        if started.elapsed() > STABLE {
            backoff.reset();
        }
        backoff.wait().await;
    }
}

async fn stream_once(
    hub: &Arc<EventHub>,
    repo: &str,
    upstream: Upstream,
    reconnect: bool,
) -> Result<(), String> {
    let response = open_global_events(&upstream, "the remote opencode").await?;
    let client = OpencodeClient::new(hub.http.clone(), upstream);
    if let Err(err) = resync(hub, &client, repo).await {
        tracing::warn!(%repo, %err, "cannot resync the remote's chat states");
    }
    if reconnect {
        hub.publish_resync(None, "a remote's event stream reconnected");
    }
    hub.set_connected(repo, true);
    let mut events = SseData::new(response);
    while let Some(event) = events.next().await {
        match event {
            Ok(data) => {
                if let Some(event) = unwrap_global(&data) {
                    hub.publish_event(
                        &event_directory(repo, &event.directory),
                        &event.kind,
                        event.session.as_deref(),
                        event.payload,
                    );
                }
            }
            Err(err) => {
                tracing::debug!(%repo, %err, "remote event stream broke");
                break;
            }
        }
    }
    hub.set_connected(repo, false);
    Ok(())
}

/// The remote's recent chats: titles, and the run state of each directory.
async fn resync(hub: &EventHub, client: &OpencodeClient, repo: &str) -> Result<(), String> {
    let sessions = client
        .recent_root_sessions(RESYNC_SESSIONS)
        .await
        .map_err(|err| err.to_string())?;
    let directories: BTreeSet<&str> = sessions.iter().map(|s| s.directory.as_str()).collect();
    for directory in directories {
        let statuses = client
            .statuses(Path::new(directory))
            .await
            .map_err(|err| err.to_string())?;
        let listed: Vec<(String, String)> = sessions
            .iter()
            .filter(|s| s.directory == directory)
            .map(|s| (s.id.clone(), s.title.clone()))
            .collect();
        hub.resync_summaries(
            &event_directory(repo, directory),
            &listed,
            &running(statuses),
        );
    }
    Ok(())
}
