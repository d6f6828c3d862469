//! A chat's prompt queue: what the user typed while the agent worked, kept
//! by the server (so every tab and a reload see it) and sent by it, head
//! first, each time the chat's session goes idle.

use serde::{Deserialize, Serialize};

/// At most this many prompts wait in one chat.
pub const MAX_QUEUED: usize = 20;

/// One prompt waiting its turn, with the mode and model picked when it was
/// queued (empty: the chat's defaults), and what Send would have sent with
/// it: the files mentioned with `@` and the slash command it calls.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct QueuedPrompt {
    /// Unique in this pocketcode; an edit or move names it, so one that
    /// was sent meanwhile is refused rather than hitting its neighbour.
    pub id: u64,
    pub text: String,
    #[serde(default)]
    pub model: Option<String>,
    #[serde(default)]
    pub agent: Option<String>,
    /// Worktree files mentioned with `@` (relative paths), sent as file
    /// parts while their `@path` stays in the text; checked again when
    /// the prompt is sent.
    #[serde(default)]
    pub files: Vec<String>,
    /// The chat command the text calls (`/name …`), run as a command when
    /// sent; `None` for a plain prompt.
    #[serde(default)]
    pub command: Option<String>,
}

/// A chat's queue: its prompts in sending order, and why the head could not
/// be sent, when it could not (it stays until the user changes the queue).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PromptQueue {
    pub prompts: Vec<QueuedPrompt>,
    #[serde(default)]
    pub error: Option<String>,
}
