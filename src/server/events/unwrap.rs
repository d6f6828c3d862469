//! One `GET /global/event` frame, `{"directory": …, "payload": {…}}`, read
//! without building it: the directory, the event's type and session are
//! borrowed from the text and the payload stays the text opencode sent.
//! Every event of every directory passes here, local (the relay keeps only
//! the watched ones) and remote, so this is the cost each event has on
//! pocketcode's runtime before the proxy's copy of it is written (issue 26:
//! a full `Value` of the wrapper plus a re-serialised payload per event).
//!
//! The payload is read once: the wrapper is split where opencode writes
//! its parts (serde reads any other shape), and a `sync` record, half of
//! all frames, is known by its first bytes and not read at all.

use std::borrow::Cow;

use serde::Deserialize;
use serde::de::IgnoredAny;
use serde_json::value::RawValue;

/// One event of a directory, borrowed from its frame (local or remote).
#[derive(Debug)]
pub(super) struct GlobalEvent<'a> {
    pub directory: Cow<'a, str>,
    pub kind: Cow<'a, str>,
    pub session: Option<Cow<'a, str>>,
    /// The event as the directory's own `/event` sends it (JSON text).
    pub payload: &'a str,
}

#[derive(Deserialize)]
struct Wrapped<'a> {
    #[serde(borrow)]
    directory: Cow<'a, str>,
    #[serde(borrow)]
    payload: &'a RawValue,
}

#[derive(Deserialize)]
struct Head<'a> {
    #[serde(rename = "type", borrow)]
    kind: Cow<'a, str>,
    #[serde(default, borrow)]
    properties: Props<'a>,
}

/// Where opencode puts an event's session: `sessionID`, else
/// `info.sessionID`, else `part.sessionID`, else a `session.*` event's
/// `info.id`.
#[derive(Default, Deserialize)]
struct Props<'a> {
    #[serde(rename = "sessionID", default, borrow)]
    session_id: Text<'a>,
    #[serde(default, borrow)]
    info: Inner<'a>,
    #[serde(default, borrow)]
    part: Inner<'a>,
}

#[derive(Default, Deserialize)]
struct Inner<'a> {
    #[serde(rename = "sessionID", default, borrow)]
    session_id: Text<'a>,
    #[serde(default, borrow)]
    id: Text<'a>,
}

/// A string, or anything else (which names no session).
#[derive(Default, Deserialize)]
#[serde(untagged)]
enum Text<'a> {
    Str(#[serde(borrow)] Cow<'a, str>),
    #[default]
    #[serde(skip)]
    Absent,
    Other(IgnoredAny),
}

impl<'a> Text<'a> {
    fn take(&mut self) -> Option<Cow<'a, str>> {
        match std::mem::take(self) {
            Text::Str(s) => Some(s),
            Text::Absent | Text::Other(_) => None,
        }
    }
}

/// An event's type and session, borrowed from its JSON text.
pub(super) struct EventHead<'a> {
    pub kind: Cow<'a, str>,
    pub session: Option<Cow<'a, str>>,
}

/// `payload` (one event as a directory's `/event` sends it) → its
/// [`EventHead`], without building the event.
pub(super) fn head(payload: &str) -> Option<EventHead<'_>> {
    let head: Head<'_> = serde_json::from_str(payload).ok()?;
    let Props {
        mut session_id,
        mut info,
        mut part,
    } = head.properties;
    let session = session_id
        .take()
        .or_else(|| info.session_id.take())
        .or_else(|| part.session_id.take())
        .or_else(|| head.kind.starts_with("session.").then(|| info.id.take())?);
    Some(EventHead {
        kind: head.kind,
        session,
    })
}

/// `data` → its [`GlobalEvent`]. opencode also sends each durable event a
/// second time as a `sync` record (for its own replicas): dropped, as are
/// events of no directory and anything that is not such a frame.
pub(super) fn unwrap_global(data: &str) -> Option<GlobalEvent<'_>> {
    if let Some((directory, payload)) = as_written(data) {
        if payload.starts_with(SYNC) {
            return None;
        }
        // A payload that is not one JSON object was not split right: the
        // frame is read again in full below.
        if let Some(event) = global_event(Cow::Borrowed(directory), payload) {
            return Some(event);
        }
    }
    let wrapped: Wrapped<'_> = serde_json::from_str(data).ok()?;
    global_event(wrapped.directory, wrapped.payload.get())
}

/// How opencode writes a `sync` record (its `type` first): known to be one
/// without reading further.
const SYNC: &str = r#"{"type":"sync","#;

/// `data` split where opencode writes its parts (`JSON.stringify` of
/// `{directory, project, payload}`, in that order, no spaces), without
/// reading the payload: its directory (with nothing escaped in it) and the
/// payload's text, unchecked. `None` for any other shape.
fn as_written(data: &str) -> Option<(&str, &str)> {
    let (directory, rest) = plain_string(data.strip_prefix(r#"{"directory":"#)?)?;
    let rest = match rest.strip_prefix(r#","project":"#) {
        Some(project) => plain_string(project)?.1,
        None => rest,
    };
    let payload = rest
        .strip_prefix(r#","payload":"#)?
        .trim_end()
        .strip_suffix('}')?;
    Some((directory, payload))
}

/// The JSON string `text` starts with, when nothing in it is escaped: its
/// content, and what follows it.
fn plain_string(text: &str) -> Option<(&str, &str)> {
    let text = text.strip_prefix('"')?;
    let end = memchr::memchr2(b'"', b'\\', text.as_bytes())?;
    (text.as_bytes()[end] == b'"').then(|| (&text[..end], &text[end + 1..]))
}

/// The event `payload` of `directory`, read once for its type and session
/// (which also checks that it is one JSON object); `sync` records dropped.
fn global_event<'a>(directory: Cow<'a, str>, payload: &'a str) -> Option<GlobalEvent<'a>> {
    if !payload.starts_with('{') {
        return None;
    }
    let EventHead { kind, session } = head(payload)?;
    if kind == "sync" {
        return None;
    }
    Some(GlobalEvent {
        directory,
        kind,
        session,
        payload,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::{Value, json};

    #[test]
    fn local_events_are_unwrapped_and_sync_copies_dropped() {
        let data = r#"{"directory":"/w","payload":{"id":"evt_1","type":"session.idle","properties":{"sessionID":"ses_a"}}}"#;
        let event = unwrap_global(data).expect("unwrapped");
        assert_eq!((&*event.directory, &*event.kind), ("/w", "session.idle"));
        assert_eq!(event.session.as_deref(), Some("ses_a"));
        let payload: Value = serde_json::from_str(event.payload).expect("json");
        assert_eq!(payload["properties"]["sessionID"], "ses_a");
        let sync = r#"{"directory":"/w","payload":{"type":"sync","syncEvent":{}}}"#;
        assert!(unwrap_global(sync).is_none());
        assert!(unwrap_global(r#"{"payload":{"type":"server.connected"}}"#).is_none());
        assert!(unwrap_global(r#"{"directory":"/w","payload":[1]}"#).is_none());
        assert!(unwrap_global("not json").is_none());
    }

    /// Frames written as opencode writes them are split without serde;
    /// any other shape of the same frame reads the same.
    #[test]
    fn every_shape_of_a_frame_reads_the_same() {
        let payload = r#"{"type":"message.part.delta","properties":{"sessionID":"ses_a","delta":"}\"payload\":{"}}"#;
        let shapes = [
            format!(r#"{{"directory":"/w","payload":{payload}}}"#),
            format!(r#"{{"directory":"/w","project":"54cd5e4f","payload":{payload}}}"#),
            format!(r#"{{"directory":"/w","project":"a\"b","payload":{payload}}}"#),
            format!(r#"{{"directory":"/w","project":null,"payload":{payload}}}"#),
            format!("{{\"directory\":\"/w\",\"payload\":{payload}}}\n"),
            format!(r#"{{"payload":{payload},"directory":"/w"}}"#),
            format!(r#"{{ "directory": "/w", "payload": {payload} }}"#),
            format!(r#"{{"directory":"\/w","payload":{payload}}}"#),
            format!(r#"{{"directory":"/w","payload":{payload},"extra":{{"type":"sync"}}}}"#),
        ];
        for data in &shapes {
            let event = unwrap_global(data).unwrap_or_else(|| panic!("unwrapped: {data}"));
            assert_eq!(&*event.directory, "/w", "{data}");
            assert_eq!(&*event.kind, "message.part.delta", "{data}");
            assert_eq!(event.session.as_deref(), Some("ses_a"), "{data}");
            assert_eq!(event.payload, payload, "{data}");
        }
        let quoted = r#"{"directory":"/a \"b\"","payload":{"type":"x.y"}}"#;
        assert_eq!(
            unwrap_global(quoted).map(|e| e.directory.into_owned()),
            Some(r#"/a "b""#.to_owned())
        );
        for dropped in [
            r#"{"directory":"/w","payload":{"type":"sync","syncEvent":{"type":"message.updated"}}}"#,
            r#"{"directory":"/w","project":"p","payload":{"type":"sync","syncEvent":{}}}"#,
            r#"{"payload":{"id":"evt_1","type":"server.connected","properties":{}}}"#,
            r#"{"directory":"/w","payload":{"syncEvent":{},"type":"sync"}}"#,
            r#"{"directory":"/w","payload":{"type":"x.y"}"#,
            r#"{"directory":"/w","payload":{"type":"x.y"}}}"#,
            r#"{"directory":"/w","payload":{"type":"x.y","a":}}"#,
            r#"{"directory":"/w","payload":"text"}"#,
        ] {
            assert!(unwrap_global(dropped).is_none(), "{dropped}");
        }
    }

    /// The session looked up on the parsed event, as the hub once did.
    fn session_of<'a>(kind: &str, props: &'a Value) -> Option<&'a str> {
        props["sessionID"]
            .as_str()
            .or_else(|| props["info"]["sessionID"].as_str())
            .or_else(|| props["part"]["sessionID"].as_str())
            .or_else(|| {
                kind.starts_with("session.")
                    .then(|| props["info"]["id"].as_str())
                    .flatten()
            })
    }

    /// The same session as a lookup on the parsed event finds.
    #[test]
    fn the_session_is_found_where_the_hub_finds_it() {
        let cases = [
            json!({"type": "message.part.delta", "properties": {"sessionID": "ses_a", "delta": "x"}}),
            json!({"type": "message.updated", "properties": {"info": {"sessionID": "ses_b", "id": "msg_1"}}}),
            json!({"type": "message.part.updated", "properties": {"part": {"sessionID": "ses_c"}}}),
            json!({"type": "session.updated", "properties": {"info": {"id": "ses_d"}}}),
            json!({"type": "file.edited", "properties": {"info": {"id": "not_a_session"}}}),
            json!({"type": "session.status", "properties": {"sessionID": 7, "info": {"id": "ses_e"}}}),
            json!({"type": "plugin.added"}),
        ];
        for payload in cases {
            let data = json!({"directory": "/w", "payload": payload}).to_string();
            let event = unwrap_global(&data).expect("unwrapped");
            let expected = session_of(
                payload["type"].as_str().expect("type"),
                &payload["properties"],
            );
            assert_eq!(event.session.as_deref(), expected, "{payload}");
            assert_eq!(
                serde_json::from_str::<Value>(event.payload).expect("json"),
                payload
            );
        }
    }
}
