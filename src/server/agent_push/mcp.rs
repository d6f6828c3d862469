//! What the `push_branch` tool's MCP server answers (the protocol's
//! messages are read and written by `crate::server::mcp::wire`).

use serde_json::{Value, json};

use crate::server::mcp::wire::{self, INVALID_PARAMS, METHOD_NOT_FOUND};

/// The tool's name as the agent sees it: opencode prefixes the server's
/// name (`pocketcode_push_branch`).
pub const TOOL: &str = "push_branch";

/// What the client asked for, once understood.
#[derive(Debug, PartialEq)]
pub enum Call {
    /// Answered at once with this result.
    Answer(Value),
    /// Run the tool, then answer with [`tool_result`].
    PushBranch,
}

/// What `method` with `params` asks for, or the JSON-RPC error (code and
/// message) to answer with.
pub fn understand(method: &str, params: &Value) -> Result<Call, (i64, String)> {
    match method {
        "initialize" => Ok(Call::Answer(wire::initialized(
            params,
            "pocketcode",
            "push_branch pushes this chat's branch to GitHub with the user's token, which you \
             never hold. It takes no arguments.",
        ))),
        "ping" => Ok(Call::Answer(json!({}))),
        "tools/list" => Ok(Call::Answer(json!({ "tools": [describe()] }))),
        "tools/call" => tool_call(params).map(|()| Call::PushBranch),
        other => Err((METHOD_NOT_FOUND, format!("unknown method `{other}`"))),
    }
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

#[cfg(test)]
mod tests {
    use super::*;

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
