//! What the upstream relays (`global` for local directories, `remote` for
//! each connected remote) share: how they open opencode's
//! `GET /global/event` (read on the relay's own task), how they retry (with backoff and jitter whenever
//! their stream ends: opencode restarted, network hiccup), and which chats
//! a resync finds running.

use std::collections::HashMap;
use std::time::Duration;

use crate::model::live::ChatStatus;
use crate::opencode::SessionStatus;
use http_body_util::BodyDataStream;

use crate::server::backoff::Backoff;
use crate::server::inline_http::{self, InlineBody};
use crate::server::supervisor::Upstream;

const FIRST_RETRY: Duration = Duration::from_millis(250);
const LONGEST_RETRY: Duration = Duration::from_secs(10);
/// A connection that lasted this long resets the backoff.
pub(super) const STABLE: Duration = Duration::from_secs(30);

/// The wait between a relay's reconnects.
pub(super) fn retry_backoff() -> Backoff {
    Backoff::new(FIRST_RETRY, LONGEST_RETRY).jittered()
}

/// `upstream`'s `GET /global/event` as a stream of body chunks, once it
/// answered with success; `who` names the opencode in the error (e.g. "the
/// remote opencode"). The connection is read by the task that reads the
/// stream (see [`inline_http`]): the relay, with no hop in between.
pub(super) async fn open_global_events(
    upstream: &Upstream,
    who: &str,
) -> Result<BodyDataStream<InlineBody>, String> {
    let accept = (
        axum::http::header::ACCEPT,
        axum::http::HeaderValue::from_static("text/event-stream"),
    );
    let response = inline_http::send(upstream, axum::http::Method::GET, "/global/event", [accept])
        .await
        .map_err(|err| err.to_string())?;
    if !response.status().is_success() {
        return Err(format!("{who} answered {}", response.status()));
    }
    Ok(BodyDataStream::new(response.into_body()))
}

/// The chats of `statuses` that are running (busy or retrying).
pub(super) fn running(statuses: HashMap<String, SessionStatus>) -> HashMap<String, ChatStatus> {
    statuses
        .into_iter()
        .filter_map(|(id, status)| match status {
            SessionStatus::Busy => Some((id, ChatStatus::Busy)),
            SessionStatus::Retry { .. } => Some((id, ChatStatus::Retrying)),
            SessionStatus::Idle | SessionStatus::Other => None,
        })
        .collect()
}
