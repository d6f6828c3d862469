//! Chats and the live event stream: a new chat's worktree is relayed at
//! once, and at start-up every directory that has sessions; removed
//! worktrees are let go (nothing about them is wanted any more).

use std::path::Path;
use std::sync::Arc;

use crate::server::events::EventHub;
use crate::server::git::Layout;

pub fn watch_chat(events: &Arc<EventHub>, worktree: &str) {
    events.watch(Path::new(worktree));
}

/// After chats were deleted: stops relaying their directories, ends
/// their browsers, revokes their push tools' capabilities and removes
/// their draft reviews.
pub(super) async fn forget_removed_chats(state: &crate::server::state::AppState) {
    forget_removed(&state.events, state.git.layout());
    state.browsers.forget_removed().await;
    state.agent_push.forget_removed().await;
    let reviews = Arc::clone(&state.reviews);
    let worktrees = state.git.layout().worktrees_dir();
    if let Err(error) =
        tokio::task::spawn_blocking(move || reviews.forget_removed(&worktrees)).await
    {
        tracing::warn!(%error, "deleted chats' reviews not removed");
    }
}

/// Stops relaying every chat worktree that is gone from disk.
fn forget_removed(events: &EventHub, layout: &Layout) {
    let root = layout.worktrees_dir();
    for dir in events.watched() {
        let dir = Path::new(&dir);
        if dir.starts_with(&root) && !dir.exists() {
            events.unwatch(dir);
        }
    }
}

/// Relays the events of every directory that already has sessions (chats
/// started before this run), once opencode is up.
pub async fn watch_session_directories(
    events: Arc<EventHub>,
    supervisor: Arc<crate::server::supervisor::Supervisor>,
    http: reqwest::Client,
    workspace: std::path::PathBuf,
) {
    let Ok(upstream) = supervisor
        .upstream_within(std::time::Duration::from_secs(120))
        .await
    else {
        return;
    };
    let client = crate::server::opencode_client::OpencodeClient::new(http, upstream);
    match client.list_sessions(&workspace).await {
        Ok(sessions) => {
            for session in sessions.iter().filter(|s| !s.directory.is_empty()) {
                events.watch(Path::new(&session.directory));
            }
        }
        Err(err) => tracing::warn!(%err, "cannot list sessions to watch their directories"),
    }
}
