//! Deleting a chat: its opencode sessions, its worktree, and its branch
//! when merged (or when asked).

use std::path::Path;

use super::ChatError;
use crate::repos::DeletedChat;
use crate::server::git::{GitError, RepoStore, WorktreeName};
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
    for session in client.list_sessions(dir).await? {
        if session.directory == worktree.path {
            client.delete_session(dir, &session.id).await?;
            sessions += 1;
        }
    }
    let removed = store.remove_worktree(name, true, delete_branch).await?;
    Ok(removed.map(|r| DeletedChat {
        sessions,
        branch_deleted: r.branch_deleted,
    }))
}
