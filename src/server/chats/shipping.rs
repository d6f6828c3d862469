//! A local chat's work on its way off the server: its unshipped changes,
//! committing them on its branch, and merging the branch locally.

use std::time::Duration;

use super::ChatError;
use super::chat_ref::no_chat;
use crate::model::changes::{ChatChanges, MergeMode, MergeOutcome};
use crate::server::git::{GitAuthor, WorktreeName};
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
    let default = default_author(state).await;
    state
        .git
        .commit(name, message, paths, default)
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
    let default = default_author(state).await;
    state
        .git
        .merge(name, mode, title, default)
        .await?
        .ok_or_else(|| no_chat(name))
}

/// What the flags leave unset of the author: the GitHub user behind the
/// token (asked once; when GitHub cannot say within a few seconds, the
/// repo's git config decides, as without a token).
async fn default_author(state: &AppState) -> GitAuthor {
    if state.git.configured_author().is_complete() || !state.git.has_github_token() {
        return GitAuthor::default();
    }
    match tokio::time::timeout(Duration::from_secs(5), state.github.user_author()).await {
        Ok(Ok(author)) => author,
        Ok(Err(err)) => {
            tracing::warn!(%err, "cannot ask GitHub who the token's user is; the repo's git config names the author");
            GitAuthor::default()
        }
        Err(_) => {
            tracing::warn!(
                "GitHub did not say who the token's user is in time; the repo's git config names the author"
            );
            GitAuthor::default()
        }
    }
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
