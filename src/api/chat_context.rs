//! What the chat server functions share: finding where a chat works (a
//! local worktree, or a directory on a connected remote) and checking that
//! a session really is that chat's.

use std::path::{Path, PathBuf};
use std::sync::Arc;

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

/// Where chat `chat_id` of `repo` works, and a client for the opencode
/// running it: pocketcode's own and the chat's worktree (whose instance the
/// caller's requests load again if it was disposed: see
/// `server::instances`), or, for `repo` `@<connection>` (`chat_id` is then
/// the session id), the remote's opencode and the directory the session is
/// bound to there.
pub async fn chat_target(repo: &str, chat_id: &str) -> Result<(OpencodeClient, PathBuf), AppError> {
    let state = super::context::state()?;
    match crate::remotes::remote_connection(repo) {
        None => {
            let dir = chat_dir(&state, repo, chat_id)?;
            state.instances.touch(&dir).await;
            Ok((OpencodeClient::from_state(&state).await?, dir))
        }
        Some(name) => {
            let id = super::validate::session_id(chat_id)?;
            let client = remote_client(&state, name).await?;
            let session = client.find_session(id).await?;
            Ok((client, PathBuf::from(session.directory)))
        }
    }
}

/// A client for connection `name`'s opencode: 404 when there is no such
/// connection, 503 while it is not connected. Its events are relayed from
/// then on.
pub async fn remote_client(state: &AppState, name: &str) -> Result<OpencodeClient, AppError> {
    if state.ssh_profiles.get(name).await?.is_none() {
        return Err(AppError::NotFound(format!(
            "there is no connection named {name:?}"
        )));
    }
    let client = state.ssh.client(name).ok_or_else(|| {
        AppError::Unavailable(format!(
            "connection {name} is not connected: connect it on the Connections page"
        ))
    })?;
    watch_remote(state, name);
    Ok(client)
}

/// Relays connection `name`'s events (from wherever its tunnel is now).
pub fn watch_remote(state: &AppState, name: &str) {
    let ssh = state.ssh.clone();
    let owned = name.to_owned();
    state.events.watch_remote(
        &crate::remotes::remote_repo(name),
        Arc::new(move || ssh.upstream(&owned)),
    );
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
