//! The agent's own `git push` (its bash tool, run through the scripted
//! model) fails at GitHub's door, and nothing the agent can read holds the
//! token: not its environment, not git's config or credential files, not
//! `/proc/self/environ`.

use std::path::Path;
use std::time::Duration;

use serde_json::Value;

use crate::Shipping;
use crate::common::READY;
use crate::common::http::{NewChat, call};
use crate::standin::{commit, sha};

const BEGIN: &str = "AGENT-PUSH-BEGIN";
const END: &str = "AGENT-PUSH-END";

pub async fn the_agents_own_push_fails_and_finds_no_token(shipping: &Shipping) {
    let chat = shipping.chat().await;
    let head = commit(Path::new(&chat.worktree), "agent.txt", "by the agent\n");
    let branch = format!("agent-{}", chat.chat_id);
    let command = format!(
        "echo {BEGIN}; GIT_TERMINAL_PROMPT=0 GIT_ASKPASS=/bin/false git push origin HEAD:refs/heads/{branch} 2>&1; \
         echo push-exit=$?; env; git config -l --show-origin; cat ~/.git-credentials ~/.config/git/credentials; \
         cat /proc/self/environ | tr '\\0' '\\n'; echo; echo {END}"
    );
    let output = run_bash(shipping, &chat, &command).await;
    assert!(
        output.contains("PATH="),
        "it ran and saw its environment: {output}"
    );
    assert!(
        output.contains("remote.origin.url="),
        "git's config was listed: {output}"
    );
    assert!(
        !output.contains("push-exit=0"),
        "the agent pushed: {output}"
    );
    assert!(
        output.contains("Authentication failed")
            || output.contains("could not read Username")
            || output.contains("401"),
        "refused for want of credentials: {output}"
    );
    assert!(
        !output.contains(&shipping.standin.token),
        "the agent found the token: {output}"
    );
    assert!(!output.contains("GITHUB_TOKEN"), "{output}");
    assert_eq!(sha(&shipping.bare(), &format!("refs/heads/{branch}")), None);
    let pushed = format!("refs/heads/pocketcode/{}", chat.chat_id);
    assert_eq!(
        sha(&shipping.bare(), &pushed),
        None,
        "{head} reached GitHub"
    );
}

/// Has the agent run `command` with its bash tool (answering each
/// permission ask once); returns the tool's finished output.
async fn run_bash(shipping: &Shipping, chat: &NewChat, command: &str) -> String {
    let server = &shipping.server;
    let quoted = serde_json::to_string(command).expect("quote");
    let text = format!("Push it yourself [scenario:permission command={quoted}]");
    let mut form = chat.form().to_vec();
    form.push(("text", &text));
    let (status, body) = call(server, "send_prompt", &form).await;
    assert_eq!(status, 200, "{body}");
    let deadline = tokio::time::Instant::now() + READY;
    let mut answered: Vec<String> = Vec::new();
    loop {
        assert!(
            tokio::time::Instant::now() < deadline,
            "the command never finished"
        );
        let (_, asks) = call(server, "pending_asks", &chat.form()).await;
        for ask in asks["permissions"].as_array().into_iter().flatten() {
            let id = ask["id"].as_str().expect("permission id").to_owned();
            if !answered.contains(&id) {
                let mut form = chat.form().to_vec();
                form.extend([("request_id", id.as_str()), ("reply", "once")]);
                let (status, body) = call(server, "answer_permission", &form).await;
                assert_eq!(status, 200, "{body}");
                answered.push(id);
            }
        }
        let (status, transcript) = call(server, "get_transcript", &chat.form()).await;
        assert_eq!(status, 200, "{transcript}");
        if let Some(output) = finished_output(&transcript) {
            return output;
        }
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
}

fn finished_output(value: &Value) -> Option<String> {
    match value {
        Value::String(text) if text.contains(BEGIN) && text.contains(&format!("\n{END}")) => {
            Some(text.clone())
        }
        Value::Array(items) => items.iter().find_map(finished_output),
        Value::Object(map) => map.values().find_map(finished_output),
        _ => None,
    }
}
