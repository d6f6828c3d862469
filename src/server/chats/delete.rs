//! Deleting a chat: its opencode sessions, its worktree, and its branch
//! when merged (or when asked).

use std::path::Path;

use super::ChatError;
use crate::repos::DeletedChat;
use crate::server::git::{ChatId, GitError, RepoName, RepoStore, WorktreeName};
use crate::server::opencode_client::OpencodeClient;

/// `Ok(None)` when the chat does not exist. Uncommitted changes are refused
/// (409) unless `force`, before anything is deleted.
pub async fn delete_chat(
    store: &RepoStore,
    client: &OpencodeClient,
    name: &WorktreeName,
    force: bool,
    delete_branch: bool,
) -> Result<Option<DeletedChat>, ChatError> {
    let Some(worktree) = store.worktree(name).await? else {
        return Ok(None);
    };
    if worktree.dirty && !force {
        return Err(GitError::Conflict(format!(
            "chat {} has uncommitted changes; pass force to delete it anyway",
            name.chat
        ))
        .into());
    }
    let dir = Path::new(&worktree.path);
    let mut sessions = 0;
    for session in client.list_root_sessions(dir).await? {
        if session.directory == worktree.path {
            client.delete_session(dir, &session.id).await?;
            sessions += 1;
        }
    }
    // Listing loaded the chat's instance; nothing will need it again.
    if let Err(err) = client.dispose_instance(dir).await {
        tracing::warn!(%err, chat = %name, "cannot dispose a deleted chat's opencode instance");
    }
    let removed = store.remove_worktree(name, true, delete_branch).await?;
    Ok(removed.map(|r| DeletedChat {
        sessions,
        branch_deleted: r.branch_deleted,
    }))
}

/// Deletes a repo's clone. With `force`, its chats go first (sessions,
/// worktrees, branches); without, chats make it a 409. `Ok(None)` when
/// there is no such repo.
pub async fn delete_repo(
    store: &RepoStore,
    client: impl AsyncFnOnce() -> Result<OpencodeClient, ChatError>,
    name: &RepoName,
    force: bool,
) -> Result<Option<u32>, ChatError> {
    // Not this repo (another one's clone may share its directory): its
    // chats are not this name's to delete.
    if store.repo(name).await?.is_none() {
        return Ok(None);
    }
    let repo = name.to_string();
    let chats: Vec<WorktreeName> = store
        .worktrees()
        .await?
        .into_iter()
        .filter(|w| w.repo == repo)
        .filter_map(|w| ChatId::parse(&w.chat_id).ok())
        .map(|chat| WorktreeName::new(name.clone(), chat))
        .collect();
    let mut deleted = 0;
    if force && !chats.is_empty() {
        let client = client().await?;
        for chat in &chats {
            if delete_chat(store, &client, chat, true, true)
                .await?
                .is_some()
            {
                deleted += 1;
            }
        }
    }
    Ok(store
        .delete_repo(name, force)
        .await?
        .map(|left| left + deleted))
}
