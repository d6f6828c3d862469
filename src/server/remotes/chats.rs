//! A remote's sessions as chats (repo `@<remote>`): the recent ones of every
//! connected remote for the chat list, and a new one in a directory there
//! (no worktree: git stays the remote's business).

use std::path::Path;

use super::{RemoteError, client, watch};
use crate::model::chats::ChatSummary;
use crate::server::ssh::{LISTED_SESSIONS, as_chat};
use crate::server::state::AppState;

/// The latest chats of every connected remote. A remote that fails to
/// answer is left out (and logged) rather than failing the list.
pub async fn recent_chats(state: &AppState) -> Vec<ChatSummary> {
    let mut chats = Vec::new();
    for name in state.ssh.connected() {
        let Some(remote) = state.ssh.client(&name) else {
            continue;
        };
        watch(state, &name);
        match remote.recent_root_sessions(LISTED_SESSIONS).await {
            Ok(sessions) => chats.extend(sessions.into_iter().map(|s| as_chat(&name, s))),
            Err(error) => {
                tracing::warn!(connection = %name, %error, "cannot list a remote's chats")
            }
        }
    }
    chats
}

/// A new chat on remote `name`: an opencode session bound to `directory`
/// (an absolute path there, validated by the caller), which must exist.
pub async fn new_chat(
    state: &AppState,
    name: &str,
    directory: &str,
) -> Result<ChatSummary, RemoteError> {
    let client = client(state, name).await?;
    let dir = Path::new(directory);
    if !client.is_directory(dir).await? {
        return Err(RemoteError::NoDirectory {
            remote: name.to_owned(),
            directory: directory.to_owned(),
        });
    }
    let session = client.create_session(dir).await?;
    tracing::info!(connection = %name, session = %session.id, "new remote chat");
    Ok(as_chat(name, session))
}
