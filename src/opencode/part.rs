//! Parts: the pieces of a message (text, reasoning, tool calls, steps, …).

use serde::{Deserialize, Serialize};

/// A part of a message. The common header is typed; the body depends on
/// the part's `type`. Read through [`super::part_wire`].
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "super::part_wire::PartWire")]
pub struct Part {
    /// `prt_…`; opencode's ids sort in creation order.
    pub id: String,
    #[serde(rename = "messageID")]
    pub message_id: String,
    #[serde(rename = "sessionID", default)]
    pub session_id: String,
    #[serde(flatten)]
    pub body: PartBody,
}

/// What a part holds, by its `type`. Written flattened into [`Part`]; read
/// only as part of one (see [`super::part_wire`]).
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(tag = "type", rename_all = "kebab-case")]
pub enum PartBody {
    Text {
        #[serde(default)]
        text: String,
        /// Text opencode added itself (e.g. file contents), not typed by anyone.
        #[serde(default, skip_serializing_if = "std::ops::Not::not")]
        synthetic: bool,
    },
    Reasoning {
        #[serde(default)]
        text: String,
    },
    Tool {
        tool: String,
        #[serde(rename = "callID", default)]
        call_id: String,
        state: ToolState,
    },
    /// A file attached to a prompt (images as `data:` URLs).
    File {
        #[serde(default)]
        mime: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        filename: Option<String>,
        #[serde(default)]
        url: String,
    },
    StepStart {},
    /// One model call of a turn ended: what it used and cost.
    StepFinish {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        reason: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        tokens: Option<super::Tokens>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        cost: Option<f64>,
    },
    /// Any part kind this version of pocketcode does not show.
    Other,
}

/// Where a tool call is: opencode's `state.status` and what comes with it.
/// Read through [`super::part_wire`].
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(
    tag = "status",
    rename_all = "lowercase",
    from = "super::part_wire::ToolStateWire"
)]
pub enum ToolState {
    Pending {},
    Running {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        title: Option<String>,
        #[serde(default)]
        input: serde_json::Value,
    },
    Completed {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        title: Option<String>,
        #[serde(default)]
        input: serde_json::Value,
        #[serde(default)]
        output: String,
        /// What the tool reported besides its output (an edit's `diff`, …).
        #[serde(default, skip_serializing_if = "serde_json::Value::is_null")]
        metadata: serde_json::Value,
    },
    Error {
        #[serde(default)]
        input: serde_json::Value,
        #[serde(default)]
        error: String,
    },
    Other,
}

impl ToolState {
    /// The status word, as opencode spells it.
    pub fn status(&self) -> &'static str {
        match self {
            Self::Pending {} => "pending",
            Self::Running { .. } => "running",
            Self::Completed { .. } => "completed",
            Self::Error { .. } => "error",
            Self::Other => "unknown",
        }
    }

    /// A short line saying what the call acts on: its title, else the
    /// file path or command from its input.
    pub fn summary(&self) -> Option<String> {
        let (title, input) = match self {
            Self::Running { title, input } | Self::Completed { title, input, .. } => {
                (title.as_deref(), Some(input))
            }
            Self::Error { input, .. } => (None, Some(input)),
            Self::Pending {} | Self::Other => (None, None),
        };
        if let Some(title) = title.filter(|t| !t.is_empty()) {
            return Some(title.to_owned());
        }
        let input = input?;
        ["filePath", "path", "command", "pattern", "url"]
            .iter()
            .find_map(|key| input.get(key).and_then(|v| v.as_str()))
            .map(str::to_owned)
    }

    /// The call's input (null while pending).
    pub fn input(&self) -> Option<&serde_json::Value> {
        match self {
            Self::Running { input, .. }
            | Self::Completed { input, .. }
            | Self::Error { input, .. } => Some(input),
            Self::Pending {} | Self::Other => None,
        }
    }

    /// A string field of the completed call's metadata (e.g. an edit's `diff`).
    pub fn metadata_str(&self, key: &str) -> Option<&str> {
        match self {
            Self::Completed { metadata, .. } => metadata.get(key).and_then(|v| v.as_str()),
            _ => None,
        }
    }
}

impl Part {
    /// The text a streamed `field` of this part holds, for appending deltas.
    pub fn text_field_mut(&mut self, field: &str) -> Option<&mut String> {
        match (&mut self.body, field) {
            (PartBody::Text { text, .. } | PartBody::Reasoning { text }, "text") => Some(text),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(json: &str) -> Part {
        serde_json::from_str(json).expect("part")
    }

    #[test]
    fn parses_observed_text_and_step_parts() {
        let text = parse(
            r#"{"id":"prt_2","sessionID":"ses_1","messageID":"msg_1","type":"text",
                "text":"Hello","time":{"start":1,"end":2}}"#,
        );
        assert!(matches!(text.body, PartBody::Text { ref text, .. } if text == "Hello"));
        let step =
            parse(r#"{"id":"prt_1","sessionID":"ses_1","messageID":"msg_1","type":"step-start"}"#);
        assert_eq!(step.body, PartBody::StepStart {});
        let finish = parse(
            r#"{"id":"prt_3","sessionID":"ses_1","messageID":"msg_1","type":"step-finish",
                "reason":"stop","cost":0.25,"tokens":{"total":12,"input":10,"output":2,
                "reasoning":0,"cache":{"read":0,"write":0}}}"#,
        );
        let PartBody::StepFinish {
            reason,
            tokens,
            cost,
        } = finish.body
        else {
            panic!("not a step-finish part");
        };
        assert_eq!(reason.as_deref(), Some("stop"));
        assert_eq!(tokens.map(|t| t.total()), Some(12));
        assert_eq!(cost, Some(0.25));
    }

    #[test]
    fn parses_tool_states_as_they_progress() {
        let pending = parse(
            r#"{"id":"prt_4","sessionID":"ses_1","messageID":"msg_1","type":"tool","tool":"write",
                "callID":"call_1","state":{"status":"pending","input":{},"raw":""}}"#,
        );
        let PartBody::Tool { tool, state, .. } = pending.body else {
            panic!("not a tool part");
        };
        assert_eq!(tool, "write");
        assert_eq!(state.status(), "pending");
        let done = parse(
            r#"{"id":"prt_4","sessionID":"ses_1","messageID":"msg_1","type":"tool","tool":"write",
                "callID":"call_1","state":{"status":"completed","input":{"filePath":"/w/a.txt",
                "content":"hi"},"output":"Wrote file successfully.","title":"a.txt",
                "metadata":{"exists":false},"time":{"start":1,"end":2}}}"#,
        );
        let PartBody::Tool { state, .. } = done.body else {
            panic!("not a tool part");
        };
        assert_eq!(state.status(), "completed");
        assert_eq!(state.summary().as_deref(), Some("a.txt"));
    }

    #[test]
    fn unknown_kinds_and_states_are_kept_as_other() {
        let part = parse(
            r#"{"id":"prt_5","sessionID":"ses_1","messageID":"msg_1","type":"snapshot","snapshot":"x"}"#,
        );
        assert_eq!(part.body, PartBody::Other);
        let tool = parse(
            r#"{"id":"prt_6","sessionID":"ses_1","messageID":"msg_1","type":"tool","tool":"x",
                "callID":"c","state":{"status":"paused"}}"#,
        );
        assert!(matches!(
            tool.body,
            PartBody::Tool {
                state: ToolState::Other,
                ..
            }
        ));
    }

    #[test]
    fn survives_a_round_trip_through_json() {
        let part = parse(
            r#"{"id":"prt_4","sessionID":"ses_1","messageID":"msg_1","type":"tool","tool":"bash",
                "callID":"c","state":{"status":"running","input":{"command":"ls"},"time":{"start":1}}}"#,
        );
        let json = serde_json::to_string(&part).expect("serialise");
        assert_eq!(
            serde_json::from_str::<Part>(&json).expect("parse again"),
            part
        );
    }
}
