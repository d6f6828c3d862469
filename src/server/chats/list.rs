//! Chats listed by joining the worktrees on disk with opencode's sessions.

use std::collections::HashMap;
use std::path::Path;

use super::ChatError;
use crate::model::chats::{ChatSummary, WorktreeInfo};
use crate::opencode::Session;
use crate::server::git::{RepoStore, WorktreeName};
use crate::server::opencode_client::OpencodeClient;
use crate::server::state::AppState;

/// Every chat: the local ones, then the latest of each connected remote,
/// most recently active first.
pub async fn list_all_chats(state: &AppState) -> Result<Vec<ChatSummary>, ChatError> {
    let client = OpencodeClient::from_state(state).await?;
    let mut chats = list_chats(&state.git, &client).await?;
    chats.extend(crate::server::remotes::recent_chats(state).await);
    chats.sort_by_key(|chat| std::cmp::Reverse(chat.updated));
    Ok(chats)
}

/// Every local chat, most recently active first. The sessions come from
/// opencode's global list, which loads no chat's instance: listing the
/// chats must not bring back the idle ones pocketcode let go.
pub async fn list_chats(
    store: &RepoStore,
    client: &OpencodeClient,
) -> Result<Vec<ChatSummary>, ChatError> {
    let (worktrees, sessions) = tokio::try_join!(
        async { Ok::<_, ChatError>(store.worktrees().await?) },
        async { Ok(client.all_sessions(true).await?) }
    )?;
    let mut by_directory: HashMap<String, Vec<Session>> = HashMap::new();
    for session in sessions {
        by_directory
            .entry(session.directory.clone())
            .or_default()
            .push(session);
    }
    let mut chats: Vec<ChatSummary> = worktrees
        .into_iter()
        .map(|w| {
            let sessions = by_directory.remove(&w.path).unwrap_or_default();
            summary(w, sessions)
        })
        .collect();
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

/// A worktree with its newest session, asking its own instance (the chat
/// is being opened: it is needed anyway).
async fn join(client: &OpencodeClient, worktree: WorktreeInfo) -> Result<ChatSummary, ChatError> {
    let sessions = client.list_root_sessions(Path::new(&worktree.path)).await?;
    Ok(summary(worktree, sessions))
}

/// A worktree with its newest session of `sessions` (a chat normally has
/// exactly one).
fn summary(worktree: WorktreeInfo, sessions: Vec<Session>) -> ChatSummary {
    let newest: Option<Session> = sessions
        .into_iter()
        .filter(|s| s.directory == worktree.path)
        .max_by_key(|s| s.time.updated);
    match newest {
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
    }
}
