//! A new chat: clone if needed → fetch → worktree → opencode session bound
//! to the worktree. The order matters: opencode runs a session's tools in
//! the directory it was created in, whatever later requests say.

use std::path::Path;

use super::ChatError;
use crate::model::chats::ChatSummary;
use crate::server::git::{RepoSource, RepoStore, WorktreeName};
use crate::server::opencode_client::OpencodeClient;
use crate::server::state::AppState;

/// A new chat of `source`, relayed live at once; its agent is offered its
/// tools (browser, push) in the background.
pub async fn new_chat(state: &AppState, source: RepoSource) -> Result<ChatSummary, ChatError> {
    let client = OpencodeClient::from_state(state).await?;
    let (name, chat) = create(&state.git, &client, source).await?;
    let dir = Path::new(&chat.worktree.path);
    super::watch_chat(&state.events, &chat.worktree.path);
    // Its instance was loaded to make the session.
    state.instances.touch(dir).await;
    super::offer_agent_tools(state, &name, dir.to_path_buf());
    Ok(chat)
}

async fn create(
    store: &RepoStore,
    client: &OpencodeClient,
    source: RepoSource,
) -> Result<(WorktreeName, ChatSummary), ChatError> {
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
    let chat = ChatSummary {
        worktree,
        session_id: Some(session.id),
        title: session.title,
        updated: session.time.updated,
    };
    Ok((name, chat))
}
