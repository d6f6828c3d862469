//! A new chat: clone if needed → fetch → worktree → opencode session bound
//! to the worktree. The order matters: opencode runs a session's tools in
//! the directory it was created in, whatever later requests say.

use std::path::Path;

use super::ChatError;
use crate::repos::ChatSummary;
use crate::server::git::{RepoSource, RepoStore};
use crate::server::opencode_client::OpencodeClient;

pub async fn new_chat(
    store: &RepoStore,
    client: &OpencodeClient,
    source: RepoSource,
) -> Result<ChatSummary, ChatError> {
    let added = store.add_repo(source.clone()).await?;
    tracing::debug!(repo = %added.repo.name, outcome = ?added.outcome, "repo ready");
    let (name, _starting) = store.start_chat(source.repo_name().clone());
    let worktree = store.create_worktree(&name).await?;
    let session = match client.create_session(Path::new(&worktree.path)).await {
        Ok(session) => session,
        Err(error) => {
            // No session, no chat: leave no orphan worktree behind.
            if let Err(cleanup) = store.remove_worktree(&name, true, true).await {
                tracing::warn!(%cleanup, worktree = %name, "cannot remove the worktree of a failed chat");
            }
            return Err(error.into());
        }
    };
    tracing::info!(chat = %name, session = %session.id, "new chat");
    Ok(ChatSummary {
        worktree,
        session_id: Some(session.id),
        title: session.title,
        updated: session.time.updated,
    })
}
