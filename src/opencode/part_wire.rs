//! How [`Part`] and [`ToolState`] are read: through plain structs holding
//! every field any known kind has, then converted by their `type` (or
//! `status`).
//!
//! The JSON is the same as serde's derived reading of the internally tagged
//! `PartBody` (flattened into `Part`) and `ToolState` would take; it is
//! read differently because those derives buffer each part into serde's
//! private `Content` tree before choosing the variant, and that code (per
//! type, per variant) is a large part of the browser's WASM. A plain struct
//! is read in one pass. Writing is still derived, unchanged.
//!
//! Tolerance is kept: unknown kinds and statuses become `Other`, unknown
//! fields are skipped. A field of a known kind that has the wrong type
//! fails the part, as it did; so would, now, a future part kind that reuses
//! one of these names with another type (none of opencode's kinds does).

use serde::Deserialize;

use super::Tokens;
use super::part::{Part, PartBody, ToolState};

/// A part as opencode writes it.
#[derive(Deserialize)]
pub(super) struct PartWire {
    id: String,
    #[serde(rename = "messageID")]
    message_id: String,
    #[serde(rename = "sessionID", default)]
    session_id: String,
    #[serde(rename = "type")]
    kind: String,
    #[serde(default)]
    text: Option<String>,
    #[serde(default)]
    synthetic: bool,
    #[serde(default)]
    tool: Option<String>,
    #[serde(rename = "callID", default)]
    call_id: String,
    #[serde(default)]
    state: Option<ToolState>,
    #[serde(default)]
    mime: String,
    #[serde(default)]
    filename: Option<String>,
    #[serde(default)]
    url: String,
    #[serde(default)]
    reason: Option<String>,
    #[serde(default)]
    tokens: Option<Tokens>,
    #[serde(default, deserialize_with = "super::tokens::lenient_cost")]
    cost: Option<f64>,
}

impl TryFrom<PartWire> for Part {
    type Error = &'static str;

    fn try_from(wire: PartWire) -> Result<Self, Self::Error> {
        let body = match wire.kind.as_str() {
            "text" => PartBody::Text {
                text: wire.text.unwrap_or_default(),
                synthetic: wire.synthetic,
            },
            "reasoning" => PartBody::Reasoning {
                text: wire.text.unwrap_or_default(),
            },
            "tool" => PartBody::Tool {
                tool: wire.tool.ok_or("missing field `tool` in a tool part")?,
                call_id: wire.call_id,
                state: wire.state.ok_or("missing field `state` in a tool part")?,
            },
            "file" => PartBody::File {
                mime: wire.mime,
                filename: wire.filename,
                url: wire.url,
            },
            "step-start" => PartBody::StepStart {},
            "step-finish" => PartBody::StepFinish {
                reason: wire.reason,
                tokens: wire.tokens,
                cost: wire.cost,
            },
            _ => PartBody::Other,
        };
        Ok(Self {
            id: wire.id,
            message_id: wire.message_id,
            session_id: wire.session_id,
            body,
        })
    }
}

/// A tool call's `state` as opencode writes it.
#[derive(Deserialize)]
pub(super) struct ToolStateWire {
    status: String,
    #[serde(default)]
    title: Option<String>,
    #[serde(default)]
    input: serde_json::Value,
    #[serde(default)]
    output: String,
    #[serde(default)]
    metadata: serde_json::Value,
    #[serde(default)]
    error: String,
}

impl From<ToolStateWire> for ToolState {
    fn from(wire: ToolStateWire) -> Self {
        match wire.status.as_str() {
            "pending" => Self::Pending {},
            "running" => Self::Running {
                title: wire.title,
                input: wire.input,
            },
            "completed" => Self::Completed {
                title: wire.title,
                input: wire.input,
                output: wire.output,
                metadata: wire.metadata,
            },
            "error" => Self::Error {
                input: wire.input,
                error: wire.error,
            },
            _ => Self::Other,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(json: &str) -> Part {
        serde_json::from_str(json).expect("part")
    }

    fn body(json: &str) -> PartBody {
        parse(json).body
    }

    #[test]
    fn reads_reasoning_file_and_failed_tool_parts() {
        let reasoning = body(
            r#"{"id":"prt_1","sessionID":"ses_1","messageID":"msg_1","type":"reasoning",
                "text":"Thinking","time":{"start":1,"end":2},"metadata":{"x":1}}"#,
        );
        assert_eq!(
            reasoning,
            PartBody::Reasoning {
                text: "Thinking".into()
            }
        );
        let file = body(
            r#"{"id":"prt_2","sessionID":"ses_1","messageID":"msg_1","type":"file",
                "mime":"image/png","filename":"a.png","url":"data:image/png;base64,AA==",
                "source":{"type":"file","path":"a.png","text":{"value":"","start":0,"end":0}}}"#,
        );
        assert_eq!(
            file,
            PartBody::File {
                mime: "image/png".into(),
                filename: Some("a.png".into()),
                url: "data:image/png;base64,AA==".into(),
            }
        );
        let failed = body(
            r#"{"id":"prt_3","sessionID":"ses_1","messageID":"msg_1","type":"tool","tool":"bash",
                "callID":"c","state":{"status":"error","input":{"command":"false"},
                "error":"exit 1","metadata":{},"time":{"start":1,"end":2}}}"#,
        );
        let PartBody::Tool { state, call_id, .. } = failed else {
            panic!("not a tool part");
        };
        assert_eq!(call_id, "c");
        assert_eq!(
            state,
            ToolState::Error {
                input: serde_json::json!({"command": "false"}),
                error: "exit 1".into(),
            }
        );
    }

    #[test]
    fn opencodes_other_part_kinds_are_other() {
        for rest in [
            r#""type":"snapshot","snapshot":"abc""#,
            r#""type":"patch","hash":"abc","files":["/w/a.txt"]"#,
            r#""type":"agent","name":"build","source":{"value":"@build","start":0,"end":6}"#,
            r#""type":"subtask","prompt":"p","description":"d","agent":"general",
                "model":{"providerID":"x","modelID":"y"}"#,
            r#""type":"retry","attempt":2,"error":{"name":"APIError","data":{"message":"busy",
                "isRetryable":true}},"time":{"created":1}"#,
            r#""type":"compaction","auto":true"#,
        ] {
            let json =
                format!(r#"{{"id":"prt_9","sessionID":"ses_1","messageID":"msg_1",{rest}}}"#);
            assert_eq!(body(&json), PartBody::Other, "{json}");
        }
    }

    #[test]
    fn a_part_without_its_kinds_required_fields_is_an_error() {
        let head = r#""id":"prt_1","sessionID":"ses_1","messageID":"msg_1""#;
        for rest in [
            r#""text":"no type""#,
            r#""type":"tool","callID":"c","state":{"status":"pending"}"#,
            r#""type":"tool","tool":"bash","callID":"c""#,
        ] {
            let json = format!("{{{head},{rest}}}");
            assert!(serde_json::from_str::<Part>(&json).is_err(), "{json}");
        }
    }

    #[test]
    fn writes_the_shape_it_reads() {
        let text = parse(
            r#"{"id":"prt_1","sessionID":"ses_1","messageID":"msg_1","type":"text","text":"hi",
                "synthetic":true}"#,
        );
        assert_eq!(
            serde_json::to_string(&text).expect("json"),
            r#"{"id":"prt_1","messageID":"msg_1","sessionID":"ses_1","type":"text","text":"hi","synthetic":true}"#
        );
        let parts = [
            text,
            parse(
                r#"{"id":"prt_2","messageID":"msg_1","type":"file","mime":"text/plain","url":"u"}"#,
            ),
            parse(
                r#"{"id":"prt_3","sessionID":"ses_1","messageID":"msg_1","type":"step-finish",
                    "reason":"stop","cost":0.5,"tokens":{"total":3,"input":2,"output":1,
                    "reasoning":0,"cache":{"read":0,"write":0}}}"#,
            ),
            parse(
                r#"{"id":"prt_4","sessionID":"ses_1","messageID":"msg_1","type":"tool","tool":"edit",
                    "callID":"c","state":{"status":"completed","input":{"filePath":"/w/a"},
                    "output":"ok","title":"a","metadata":{"diff":"-a\n+b"}}}"#,
            ),
            parse(
                r#"{"id":"prt_5","sessionID":"ses_1","messageID":"msg_1","type":"tool","tool":"x",
                    "callID":"c","state":{"status":"pending","input":{},"raw":""}}"#,
            ),
            parse(r#"{"id":"prt_6","sessionID":"ses_1","messageID":"msg_1","type":"step-start"}"#),
            parse(r#"{"id":"prt_7","sessionID":"ses_1","messageID":"msg_1","type":"compaction"}"#),
        ];
        for part in parts {
            let json = serde_json::to_string(&part).expect("json");
            assert_eq!(parse(&json), part, "{json}");
        }
    }
}
