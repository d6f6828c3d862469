//! A session's messages as the UI shows them: loaded once, then kept current
//! by live events, and replaced by a fresh load when the session settles.

use serde::{Deserialize, Serialize};

use super::{Event, MessageWithParts, Part, Session, SessionStatus};

/// How many of a chat's latest messages a load brings, and how many more
/// each "Show earlier messages" adds: a long chat opens at its end without
/// sending (or hydrating) its whole history. A phone shows a handful at a
/// time; each one more in the first page is more HTML to parse and lay out
/// and more to hydrate before the thumb can act.
pub const TRANSCRIPT_PAGE: usize = 50;

/// Everything the chat view needs about one session.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Transcript {
    pub session: Session,
    /// In creation order (opencode's ids sort that way): the latest ones
    /// when the load was limited.
    pub messages: Vec<MessageWithParts>,
    /// Older messages exist that this load left out.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub earlier: bool,
    /// Whether the agent is working on this session.
    pub busy: bool,
    /// The last error the session reported, until it starts working again.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

impl Transcript {
    /// Whether the agent is acting on the shared browser right now: one of
    /// its browser tools is pending or running in the latest message.
    pub fn browser_tool_running(&self) -> bool {
        self.busy
            && self.messages.last().is_some_and(|m| {
                m.parts.iter().any(|p| match &p.body {
                    super::PartBody::Tool { tool, state, .. } => {
                        crate::model::browser::is_browser_tool(tool)
                            && matches!(state.status(), "pending" | "running")
                    }
                    _ => false,
                })
            })
    }

    pub fn message(&self, id: &str) -> Option<&MessageWithParts> {
        self.messages.iter().find(|m| m.info.id == id)
    }

    pub fn part(&self, message_id: &str, part_id: &str) -> Option<&Part> {
        self.message(message_id)?
            .parts
            .iter()
            .find(|p| p.id == part_id)
    }

    /// The model (`provider/model`) and agent of the last prompt, which the
    /// pickers start from when this browser remembers none for the chat.
    pub fn last_pick(&self) -> (Option<String>, Option<String>) {
        let last = self
            .messages
            .iter()
            .rev()
            .find(|m| m.info.role == super::Role::User);
        (
            last.and_then(|m| m.info.model_choice()),
            last.and_then(|m| m.info.agent.clone()),
        )
    }

    /// Applies one live event; returns whether anything changed. Events of
    /// other sessions are ignored.
    pub fn apply(&mut self, event: &Event) -> bool {
        if event.session_id() != Some(self.session.id.as_str()) {
            return false;
        }
        match event {
            Event::PartDelta(delta) => self
                .part_mut(&delta.message_id, &delta.part_id)
                .and_then(|part| part.text_field_mut(&delta.field))
                .map(|text| text.push_str(&delta.delta))
                .is_some(),
            Event::PartUpdated(part) => self.upsert_part(part.clone()),
            Event::PartRemoved {
                message_id,
                part_id,
                ..
            } => self
                .message_mut(message_id)
                .map(|m| m.parts.retain(|p| &p.id != part_id))
                .is_some(),
            Event::MessageUpdated(info) => {
                match self.messages.binary_search_by(|m| m.info.id.cmp(&info.id)) {
                    Ok(i) => self.messages[i].info = info.clone(),
                    Err(i) => self.messages.insert(
                        i,
                        MessageWithParts {
                            info: info.clone(),
                            parts: Vec::new(),
                        },
                    ),
                }
                true
            }
            Event::MessageRemoved { message_id, .. } => {
                self.messages.retain(|m| &m.info.id != message_id);
                true
            }
            Event::SessionStatus { status, .. } => {
                let busy = !matches!(status, SessionStatus::Idle);
                if busy {
                    self.error = None;
                }
                std::mem::replace(&mut self.busy, busy) != busy
            }
            Event::SessionIdle { .. } => std::mem::replace(&mut self.busy, false),
            Event::SessionError { error, .. } => {
                self.error = Some(
                    error
                        .as_ref()
                        .map_or_else(|| "unknown error".into(), |e| e.describe()),
                );
                true
            }
            Event::SessionUpdated(session) => {
                self.session = session.clone();
                true
            }
            Event::AsksChanged { .. }
            | Event::QueueUpdated { .. }
            | Event::ReviewUpdated { .. }
            | Event::Other => false,
        }
    }

    /// Replaces the transcript with a freshly loaded one, keeping streamed
    /// text the load has not caught up with yet (opencode stores a part's
    /// text when the part ends, so a load during streaming has less of it).
    pub fn merge_snapshot(&mut self, mut fresh: Transcript) {
        for message in &mut fresh.messages {
            for part in &mut message.parts {
                let Some(live) = self.part_mut(&part.message_id, &part.id) else {
                    continue;
                };
                let (Some(live), Some(loaded)) =
                    (live.text_field_mut("text"), part.text_field_mut("text"))
                else {
                    continue;
                };
                if live.len() > loaded.len() && live.starts_with(loaded.as_str()) {
                    *loaded = std::mem::take(live);
                }
            }
        }
        *self = fresh;
    }

    fn message_mut(&mut self, id: &str) -> Option<&mut MessageWithParts> {
        self.messages.iter_mut().find(|m| m.info.id == id)
    }

    fn part_mut(&mut self, message_id: &str, part_id: &str) -> Option<&mut Part> {
        self.message_mut(message_id)?
            .parts
            .iter_mut()
            .find(|p| p.id == part_id)
    }

    fn upsert_part(&mut self, part: Part) -> bool {
        let Some(message) = self.message_mut(&part.message_id) else {
            // Parts only follow their message's `message.updated`; a stray
            // one is picked up by the next load.
            return false;
        };
        match message.parts.binary_search_by(|p| p.id.cmp(&part.id)) {
            Ok(i) => message.parts[i] = part,
            Err(i) => message.parts.insert(i, part),
        }
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::opencode::PartBody;

    fn event(json: &str) -> Event {
        Event::parse(json).expect("event")
    }

    fn empty() -> Transcript {
        let session = serde_json::from_str(r#"{"id":"ses_1","directory":"/w"}"#).expect("session");
        Transcript {
            session,
            messages: Vec::new(),
            earlier: false,
            busy: false,
            error: None,
        }
    }

    const MESSAGE: &str = r#"{"type":"message.updated","properties":{"sessionID":"ses_1",
        "info":{"id":"msg_2","role":"assistant","sessionID":"ses_1","time":{"created":1}}}}"#;
    const PART: &str = r#"{"type":"message.part.updated","properties":{"sessionID":"ses_1",
        "part":{"id":"prt_1","messageID":"msg_2","sessionID":"ses_1","type":"text","text":""}}}"#;

    fn delta(text: &str) -> Event {
        event(&format!(
            r#"{{"type":"message.part.delta","properties":{{"sessionID":"ses_1","messageID":"msg_2",
                "partID":"prt_1","field":"text","delta":"{text}"}}}}"#
        ))
    }

    fn text_of(t: &Transcript) -> String {
        match t.part("msg_2", "prt_1").map(|p| &p.body) {
            Some(PartBody::Text { text, .. }) => text.clone(),
            other => panic!("no text part: {other:?}"),
        }
    }

    #[test]
    fn streams_deltas_into_a_part() {
        let mut t = empty();
        assert!(t.apply(&event(MESSAGE)));
        assert!(t.apply(&event(PART)));
        assert!(t.apply(&delta("Hello ")));
        assert!(t.apply(&delta("there")));
        assert_eq!(text_of(&t), "Hello there");
    }

    #[test]
    fn ignores_other_sessions_and_unknown_parts() {
        let mut t = empty();
        let other = MESSAGE.replace("ses_1", "ses_2");
        assert!(!t.apply(&event(&other)));
        assert!(t.messages.is_empty());
        assert!(!t.apply(&delta("lost")));
    }

    #[test]
    fn tracks_busy_and_errors() {
        let mut t = empty();
        let busy = r#"{"type":"session.status","properties":{"sessionID":"ses_1","status":{"type":"busy"}}}"#;
        assert!(t.apply(&event(busy)));
        assert!(t.busy);
        let error = r#"{"type":"session.error","properties":{"sessionID":"ses_1","error":{"name":"APIError","data":{"message":"boom"}}}}"#;
        t.apply(&event(error));
        assert_eq!(t.error.as_deref(), Some("APIError: boom"));
        t.apply(&event(
            r#"{"type":"session.idle","properties":{"sessionID":"ses_1"}}"#,
        ));
        assert!(!t.busy);
    }

    #[test]
    fn a_snapshot_keeps_text_streamed_past_it() {
        let mut live = empty();
        live.apply(&event(MESSAGE));
        live.apply(&event(PART));
        let snapshot = live.clone();
        live.apply(&delta("Hello"));
        live.merge_snapshot(snapshot);
        assert_eq!(text_of(&live), "Hello");

        let mut finished = live.clone();
        finished.apply(&delta(" world"));
        live.merge_snapshot(finished);
        assert_eq!(text_of(&live), "Hello world");
    }
}
