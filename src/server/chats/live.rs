//! Chats and the live event stream: a new chat's worktree is relayed at
//! once; removed worktrees are let go (their relay would otherwise keep an
//! opencode instance alive for a directory that no longer exists).

use std::path::Path;
use std::sync::Arc;

use crate::server::events::EventHub;
use crate::server::git::Layout;

pub fn watch_chat(events: &Arc<EventHub>, worktree: &str) {
    events.watch(Path::new(worktree));
}

/// Stops relaying every chat worktree that is gone from disk.
pub fn forget_removed(events: &EventHub, layout: &Layout) {
    let root = layout.worktrees_dir();
    for dir in events.watched() {
        let dir = Path::new(&dir);
        if dir.starts_with(&root) && !dir.exists() {
            events.unwatch(dir);
        }
    }
}
