//! A chat forked from another at one of its messages: a new worktree that
//! copies the source's files as they are now (see `git::fork`), and an
//! opencode session holding the source's history before that message.
//! opencode makes a fork in its source's directory, so the copy is moved
//! to the new worktree (its tools run there from then on).

use std::path::Path;

use super::ChatError;
use crate::model::chats::ChatSummary;
use crate::opencode::Session;
use crate::server::git::WorktreeName;
use crate::server::opencode_client::{OpencodeClient, OpencodeClientError};
use crate::server::state::AppState;

/// Forks local chat `source` (its session `session`) before `message_id`,
/// which the caller has checked is one of that session's messages.
pub async fn fork_chat(
    state: &AppState,
    client: &OpencodeClient,
    source: &WorktreeName,
    session: &str,
    message_id: &str,
) -> Result<ChatSummary, ChatError> {
    let source_dir = &state.git.layout().worktree(source);
    let (name, _starting) = state.git.start_chat(source.repo.clone());
    let worktree = state.git.fork_worktree(source, &name).await?;
    let dir = Path::new(&worktree.path);
    let forked = match fork_into(client, source_dir, session, message_id, dir).await {
        Ok(forked) => forked,
        Err(error) => {
            // No session, no chat: leave no orphan worktree behind.
            if let Err(cleanup) = state.git.remove_worktree(&name, true, true).await {
                tracing::warn!(%cleanup, worktree = %name, "cannot remove the worktree of a failed fork");
            }
            return Err(error.into());
        }
    };
    tracing::info!(chat = %name, from = %source, session = %forked.id, "forked chat");
    super::watch_chat(&state.events, &worktree.path);
    state.instances.touch(dir).await;
    super::offer_agent_tools(state, &name, dir.to_path_buf());
    Ok(ChatSummary {
        session_id: Some(forked.id),
        title: forked.title,
        updated: forked.time.updated,
        worktree,
    })
}

/// opencode forks into the source's directory: the copy is then moved to
/// the new worktree, or deleted if it cannot be.
async fn fork_into(
    client: &OpencodeClient,
    source_dir: &Path,
    session: &str,
    message_id: &str,
    dir: &Path,
) -> Result<Session, OpencodeClientError> {
    let mut forked = client.fork_session(source_dir, session, message_id).await?;
    if let Err(error) = client.move_session(&forked.id, dir).await {
        if let Err(cleanup) = client.delete_session(source_dir, &forked.id).await {
            tracing::warn!(%cleanup, session = %forked.id, "cannot delete a fork that did not move");
        }
        return Err(error);
    }
    forked.directory = dir.display().to_string();
    Ok(forked)
}
