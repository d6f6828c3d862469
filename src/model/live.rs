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

/// Answers 204 to a logged-in browser (the auth wall answers 401 otherwise):
/// the app asks it when its event stream fails, to tell a lost login (go to
/// the login page) from a lost network (retry).
pub const SESSION_CHECK_PATH: &str = "/pocket/session";

/// One message of the stream. Read it with [`StreamItem::parse`]: serde
/// cannot derive `Deserialize` for an internally tagged enum holding a
/// `RawValue` (it buffers the map before choosing the variant).
#[derive(Debug, Serialize)]
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
    /// opencode was restarted (it hung or exited): the chats that were
    /// working lost their run and are now interrupted.
    Restarted(OpencodeRestart),
    /// Sent every few seconds so a client notices a dead connection.
    Heartbeat,
}

/// A restart of an opencode that had been healthy, as the stream tells it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OpencodeRestart {
    /// `hung` or `exited`.
    pub cause: String,
    pub reason: String,
    /// Milliseconds since the Unix epoch.
    pub at_ms: u64,
}

/// What a chat is doing, as the sidebar shows it.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
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
    /// It was working when opencode was restarted, and has not run since:
    /// its run was lost and "Continue" picks it up.
    Interrupted,
}

impl ChatStatus {
    /// Whether the agent is on a run: working, retrying, or waiting on the
    /// user in the middle of one.
    pub fn is_working(self) -> bool {
        match self {
            Self::Busy | Self::WaitingPermission | Self::WaitingAnswer | Self::Retrying => true,
            Self::Idle | Self::Error | Self::Interrupted => false,
        }
    }
}

/// What one chat (opencode session) is doing, as the server keeps it from
/// the events: status, title, last activity, unread. Not the chat on disk
/// ([`crate::model::chats::ChatSummary`]); the sidebar joins the two.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChatActivity {
    pub session_id: String,
    pub directory: String,
    pub title: String,
    pub status: ChatStatus,
    /// Milliseconds since the Unix epoch of the last event seen.
    pub last_activity_ms: u64,
    /// The agent finished or needs the user since the chat was last opened.
    pub unread: bool,
}

/// The stream's JSON as a plain struct, which serde reads without buffering.
#[derive(Deserialize)]
struct Wire {
    kind: String,
    #[serde(default)]
    directory: Option<String>,
    #[serde(default)]
    session: Option<String>,
    #[serde(default)]
    event: Option<Box<RawValue>>,
    #[serde(default)]
    reason: Option<String>,
    #[serde(default)]
    cause: Option<String>,
    #[serde(default)]
    at_ms: Option<u64>,
}

impl StreamItem {
    /// The item in one message's `data`; `None` for what this reader does
    /// not know (a malformed message, or a kind added later).
    pub fn parse(data: &str) -> Option<Self> {
        parse_item(data)
    }
}

fn parse_item(data: &str) -> Option<StreamItem> {
    let wire: Wire = super::json::from_text(data).ok()?;
    match wire.kind.as_str() {
        "event" => Some(StreamItem::Event {
            directory: wire.directory.unwrap_or_default(),
            session: wire.session,
            event: wire.event?,
        }),
        "resync" => Some(StreamItem::Resync {
            directory: wire.directory,
            reason: wire.reason.unwrap_or_default(),
        }),
        "restarted" => Some(StreamItem::Restarted(OpencodeRestart {
            cause: wire.cause?,
            reason: wire.reason.unwrap_or_default(),
            at_ms: wire.at_ms.unwrap_or_default(),
        })),
        "heartbeat" => Some(StreamItem::Heartbeat),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_what_the_server_writes() {
        let sent = StreamItem::Event {
            directory: "/w".into(),
            session: Some("ses_1".into()),
            event: RawValue::from_string(r#"{"type":"session.idle","properties":{}}"#.into())
                .expect("raw"),
        };
        let json = serde_json::to_string(&sent).expect("json");
        let Some(StreamItem::Event {
            directory,
            session,
            event,
        }) = parse_item(&json)
        else {
            panic!("not an event: {json}");
        };
        assert_eq!(
            (directory.as_str(), session.as_deref()),
            ("/w", Some("ses_1"))
        );
        assert_eq!(event.get(), r#"{"type":"session.idle","properties":{}}"#);

        let resync = serde_json::to_string(&StreamItem::Resync {
            directory: None,
            reason: "too old".into(),
        })
        .expect("json");
        assert!(matches!(
            parse_item(&resync),
            Some(StreamItem::Resync { directory: None, ref reason }) if reason == "too old"
        ));
        assert!(matches!(
            parse_item(r#"{"kind":"heartbeat"}"#),
            Some(StreamItem::Heartbeat)
        ));
        let restart = OpencodeRestart {
            cause: "hung".into(),
            reason: "hung: 3 health probes missed in a row".into(),
            at_ms: 7,
        };
        let json = serde_json::to_string(&StreamItem::Restarted(restart.clone())).expect("json");
        assert!(
            matches!(parse_item(&json), Some(StreamItem::Restarted(ref r)) if *r == restart),
            "{json}"
        );
    }

    #[test]
    fn unknown_kinds_and_garbage_are_none() {
        assert!(parse_item(r#"{"kind":"hologram"}"#).is_none());
        assert!(parse_item(r#"{"kind":"event","directory":"/w"}"#).is_none());
        assert!(parse_item("not json").is_none());
    }
}
