//! opencode's live events (`GET /event`): `data: {"id", "type", "properties"}`.

use serde::Deserialize;
use serde_json::value::RawValue;

use super::{MessageError, MessageInfo, Part, Session};

/// The events the UI acts on; everything else is [`Event::Other`].
#[derive(Clone, Debug, PartialEq)]
pub enum Event {
    /// Streamed text appended to a part's `field` (usually `text`).
    PartDelta(PartDelta),
    /// A part was created or replaced as a whole.
    PartUpdated(Part),
    PartRemoved {
        session_id: String,
        message_id: String,
        part_id: String,
    },
    /// A message's header was created or replaced.
    MessageUpdated(MessageInfo),
    MessageRemoved {
        session_id: String,
        message_id: String,
    },
    SessionStatus {
        session_id: String,
        status: SessionStatus,
    },
    SessionIdle {
        session_id: String,
    },
    SessionError {
        session_id: Option<String>,
        error: Option<MessageError>,
    },
    SessionUpdated(Session),
    /// A permission request or question was asked, answered or rejected.
    AsksChanged {
        session_id: String,
    },
    /// pocketcode's own: the chat's prompt queue changed (refetch it).
    QueueUpdated {
        session_id: String,
    },
    /// pocketcode's own: the chat's review comments changed (refetch them).
    ReviewUpdated {
        session_id: String,
    },
    /// Heartbeats, plugin noise, file watcher events, kinds added later, and
    /// known kinds whose properties did not parse.
    Other,
}

/// `message.part.delta`'s properties.
#[derive(Clone, Debug, PartialEq, Deserialize)]
pub struct PartDelta {
    #[serde(rename = "sessionID")]
    pub session_id: String,
    #[serde(rename = "messageID")]
    pub message_id: String,
    #[serde(rename = "partID")]
    pub part_id: String,
    pub field: String,
    pub delta: String,
}

/// A session's run state (`session.status`): `{"type": "idle" | "busy" |
/// "retry", …}`.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(from = "StatusWire")]
pub enum SessionStatus {
    Idle,
    Busy,
    Retry { attempt: u32, message: String },
    Other,
}

/// [`SessionStatus`] as opencode writes it, read in one pass (a derived
/// internally tagged enum would buffer it in serde's `Content` first).
#[derive(Deserialize)]
struct StatusWire {
    #[serde(rename = "type")]
    kind: String,
    #[serde(default)]
    attempt: u32,
    #[serde(default)]
    message: String,
}

impl From<StatusWire> for SessionStatus {
    fn from(wire: StatusWire) -> Self {
        match wire.kind.as_str() {
            "idle" => Self::Idle,
            "busy" => Self::Busy,
            "retry" => Self::Retry {
                attempt: wire.attempt,
                message: wire.message,
            },
            _ => Self::Other,
        }
    }
}

/// The event's kind, and its properties as they came (read once the kind
/// says which type they are).
#[derive(Deserialize)]
struct Envelope<'a> {
    #[serde(rename = "type")]
    kind: String,
    #[serde(default, borrow)]
    properties: Option<&'a RawValue>,
}

#[derive(Deserialize)]
struct Ids {
    #[serde(rename = "sessionID")]
    session_id: String,
    #[serde(rename = "messageID", default)]
    message_id: String,
    #[serde(rename = "partID", default)]
    part_id: String,
}

#[derive(Deserialize)]
struct PartProps {
    part: Part,
}

#[derive(Deserialize)]
struct InfoProps<T> {
    info: T,
}

#[derive(Deserialize)]
struct StatusProps {
    #[serde(rename = "sessionID")]
    session_id: String,
    status: SessionStatus,
}

#[derive(Deserialize)]
struct ErrorProps {
    #[serde(rename = "sessionID", default)]
    session_id: Option<String>,
    #[serde(default)]
    error: Option<MessageError>,
}

impl Event {
    /// Parses one SSE `data:` payload. `None` when it is not an event at all.
    pub fn parse(data: &str) -> Option<Self> {
        let envelope: Envelope = serde_json::from_slice(data.as_bytes()).ok()?;
        let props = envelope.properties;
        let event = match envelope.kind.as_str() {
            "message.part.delta" => from(props).map(Self::PartDelta),
            "message.part.updated" => from::<PartProps>(props).map(|p| Self::PartUpdated(p.part)),
            "message.part.removed" => from::<Ids>(props).map(|i| Self::PartRemoved {
                session_id: i.session_id,
                message_id: i.message_id,
                part_id: i.part_id,
            }),
            "message.updated" => from::<InfoProps<_>>(props).map(|p| Self::MessageUpdated(p.info)),
            "message.removed" => from::<Ids>(props).map(|i| Self::MessageRemoved {
                session_id: i.session_id,
                message_id: i.message_id,
            }),
            "session.status" => from::<StatusProps>(props).map(|p| Self::SessionStatus {
                session_id: p.session_id,
                status: p.status,
            }),
            "session.idle" => from::<Ids>(props).map(|i| Self::SessionIdle {
                session_id: i.session_id,
            }),
            "session.error" => from::<ErrorProps>(props).map(|p| Self::SessionError {
                session_id: p.session_id,
                error: p.error,
            }),
            "permission.asked" | "permission.replied" | "question.asked" | "question.replied"
            | "question.rejected" => from::<Ids>(props).map(|i| Self::AsksChanged {
                session_id: i.session_id,
            }),
            "queue.updated" => from::<Ids>(props).map(|i| Self::QueueUpdated {
                session_id: i.session_id,
            }),
            crate::model::review::REVIEW_UPDATED => {
                from::<Ids>(props).map(|i| Self::ReviewUpdated {
                    session_id: i.session_id,
                })
            }
            "session.created" | "session.updated" => {
                from::<InfoProps<_>>(props).map(|p| Self::SessionUpdated(p.info))
            }
            _ => None,
        };
        Some(event.unwrap_or(Self::Other))
    }

    /// The session the event is about, when it is about one.
    pub fn session_id(&self) -> Option<&str> {
        match self {
            Self::PartDelta(d) => Some(&d.session_id),
            Self::PartUpdated(p) => Some(&p.session_id),
            Self::MessageUpdated(m) => Some(&m.session_id),
            Self::SessionUpdated(s) => Some(&s.id),
            Self::PartRemoved { session_id, .. }
            | Self::MessageRemoved { session_id, .. }
            | Self::SessionStatus { session_id, .. }
            | Self::SessionIdle { session_id }
            | Self::AsksChanged { session_id }
            | Self::QueueUpdated { session_id }
            | Self::ReviewUpdated { session_id } => Some(session_id),
            Self::SessionError { session_id, .. } => session_id.as_deref(),
            Self::Other => None,
        }
    }
}

/// The properties as a `T`, read with the browser's one JSON reader (a
/// `serde_json::Value` in between would be a third copy of the
/// deserializers of `Part`, `MessageInfo` and `Session` in the WASM).
fn from<T: serde::de::DeserializeOwned>(properties: Option<&RawValue>) -> Option<T> {
    crate::model::json::from_text(properties?.get()).ok()
}

/// The URL of opencode's event stream for `directory`, as the browser reaches
/// it through pocketcode's proxy.
pub fn event_stream_url(directory: &str) -> String {
    let mut url = String::from("/event?directory=");
    for byte in directory.bytes() {
        if byte.is_ascii_alphanumeric() || b"-_.~/".contains(&byte) {
            url.push(char::from(byte));
        } else {
            url.push_str(&format!("%{byte:02X}"));
        }
    }
    url
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_a_text_delta() {
        let data = r#"{"id":"evt_1","type":"message.part.delta","properties":{"sessionID":"ses_1",
            "messageID":"msg_1","partID":"prt_1","field":"text","delta":"Hello "}}"#;
        let Some(Event::PartDelta(delta)) = Event::parse(data) else {
            panic!("not a delta");
        };
        assert_eq!(delta.delta, "Hello ");
        assert_eq!(delta.part_id, "prt_1");
    }

    #[test]
    fn parses_status_idle_and_errors() {
        let busy = r#"{"id":"evt_2","type":"session.status","properties":{"sessionID":"ses_1","status":{"type":"busy"}}}"#;
        assert_eq!(
            Event::parse(busy),
            Some(Event::SessionStatus {
                session_id: "ses_1".into(),
                status: SessionStatus::Busy
            })
        );
        let idle = r#"{"id":"evt_3","type":"session.idle","properties":{"sessionID":"ses_1"}}"#;
        assert_eq!(
            Event::parse(idle)
                .and_then(|e| e.session_id().map(str::to_owned))
                .as_deref(),
            Some("ses_1")
        );
        let error = r#"{"id":"evt_4","type":"session.error","properties":{"sessionID":"ses_1",
            "error":{"name":"MessageAbortedError","data":{"message":"Aborted"}}}}"#;
        assert!(matches!(
            Event::parse(error),
            Some(Event::SessionError { error: Some(_), .. })
        ));
    }

    #[test]
    fn parses_a_message_and_a_part_update() {
        let message = r#"{"id":"evt_5","type":"message.updated","properties":{"sessionID":"ses_1",
            "info":{"id":"msg_1","role":"user","sessionID":"ses_1","time":{"created":1}}}}"#;
        assert!(
            matches!(Event::parse(message), Some(Event::MessageUpdated(ref m)) if m.id == "msg_1")
        );
        let part = r#"{"id":"evt_6","type":"message.part.updated","properties":{"sessionID":"ses_1",
            "part":{"id":"prt_1","messageID":"msg_1","sessionID":"ses_1","type":"text","text":""},"time":1}}"#;
        assert!(matches!(Event::parse(part), Some(Event::PartUpdated(ref p)) if p.id == "prt_1"));
    }

    #[test]
    fn noise_and_malformed_known_events_are_other() {
        let heartbeat = r#"{"id":"evt_7","type":"server.heartbeat","properties":{}}"#;
        assert_eq!(Event::parse(heartbeat), Some(Event::Other));
        let broken = r#"{"id":"evt_8","type":"message.part.delta","properties":{"oops":1}}"#;
        assert_eq!(Event::parse(broken), Some(Event::Other));
        assert_eq!(Event::parse("not json"), None);
    }

    #[test]
    fn reads_properties_as_they_came() {
        let escaped = r#"{"type":"message.part.delta","properties":{"sessionID":"ses_1",
            "messageID":"msg_1","partID":"prt_1","field":"text","delta":"a \"b\"\n\u00fc"}}"#;
        let Some(Event::PartDelta(delta)) = Event::parse(escaped) else {
            panic!("not a delta");
        };
        assert_eq!(delta.delta, "a \"b\"\nü");
        let bare = r#"{"type":"session.idle"}"#;
        assert_eq!(Event::parse(bare), Some(Event::Other));
        let null = r#"{"type":"session.idle","properties":null}"#;
        assert_eq!(Event::parse(null), Some(Event::Other));
    }

    #[test]
    fn encodes_the_directory_into_the_stream_url() {
        assert_eq!(
            event_stream_url("/tmp/a b/ü"),
            "/event?directory=/tmp/a%20b/%C3%BC"
        );
        assert_eq!(event_stream_url("/x&y=z"), "/event?directory=/x%26y%3Dz");
    }

    #[test]
    fn reads_every_session_status() {
        let status = |json: &str| serde_json::from_str::<SessionStatus>(json).ok();
        assert_eq!(status(r#"{"type":"idle"}"#), Some(SessionStatus::Idle));
        assert_eq!(status(r#"{"type":"busy"}"#), Some(SessionStatus::Busy));
        assert_eq!(
            status(r#"{"type":"retry","attempt":2,"message":"overloaded","next":1700000000000}"#),
            Some(SessionStatus::Retry {
                attempt: 2,
                message: "overloaded".into()
            })
        );
        assert_eq!(status(r#"{"type":"paused"}"#), Some(SessionStatus::Other));
        assert_eq!(status(r#"{"attempt":1}"#), None);
    }
}
