//! pocketcode's live stream (`GET /pocket/events`), shared by the server
//! that writes it and the browser that reads it.
//!
//! Each SSE message's `data` is one [`StreamItem`] as JSON. Relayed events
//! carry an `id` (`<epoch>-<seq>`) that a reconnecting client sends back as
//! `Last-Event-ID` (or `?last_event_id=`) to get what it missed.

use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;

/// Where the stream is served.
pub const EVENTS_PATH: &str = "/pocket/events";

/// One message of the stream.
#[derive(Debug, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum StreamItem {
    /// One of opencode's events, as opencode sent it.
    Event {
        /// The worktree (opencode directory) it happened in.
        directory: String,
        /// The session it belongs to, when it belongs to one.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        session: Option<String>,
        event: Box<RawValue>,
    },
    /// State may have been missed: refetch (the directory's chats, or all).
    Resync {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        directory: Option<String>,
        reason: String,
    },
    /// Sent every few seconds so a client notices a dead connection.
    Heartbeat,
}

/// What a chat is doing, as the sidebar shows it.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ChatStatus {
    #[default]
    Idle,
    Busy,
    /// The agent asked permission for a tool call.
    WaitingPermission,
    /// The agent asked the user a question.
    WaitingAnswer,
    Error,
    /// The provider failed and opencode retries.
    Retrying,
}

/// The server's running summary of one chat (opencode session).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChatSummary {
    pub session_id: String,
    pub directory: String,
    pub title: String,
    pub status: ChatStatus,
    /// Milliseconds since the Unix epoch of the last event seen.
    pub last_activity_ms: u64,
    /// The agent finished or needs the user since the chat was last opened.
    pub unread: bool,
}
