//! The few parts of the Model Context Protocol pocketcode's own tool
//! servers need, over its Streamable HTTP transport: JSON-RPC 2.0 messages
//! POSTed one at a time, each request answered with one JSON response, each
//! notification with `202 Accepted`. No server-sent stream (a GET is
//! refused with 405, which the protocol allows), no sessions, no batches.

use serde_json::{Value, json};

/// The newest protocol revision these servers speak; an older one a client
/// asks for is answered in kind (the methods used here are the same).
pub const LATEST: &str = "2025-06-18";
const KNOWN: [&str; 3] = ["2024-11-05", "2025-03-26", LATEST];

// JSON-RPC's error codes.
pub const PARSE_ERROR: i64 = -32700;
pub const INVALID_REQUEST: i64 = -32600;
pub const METHOD_NOT_FOUND: i64 = -32601;
pub const INVALID_PARAMS: i64 = -32602;
pub const INTERNAL_ERROR: i64 = -32603;

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

/// The answer to `initialize` (asked with `params`) of a server `name`
/// that has tools and tells the agent `instructions`.
pub fn initialized(params: &Value, name: &str, instructions: &str) -> Value {
    let asked = params["protocolVersion"].as_str().unwrap_or(LATEST);
    let version = if KNOWN.contains(&asked) {
        asked
    } else {
        LATEST
    };
    json!({
        "protocolVersion": version,
        "capabilities": { "tools": { "listChanged": false } },
        "serverInfo": { "name": name, "version": env!("CARGO_PKG_VERSION") },
        "instructions": instructions,
    })
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

    #[test]
    fn requests_and_notifications_are_told_apart() {
        let body = serde_json::to_vec(
            &json!({"jsonrpc": "2.0", "id": 7, "method": "tools/list", "params": {}}),
        )
        .expect("json");
        assert_eq!(
            parse(&body).expect("request"),
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
        let old = initialized(&json!({"protocolVersion": "2024-11-05"}), "t", "");
        assert_eq!(old["protocolVersion"], "2024-11-05");
        assert_eq!(old["capabilities"]["tools"]["listChanged"], false);
        let new = initialized(&json!({"protocolVersion": "2099-01-01"}), "t", "");
        assert_eq!(new["protocolVersion"], LATEST);
    }
}
