//! The few parts of the Model Context Protocol the `push_branch` tool
//! needs, over its Streamable HTTP transport: JSON-RPC 2.0 messages POSTed
//! one at a time, each request answered with one JSON response, each
//! notification with `202 Accepted`. No server-sent stream (a GET is
//! refused with 405, which the protocol allows), no sessions, no batches.

use serde_json::{Value, json};

/// The tool's name as the agent sees it: opencode prefixes the server's
/// name (`pocketcode_push_branch`).
pub const TOOL: &str = "push_branch";
/// The newest protocol revision this server speaks; an older one a client
/// asks for is answered in kind (the methods used here are the same).
const LATEST: &str = "2025-06-18";
const KNOWN: [&str; 3] = ["2024-11-05", "2025-03-26", LATEST];

// JSON-RPC's error codes.
const PARSE_ERROR: i64 = -32700;
const INVALID_REQUEST: i64 = -32600;
const METHOD_NOT_FOUND: i64 = -32601;
const INVALID_PARAMS: i64 = -32602;

/// One message from the client.
#[derive(Debug, PartialEq)]
pub enum Incoming {
    /// Needs an answer with the same `id`.
    Request {
        id: Value,
        method: String,
        params: Value,
    },
    /// Needs no answer (`notifications/initialized`, cancellations).
    Notification,
}

/// What the client asked for, once understood.
#[derive(Debug, PartialEq)]
pub enum Call {
    /// Answered at once with this result.
    Answer(Value),
    /// Run the tool, then answer with [`tool_result`].
    PushBranch,
}

/// Reads one message; a body that is not one JSON-RPC message is answered
/// with the error response returned.
pub fn parse(body: &[u8]) -> Result<Incoming, Value> {
    let message: Value = serde_json::from_slice(body)
        .map_err(|e| error(Value::Null, PARSE_ERROR, &format!("not JSON: {e}")))?;
    let Some(object) = message.as_object() else {
        return Err(error(
            Value::Null,
            INVALID_REQUEST,
            "send one JSON-RPC message per request (no batches)",
        ));
    };
    let id = object.get("id").cloned();
    if object.get("jsonrpc").and_then(Value::as_str) != Some("2.0") {
        return Err(error(
            id.unwrap_or(Value::Null),
            INVALID_REQUEST,
            "jsonrpc must be \"2.0\"",
        ));
    }
    let Some(method) = object.get("method").and_then(Value::as_str) else {
        // A response to nothing this server asked: there is nothing to do.
        return Ok(Incoming::Notification);
    };
    match id {
        None => Ok(Incoming::Notification),
        Some(id) if id.is_string() || id.is_i64() || id.is_u64() => Ok(Incoming::Request {
            id,
            method: method.to_owned(),
            params: object.get("params").cloned().unwrap_or(Value::Null),
        }),
        Some(_) => Err(error(
            Value::Null,
            INVALID_REQUEST,
            "id must be a string or an integer",
        )),
    }
}

/// What `method` with `params` asks for, or the JSON-RPC error (code and
/// message) to answer with.
pub fn understand(method: &str, params: &Value) -> Result<Call, (i64, String)> {
    match method {
        "initialize" => Ok(Call::Answer(initialized(params))),
        "ping" => Ok(Call::Answer(json!({}))),
        "tools/list" => Ok(Call::Answer(json!({ "tools": [describe()] }))),
        "tools/call" => tool_call(params).map(|()| Call::PushBranch),
        other => Err((METHOD_NOT_FOUND, format!("unknown method `{other}`"))),
    }
}

fn initialized(params: &Value) -> Value {
    let asked = params["protocolVersion"].as_str().unwrap_or(LATEST);
    let version = if KNOWN.contains(&asked) {
        asked
    } else {
        LATEST
    };
    json!({
        "protocolVersion": version,
        "capabilities": { "tools": { "listChanged": false } },
        "serverInfo": { "name": "pocketcode", "version": env!("CARGO_PKG_VERSION") },
        "instructions": "push_branch pushes this chat's branch to GitHub with the user's token, \
                         which you never hold. It takes no arguments.",
    })
}

/// The tool as `tools/list` shows it.
fn describe() -> Value {
    json!({
        "name": TOOL,
        "description": "Push this chat's branch (its commits, not uncommitted changes) to the \
                        repo's GitHub remote, under the branch name the user chose (by default \
                        pocketcode/<chat id>). Never pushes the default branch and never forces: \
                        if GitHub's branch has commits this chat lacks, it refuses and the user \
                        decides in the Changes sheet. Commit first (git commit in your worktree).",
        "inputSchema": { "type": "object", "properties": {}, "additionalProperties": false },
    })
}

/// A `tools/call` is for `push_branch`, with no arguments at all.
fn tool_call(params: &Value) -> Result<(), (i64, String)> {
    let name = params["name"].as_str().unwrap_or_default();
    if name != TOOL {
        return Err((
            INVALID_PARAMS,
            format!("unknown tool `{name}` (this server has `{TOOL}`)"),
        ));
    }
    match &params["arguments"] {
        Value::Null => Ok(()),
        Value::Object(arguments) if arguments.is_empty() => Ok(()),
        Value::Object(arguments) => {
            let names: Vec<&str> = arguments.keys().map(String::as_str).collect();
            Err((
                INVALID_PARAMS,
                format!(
                    "{TOOL} takes no arguments (got {}): it pushes this chat's own branch, and \
                     only the user can pick another name or force a push",
                    names.join(", ")
                ),
            ))
        }
        _ => Err((INVALID_PARAMS, "arguments must be an object".to_owned())),
    }
}

/// The tool's answer: text for the agent, `isError` when it failed.
pub fn tool_result(text: &str, failed: bool) -> Value {
    json!({ "content": [{ "type": "text", "text": text }], "isError": failed })
}

pub fn result(id: Value, result: Value) -> Value {
    json!({ "jsonrpc": "2.0", "id": id, "result": result })
}

pub fn error(id: Value, code: i64, message: &str) -> Value {
    json!({ "jsonrpc": "2.0", "id": id, "error": { "code": code, "message": message } })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request(method: &str, params: Value) -> Vec<u8> {
        serde_json::to_vec(&json!({"jsonrpc": "2.0", "id": 7, "method": method, "params": params}))
            .expect("json")
    }

    #[test]
    fn requests_and_notifications_are_told_apart() {
        let parsed = parse(&request("tools/list", json!({}))).expect("request");
        assert_eq!(
            parsed,
            Incoming::Request {
                id: json!(7),
                method: "tools/list".into(),
                params: json!({})
            }
        );
        let note = br#"{"jsonrpc":"2.0","method":"notifications/initialized"}"#;
        assert_eq!(parse(note).expect("notification"), Incoming::Notification);
    }

    #[test]
    fn malformed_messages_get_json_rpc_errors() {
        for (body, code) in [
            (&b"{nope"[..], PARSE_ERROR),
            (
                br#"[{"jsonrpc":"2.0","id":1,"method":"ping"}]"#,
                INVALID_REQUEST,
            ),
            (
                br#"{"jsonrpc":"1.0","id":1,"method":"ping"}"#,
                INVALID_REQUEST,
            ),
            (
                br#"{"jsonrpc":"2.0","id":{"a":1},"method":"ping"}"#,
                INVALID_REQUEST,
            ),
        ] {
            let answer = parse(body).expect_err("refused");
            assert_eq!(answer["error"]["code"], code, "{answer}");
        }
    }

    #[test]
    fn initialize_answers_the_clients_revision_when_known() {
        let Ok(Call::Answer(old)) =
            understand("initialize", &json!({"protocolVersion": "2024-11-05"}))
        else {
            panic!("initialize answers");
        };
        assert_eq!(old["protocolVersion"], "2024-11-05");
        assert_eq!(old["capabilities"]["tools"]["listChanged"], false);
        let Ok(Call::Answer(new)) =
            understand("initialize", &json!({"protocolVersion": "2099-01-01"}))
        else {
            panic!("initialize answers");
        };
        assert_eq!(new["protocolVersion"], LATEST);
    }

    #[test]
    fn the_tool_takes_no_arguments() {
        let Ok(Call::Answer(list)) = understand("tools/list", &Value::Null) else {
            panic!("tools/list answers");
        };
        assert_eq!(list["tools"][0]["name"], TOOL);
        assert_eq!(
            list["tools"][0]["inputSchema"]["additionalProperties"],
            false
        );
        for ok in [
            json!({"name": TOOL}),
            json!({"name": TOOL, "arguments": {}}),
        ] {
            assert_eq!(understand("tools/call", &ok), Ok(Call::PushBranch), "{ok}");
        }
        for bad in [
            json!({"name": TOOL, "arguments": {"branch": "main"}}),
            json!({"name": TOOL, "arguments": {"force": true}}),
            json!({"name": TOOL, "arguments": {"chat": "octo__app__e5f6a7b8"}}),
            json!({"name": TOOL, "arguments": "main"}),
            json!({"name": "bash", "arguments": {}}),
        ] {
            let (code, message) = understand("tools/call", &bad).expect_err("refused");
            assert_eq!(code, INVALID_PARAMS, "{bad}: {message}");
        }
        assert_eq!(
            understand("resources/list", &Value::Null)
                .expect_err("unknown")
                .0,
            METHOD_NOT_FOUND
        );
    }
}
