//! Chats listed by joining the worktrees on disk with opencode's sessions.

use std::path::Path;

use futures::future::try_join_all;

use super::ChatError;
use crate::opencode::Session;
use crate::repos::{ChatSummary, WorktreeInfo};
use crate::server::git::{RepoStore, WorktreeName};
use crate::server::opencode_client::OpencodeClient;

/// Every chat, most recently active first.
pub async fn list_chats(
    store: &RepoStore,
    client: &OpencodeClient,
) -> Result<Vec<ChatSummary>, ChatError> {
    let worktrees = store.worktrees().await?;
    let mut chats = try_join_all(worktrees.into_iter().map(|w| join(client, w))).await?;
    chats.sort_by(|a, b| {
        b.updated
            .cmp(&a.updated)
            .then_with(|| b.worktree.created.cmp(&a.worktree.created))
    });
    Ok(chats)
}

/// One chat; `Ok(None)` when its worktree does not exist.
pub async fn chat(
    store: &RepoStore,
    client: &OpencodeClient,
    name: &WorktreeName,
) -> Result<Option<ChatSummary>, ChatError> {
    match store.worktree(name).await? {
        Some(worktree) => Ok(Some(join(client, worktree).await?)),
        None => Ok(None),
    }
}

/// A worktree with its newest session (a chat normally has exactly one).
async fn join(client: &OpencodeClient, worktree: WorktreeInfo) -> Result<ChatSummary, ChatError> {
    let sessions = client.list_root_sessions(Path::new(&worktree.path)).await?;
    let newest: Option<Session> = sessions
        .into_iter()
        .filter(|s| s.directory == worktree.path)
        .max_by_key(|s| s.time.updated);
    Ok(match newest {
        Some(session) => ChatSummary {
            worktree,
            session_id: Some(session.id),
            title: session.title,
            updated: session.time.updated,
        },
        None => ChatSummary {
            updated: worktree.created * 1000,
            worktree,
            session_id: None,
            title: String::new(),
        },
    })
}
