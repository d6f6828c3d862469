//! Chats interrupted by an opencode restart. opencode keeps a session's run
//! (and its pending permission or question) in memory only: when the
//! supervisor replaces opencode, whatever the cause, every local chat that
//! was working lost its run. The hub marks them interrupted (its summaries'
//! resync after the restart leaves them so, until they run again or the
//! user sends something) and tells every tab with a `restarted` item: the
//! top bar says so, the sidebar refetches, the chat offers "Continue".

use std::sync::Arc;

use super::hub::EventHub;
use crate::model::live::{OpencodeRestart, StreamItem};
use crate::server::supervisor::LastRestart;

/// Interrupts the working chats at every restart the hub's supervisor
/// records, until the hub or the supervisor is gone.
pub fn interrupt_on_restarts(hub: &Arc<EventHub>) -> tokio::task::JoinHandle<()> {
    // Weak: the hub owns the supervisor, whose end ends this task.
    let mut restarts = hub.supervisor.restarts();
    let hub = Arc::downgrade(hub);
    tokio::spawn(async move {
        while let Some(restart) = restarts.next().await {
            let Some(hub) = hub.upgrade() else {
                return;
            };
            let interrupted = hub.publish_restart(frame(&restart));
            tracing::info!(
                interrupted,
                cause = %restart.cause,
                "opencode was restarted: the chats that were working are interrupted"
            );
        }
    })
}

/// The stream item that tells the tabs.
fn frame(restart: &LastRestart) -> String {
    let item = StreamItem::Restarted(OpencodeRestart {
        cause: restart.cause.to_string(),
        reason: restart.reason.clone(),
        at_ms: restart.at_ms,
    });
    // A plain struct of strings and a number always serialises.
    serde_json::to_string(&item).unwrap_or_default()
}
