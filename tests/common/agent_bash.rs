//! Has a chat's agent run a shell command with its bash tool (through the
//! scripted model), answering each permission it asks once, and returns
//! the tool's finished output. The command prints `begin` first and `end`
//! last, so a test that finds nothing knows the command ran to the end.

use std::time::Duration;

use serde_json::Value;

use super::http::{NewChat, call};
use super::{READY, TestServer};

pub async fn run_agent_bash(
    server: &TestServer,
    chat: &NewChat,
    command: &str,
    (begin, end): (&str, &str),
) -> String {
    let quoted = serde_json::to_string(command).expect("quote");
    let text = format!("Run this [scenario:permission command={quoted}]");
    let mut form = chat.form().to_vec();
    form.push(("text", &text));
    let (status, body) = call(server, "send_prompt", &form).await;
    assert_eq!(status, 200, "{body}");
    let deadline = tokio::time::Instant::now() + READY;
    let mut answered: Vec<String> = Vec::new();
    loop {
        if tokio::time::Instant::now() > deadline {
            let (_, asks) = call(server, "pending_asks", &chat.form()).await;
            let (_, transcript) = call(server, "get_transcript", &chat.form()).await;
            panic!("the command never finished; asks: {asks}; transcript: {transcript}");
        }
        // The command may ask more than once (the bash tool, then the
        // directories outside the worktree it touches): answer each ask.
        let (_, asks) = call(server, "pending_asks", &chat.form()).await;
        for ask in asks["permissions"].as_array().into_iter().flatten() {
            let id = ask["id"].as_str().expect("permission id");
            if !answered.iter().any(|a| a == id) {
                let mut form = chat.form().to_vec();
                form.extend([("request_id", id), ("reply", "once")]);
                let (status, body) = call(server, "answer_permission", &form).await;
                assert_eq!(status, 200, "{body}");
                answered.push(id.to_string());
            }
        }
        let (status, transcript) = call(server, "get_transcript", &chat.form()).await;
        assert_eq!(status, 200, "{transcript}");
        if let Some(output) = finished_output(&transcript, begin, end) {
            return output;
        }
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
}

/// The text in `value` that holds both markers, `end` on a line of its own.
fn finished_output(value: &Value, begin: &str, end: &str) -> Option<String> {
    match value {
        Value::String(text) if text.contains(begin) && text.contains(&format!("\n{end}")) => {
            Some(text.clone())
        }
        Value::Array(items) => items.iter().find_map(|v| finished_output(v, begin, end)),
        Value::Object(map) => map.values().find_map(|v| finished_output(v, begin, end)),
        _ => None,
    }
}
