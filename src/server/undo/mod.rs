//! Undo, redo and fork from one of the user's messages in a chat. Undo is
//! opencode's revert: the message and everything after it are set aside
//! and the files they changed restored from opencode's snapshots; redo
//! (unrevert) brings them back until the next prompt drops them for good.
//! Fork makes a new chat whose session holds the history before the
//! message (see `chats::fork_chat`). All three refuse while the agent
//! works: its files and messages are still changing.

use crate::model::chats::ChatSummary;
use crate::opencode::{Role, Session, SessionStatus};
use crate::server::chats::{ChatError, ChatTarget};
use crate::server::opencode_client::OpencodeClientError;
use crate::server::state::AppState;

#[derive(Debug, thiserror::Error)]
pub enum UndoError {
    #[error("the agent is working: stop it, or wait until it is done, then try again")]
    Busy,
    #[error("message {0} is not one of your messages in this chat")]
    UnknownMessage(String),
    #[error("nothing is undone in this chat, so there is nothing to redo")]
    NothingUndone,
    #[error(transparent)]
    Chat(#[from] ChatError),
}

impl UndoError {
    pub fn status(&self) -> u16 {
        match self {
            Self::Busy | Self::NothingUndone => 409,
            Self::UnknownMessage(_) => 404,
            Self::Chat(e) => e.status(),
        }
    }
}

impl From<OpencodeClientError> for UndoError {
    /// opencode says 409 when the session started working meanwhile.
    fn from(error: OpencodeClientError) -> Self {
        match error {
            OpencodeClientError::Status { status: 409, .. } => Self::Busy,
            other => Self::Chat(other.into()),
        }
    }
}

/// Undoes session `session` of chat `target` from user message
/// `message_id` on, files included; answers the session as it is now.
pub async fn undo(
    target: &ChatTarget,
    session: &str,
    message_id: &str,
) -> Result<Session, UndoError> {
    idle(target, session).await?;
    user_message(target, session, message_id).await?;
    Ok(target
        .client
        .revert(&target.dir, session, message_id)
        .await?)
}

/// Brings back what the last undo set aside.
pub async fn redo(target: &ChatTarget, session: &str) -> Result<Session, UndoError> {
    idle(target, session).await?;
    let current = target.client.session(&target.dir, session).await?;
    if current.revert.is_none() {
        return Err(UndoError::NothingUndone);
    }
    Ok(target.client.unrevert(&target.dir, session).await?)
}

/// A new chat forked from local chat `target` before user message
/// `message_id` (a remote chat has no worktree to fork: 400).
pub async fn fork(
    state: &AppState,
    target: &ChatTarget,
    session: &str,
    message_id: &str,
) -> Result<ChatSummary, UndoError> {
    let source = target.chat.worktree()?;
    idle(target, session).await?;
    user_message(target, session, message_id).await?;
    let client = &target.client;
    Ok(crate::server::chats::fork_chat(state, client, source, session, message_id).await?)
}

async fn idle(target: &ChatTarget, session: &str) -> Result<(), UndoError> {
    let statuses = target.client.statuses(&target.dir).await?;
    match statuses.get(session) {
        Some(status) if *status != SessionStatus::Idle => Err(UndoError::Busy),
        _ => Ok(()),
    }
}

/// opencode takes any message id (an unknown one forks the whole session):
/// only the user's own messages of this session are accepted.
async fn user_message(
    target: &ChatTarget,
    session: &str,
    message_id: &str,
) -> Result<(), UndoError> {
    let messages = target.client.messages(&target.dir, session, None).await?;
    let found = messages
        .iter()
        .any(|m| m.info.id == message_id && m.info.role == Role::User);
    if found {
        Ok(())
    } else {
        Err(UndoError::UnknownMessage(message_id.to_owned()))
    }
}
