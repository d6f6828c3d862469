//! The queues on disk: one JSON file per chat under `<data>/queues/`,
//! written atomically on every change and loaded at start, so a queue
//! survives a pocketcode restart. The file also names the chat's session,
//! which is how an idle event finds its queue.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use serde::{Deserialize, Serialize};

use super::QueueError;
use crate::model::mentions::mentioned_files;
use crate::model::queue::{MAX_QUEUED, PromptQueue, QueuedPrompt};
use crate::server::git::WorktreeName;

/// Which chat a queue belongs to: what the drain needs to send its head.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct QueueOwner {
    pub repo: String,
    pub chat_id: String,
    pub session_id: String,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
struct ChatQueue {
    owner: QueueOwner,
    queue: PromptQueue,
}

/// Every chat's queue, keyed by worktree name.
#[derive(Debug)]
pub struct PromptQueues {
    dir: PathBuf,
    chats: Mutex<HashMap<String, ChatQueue>>,
    next_id: AtomicU64,
    /// Held while a chat's queue head (or a steer) is being sent, so sends
    /// of one chat never overlap.
    sending: Mutex<HashMap<String, Arc<tokio::sync::Mutex<()>>>>,
}

impl PromptQueues {
    /// Loads `<data_dir>/queues/` (made when missing). A file that does not
    /// parse is left alone and its chat starts with an empty queue.
    pub fn open(data_dir: &Path) -> Result<Self, QueueError> {
        let dir = data_dir.join("queues");
        std::fs::create_dir_all(&dir).map_err(|e| QueueError::io(&dir, e))?;
        let mut chats = HashMap::new();
        let entries = std::fs::read_dir(&dir).map_err(|e| QueueError::io(&dir, e))?;
        for path in entries.flatten().map(|e| e.path()) {
            let Some(key) = chat_key(&path) else {
                continue;
            };
            match std::fs::read(&path).map(|b| serde_json::from_slice::<ChatQueue>(&b)) {
                Ok(Ok(chat)) => {
                    chats.insert(key, chat);
                }
                Ok(Err(err)) => tracing::warn!(path = %path.display(), %err, "queue file ignored"),
                Err(err) => tracing::warn!(path = %path.display(), %err, "queue file unreadable"),
            }
        }
        // Past every id handed out before, sent ones included (not only
        // the ones still queued): microseconds since the epoch.
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| u64::try_from(d.as_micros()).unwrap_or(u64::MAX));
        let next = chats
            .values()
            .flat_map(|c| c.queue.prompts.iter().map(|p| p.id + 1))
            .chain([now])
            .max()
            .unwrap_or(now);
        Ok(Self {
            dir,
            chats: Mutex::new(chats),
            next_id: AtomicU64::new(next),
            sending: Mutex::new(HashMap::new()),
        })
    }

    fn lock(&self) -> MutexGuard<'_, HashMap<String, ChatQueue>> {
        self.chats.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Chat `name`'s queue (empty when it never had one).
    pub fn get(&self, name: &WorktreeName) -> PromptQueue {
        self.lock()
            .get(&name.as_string())
            .map(|c| c.queue.clone())
            .unwrap_or_default()
    }

    /// Adds a prompt at the end; 409 when the queue is full.
    pub fn push(
        &self,
        name: &WorktreeName,
        owner: QueueOwner,
        mut prompt: QueuedPrompt,
    ) -> Result<PromptQueue, QueueError> {
        prompt.id = self.next_id.fetch_add(1, Ordering::Relaxed);
        self.change(&name.as_string(), Some(owner), |queue| {
            if queue.prompts.len() >= MAX_QUEUED {
                return Err(QueueError::Full);
            }
            queue.prompts.push(prompt);
            Ok(())
        })
    }

    /// Replaces the text of prompt `id`, and the command it calls. Its
    /// files stay while their `@path` stays in the text (as in the
    /// composer): deleting a mention drops its file, nothing else does.
    pub fn edit(
        &self,
        name: &WorktreeName,
        id: u64,
        text: &str,
        command: Option<String>,
    ) -> Result<PromptQueue, QueueError> {
        self.change(&name.as_string(), None, |queue| {
            let prompt = queue
                .prompts
                .iter_mut()
                .find(|p| p.id == id)
                .ok_or(QueueError::NotQueued(id))?;
            prompt.text = text.to_owned();
            prompt.files = mentioned_files(text, &prompt.files);
            prompt.command = command;
            Ok(())
        })
    }

    /// Moves prompt `id` to position `to` (0: sent next).
    pub fn move_to(
        &self,
        name: &WorktreeName,
        id: u64,
        to: u32,
    ) -> Result<PromptQueue, QueueError> {
        self.change(&name.as_string(), None, |queue| {
            let from = position(queue, id)?;
            let to = usize::try_from(to).unwrap_or(usize::MAX);
            if to >= queue.prompts.len() {
                return Err(QueueError::OutOfRange {
                    index: to,
                    len: queue.prompts.len(),
                });
            }
            let prompt = queue.prompts.remove(from);
            queue.prompts.insert(to, prompt);
            Ok(())
        })
    }

    /// Removes prompt `id` (the user deleted it).
    pub fn remove(&self, name: &WorktreeName, id: u64) -> Result<PromptQueue, QueueError> {
        self.change(&name.as_string(), None, |queue| {
            let at = position(queue, id)?;
            queue.prompts.remove(at);
            Ok(())
        })
    }

    /// The chat's owner and the prompt to send next, unless its queue is
    /// empty or stopped at an error.
    pub fn head(&self, key: &str) -> Option<(QueueOwner, QueuedPrompt)> {
        let chats = self.lock();
        let chat = chats.get(key)?;
        if chat.queue.error.is_some() {
            return None;
        }
        let head = chat.queue.prompts.first()?.clone();
        Some((chat.owner.clone(), head))
    }

    /// Prompt `id` was sent: it leaves the queue.
    pub fn sent(&self, key: &str, id: u64) -> Result<PromptQueue, QueueError> {
        self.change_quietly(key, |queue| queue.prompts.retain(|p| p.id != id))
    }

    /// The head could not be sent: the queue stops with `error` shown.
    pub fn failed(&self, key: &str, error: String) -> Result<PromptQueue, QueueError> {
        self.change_quietly(key, |queue| queue.error = Some(error))
    }

    /// Who chat `key`'s queue belongs to, when it has one.
    pub fn owner(&self, key: &str) -> Option<QueueOwner> {
        self.lock().get(key).map(|c| c.owner.clone())
    }

    /// The key of the chat whose session is `session`, if it has a queue.
    pub fn key_of_session(&self, session: &str) -> Option<String> {
        self.lock()
            .iter()
            .find(|(_, c)| c.owner.session_id == session && !c.queue.prompts.is_empty())
            .map(|(key, _)| key.clone())
    }

    /// The chats with prompts waiting (and no error).
    pub fn waiting(&self) -> Vec<String> {
        self.lock()
            .iter()
            .filter(|(_, c)| !c.queue.prompts.is_empty() && c.queue.error.is_none())
            .map(|(key, _)| key.clone())
            .collect()
    }

    /// The lock held while one of chat `key`'s prompts is sent.
    pub fn sending(&self, key: &str) -> Arc<tokio::sync::Mutex<()>> {
        self.sending
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .entry(key.to_owned())
            .or_default()
            .clone()
    }

    /// A user's change: checked by `edit`, written, and the error cleared
    /// (the user has seen it and acted).
    fn change(
        &self,
        key: &str,
        owner: Option<QueueOwner>,
        edit: impl FnOnce(&mut PromptQueue) -> Result<(), QueueError>,
    ) -> Result<PromptQueue, QueueError> {
        let mut chats = self.lock();
        let mut next = match (chats.get(key), owner) {
            (Some(chat), Some(owner)) => ChatQueue {
                owner,
                queue: chat.queue.clone(),
            },
            (Some(chat), None) => chat.clone(),
            (None, Some(owner)) => ChatQueue {
                owner,
                queue: PromptQueue::default(),
            },
            (None, None) => return Err(QueueError::NotQueued(0)),
        };
        edit(&mut next.queue)?;
        next.queue.error = None;
        self.write(key, &next)?;
        let queue = next.queue.clone();
        chats.insert(key.to_owned(), next);
        Ok(queue)
    }

    /// The drain's change of an existing queue (a missing one is left so).
    fn change_quietly(
        &self,
        key: &str,
        edit: impl FnOnce(&mut PromptQueue),
    ) -> Result<PromptQueue, QueueError> {
        let mut chats = self.lock();
        let Some(chat) = chats.get(key) else {
            return Ok(PromptQueue::default());
        };
        let mut next = chat.clone();
        edit(&mut next.queue);
        self.write(key, &next)?;
        let queue = next.queue.clone();
        chats.insert(key.to_owned(), next);
        Ok(queue)
    }

    fn write(&self, key: &str, chat: &ChatQueue) -> Result<(), QueueError> {
        let path = self.dir.join(format!("{key}.json"));
        let json = serde_json::to_vec_pretty(chat).unwrap_or_default();
        crate::server::auth::generation::write_atomically(&path, &json)
            .map_err(|e| QueueError::io(&path, e))
    }
}

fn position(queue: &PromptQueue, id: u64) -> Result<usize, QueueError> {
    queue
        .prompts
        .iter()
        .position(|p| p.id == id)
        .ok_or(QueueError::NotQueued(id))
}

/// The chat key of a queue file: its worktree name, when it is one.
fn chat_key(path: &Path) -> Option<String> {
    let stem = path.file_name()?.to_str()?.strip_suffix(".json")?;
    crate::server::git::WorktreeName::parse(stem)
        .ok()
        .map(|name| name.as_string())
}

#[cfg(test)]
#[path = "store_tests.rs"]
mod tests;
