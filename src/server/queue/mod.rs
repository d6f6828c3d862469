//! Queue and steer: prompts typed while a chat's agent works. A queued
//! prompt waits in the chat's queue (on disk, see [`store`]) until the
//! session goes idle; then pocketcode sends the head, one at a time, in
//! order ([`drain`]), as Send would: its `@` files as file parts, a slash
//! command run as a command. Steering stops the running turn and sends at once
//! ([`steer`]). Every change is announced on the live stream as a
//! `queue.updated` event of the chat's session, so each tab refetches.

mod drain;
mod steer;
mod store;

use std::path::Path;

pub use drain::{drain_on_idle, drain_soon};
pub use steer::steer;
pub use store::{PromptQueues, QueueOwner};

use crate::model::queue::{MAX_QUEUED, PromptQueue, QueuedPrompt};
use crate::server::chats::{ChatError, ChatTarget};
use crate::server::state::AppState;

#[derive(Debug, thiserror::Error)]
pub enum QueueError {
    #[error("queue file {path}: {source}")]
    Io {
        path: String,
        source: std::io::Error,
    },
    #[error("the queue is full ({MAX_QUEUED} prompts): wait for the agent, or delete some")]
    Full,
    #[error("prompt {0} is no longer queued: it was sent or deleted")]
    NotQueued(u64),
    #[error("position {index} is outside the queue (it holds {len} prompts)")]
    OutOfRange { index: usize, len: usize },
    #[error(transparent)]
    Chat(#[from] ChatError),
}

impl QueueError {
    pub fn io(path: &Path, source: std::io::Error) -> Self {
        Self::Io {
            path: path.display().to_string(),
            source,
        }
    }

    pub fn status(&self) -> u16 {
        match self {
            Self::Io { .. } => 500,
            Self::Full | Self::NotQueued(_) => 409,
            Self::OutOfRange { .. } => 400,
            Self::Chat(e) => e.status(),
        }
    }
}

/// A change the user asks of a chat's queue.
pub enum QueueChange<'a> {
    Add {
        session_id: &'a str,
        prompt: QueuedPrompt,
    },
    /// `command`: the chat command the new text calls, if any.
    Edit {
        id: u64,
        text: &'a str,
        command: Option<String>,
    },
    Move {
        id: u64,
        to: u32,
    },
    Remove {
        id: u64,
    },
}

/// Chat `target`'s queue (local chats only; a remote's is always empty).
pub fn queue_of(state: &AppState, target: &ChatTarget) -> PromptQueue {
    match target.chat.worktree() {
        Ok(name) => state.queues.get(name),
        Err(_) => PromptQueue::default(),
    }
}

/// Applies `change` to chat `target`'s queue, tells every tab, and sends
/// the head at once if the session is idle already.
pub fn change_queue(
    state: &AppState,
    target: &ChatTarget,
    change: QueueChange<'_>,
) -> Result<PromptQueue, QueueError> {
    let name = target.chat.worktree()?;
    let queues = &state.queues;
    let queue = match change {
        QueueChange::Add { session_id, prompt } => {
            let owner = QueueOwner {
                repo: name.repo.to_string(),
                chat_id: name.chat.to_string(),
                session_id: session_id.to_owned(),
            };
            queues.push(name, owner, prompt)?
        }
        QueueChange::Edit { id, text, command } => queues.edit(name, id, text, command)?,
        QueueChange::Move { id, to } => queues.move_to(name, id, to)?,
        QueueChange::Remove { id } => queues.remove(name, id)?,
    };
    announce(state, &target.dir, &name.as_string());
    drain_soon(state, name.as_string());
    Ok(queue)
}

/// Tells every tab that chat `key`'s queue changed (a `queue.updated`
/// event of its session, in its directory).
fn announce(state: &AppState, dir: &Path, key: &str) {
    if let Some(owner) = state.queues.owner(key) {
        let dir = dir.display().to_string();
        state
            .events
            .publish_own(&dir, &owner.session_id, "queue.updated");
    }
}
