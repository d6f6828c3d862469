//! Deleting a chat (its opencode sessions, its worktree, and its branch
//! when merged or when asked; a remote chat's session) and deleting a repo
//! with its chats. What a deletion removed is let go at once (its live
//! events, its browser): no caller has to remember it.

use std::path::Path;

use super::chat_ref::no_chat;
use super::{ChatError, ChatRef};
use crate::model::chats::DeletedChat;
use crate::server::git::{ChatId, GitError, RepoName, RepoStore, WorktreeName};
use crate::server::opencode_client::OpencodeClient;
use crate::server::state::AppState;

/// Deletes `chat`. Uncommitted changes of a local chat are refused (409)
/// unless `force`, before anything is deleted. A remote chat is its
/// session: deleting it leaves the remote's files as they are.
pub async fn delete_chat(
    state: &AppState,
    chat: &ChatRef,
    force: bool,
    delete_branch: bool,
) -> Result<DeletedChat, ChatError> {
    let name = match &chat {
        ChatRef::Local(name) => name,
        ChatRef::Remote { session, .. } => {
            let target = chat.resolve(state).await?;
            target.client.delete_session(&target.dir, session).await?;
            return Ok(DeletedChat {
                sessions: 1,
                branch_deleted: false,
            });
        }
    };
    let client = OpencodeClient::from_state(state).await?;
    let deleted = delete_local_chat(&state.git, &client, name, force, delete_branch).await;
    // Nothing of a deleted chat keeps running: its browser ends too.
    super::forget_removed_chats(state).await;
    deleted?.ok_or_else(|| no_chat(name))
}

/// Deletes a repo's clone. With `force`, its chats go first (sessions,
/// worktrees, branches); without, chats make it a 409. Returns how many
/// chats it had.
pub async fn delete_repo(state: &AppState, name: &RepoName, force: bool) -> Result<u32, ChatError> {
    let client = async || Ok(OpencodeClient::from_state(state).await?);
    let deleted = delete_clone(&state.git, client, name, force).await;
    super::forget_removed_chats(state).await;
    deleted?.ok_or_else(|| GitError::RepoNotFound(name.clone()).into())
}

/// `Ok(None)` when the chat does not exist. Uncommitted changes are refused
/// (409) unless `force`, before anything is deleted.
pub(super) async fn delete_local_chat(
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

/// [`delete_repo`] on the store: `Ok(None)` when there is no such repo.
async fn delete_clone(
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
            if delete_local_chat(store, &client, chat, true, true)
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
