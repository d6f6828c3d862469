//! A local chat's work on its way off the server: its unshipped changes,
//! committing them on its branch, and merging the branch locally.

use super::ChatError;
use super::chat_ref::no_chat;
use crate::model::changes::{ChatChanges, MergeMode, MergeOutcome};
use crate::server::git::WorktreeName;
use crate::server::opencode_client::OpencodeClient;
use crate::server::state::AppState;

pub async fn changes(state: &AppState, name: &WorktreeName) -> Result<ChatChanges, ChatError> {
    state.git.changes(name).await?.ok_or_else(|| no_chat(name))
}

/// Commits every changed file, or the picked `paths`; the changes after.
pub async fn commit(
    state: &AppState,
    name: &WorktreeName,
    message: String,
    paths: Option<Vec<String>>,
) -> Result<ChatChanges, ChatError> {
    state
        .git
        .commit(name, message, paths)
        .await?
        .ok_or_else(|| no_chat(name))
}

/// Merges the chat's branch into the default branch; a merge commit is
/// named after the chat's title (its id when opencode cannot say).
pub async fn merge(
    state: &AppState,
    name: &WorktreeName,
    mode: MergeMode,
) -> Result<MergeOutcome, ChatError> {
    let title = title(state, name).await;
    state
        .git
        .merge(name, mode, title)
        .await?
        .ok_or_else(|| no_chat(name))
}

async fn title(state: &AppState, name: &WorktreeName) -> String {
    let titled = match OpencodeClient::from_state(state).await {
        Ok(client) => super::chat(&state.git, &client, name).await.ok().flatten(),
        Err(_) => None,
    };
    titled
        .map(|chat| chat.title.trim().to_owned())
        .filter(|title| !title.is_empty())
        .unwrap_or_else(|| name.chat.to_string())
}
