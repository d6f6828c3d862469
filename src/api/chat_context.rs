//! What the chat server functions share: finding a chat's worktree and
//! checking that a session really is that chat's.

use std::path::{Path, PathBuf};

use super::AppError;
use crate::opencode::{SessionStatus, Transcript};
use crate::server::opencode_client::OpencodeClient;
use crate::server::state::AppState;

/// The worktree of chat `chat_id` of `repo`: validated names, and 404 when
/// there is no such chat on disk.
pub fn chat_dir(state: &AppState, repo: &str, chat_id: &str) -> Result<PathBuf, AppError> {
    let name = super::context::worktree_name(repo, chat_id)?;
    let dir = state.git.layout().worktree(&name);
    if dir.is_dir() {
        Ok(dir)
    } else {
        Err(AppError::NotFound(format!("no chat {chat_id} in {repo}")))
    }
}

/// `session_id` validated, and 404 unless it is a session of the chat in `dir`.
pub async fn chat_session<'a>(
    client: &OpencodeClient,
    dir: &Path,
    session_id: &'a str,
) -> Result<&'a str, AppError> {
    let id = super::validate::session_id(session_id)?;
    let session = client.session(dir, id).await?;
    if Path::new(&session.directory) == dir {
        Ok(id)
    } else {
        Err(AppError::NotFound(format!(
            "session {id} does not belong to this chat"
        )))
    }
}

/// A session's transcript, loaded from `dir` (the session must be there):
/// its latest `limit` messages, and whether there are earlier ones.
pub async fn transcript(
    client: &OpencodeClient,
    dir: &Path,
    id: &str,
    limit: usize,
) -> Result<Transcript, AppError> {
    // One more than shown says whether anything is left out.
    let (session, mut messages, statuses) = tokio::try_join!(
        client.session(dir, id),
        client.messages(dir, id, Some(limit + 1)),
        client.statuses(dir)
    )?;
    let earlier = messages.len() > limit;
    if earlier {
        messages.drain(..messages.len() - limit);
    }
    if Path::new(&session.directory) != dir {
        return Err(AppError::NotFound(format!(
            "session {id} does not belong to this chat"
        )));
    }
    let busy = statuses.get(id).is_some_and(|s| *s != SessionStatus::Idle);
    Ok(Transcript {
        session,
        messages,
        earlier,
        busy,
        error: None,
    })
}
