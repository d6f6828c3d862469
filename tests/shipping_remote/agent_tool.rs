//! The agent's `push_branch` tool (pocketcode's MCP server, through the
//! scripted model and opencode's real MCP client): it pushes the calling
//! chat's branch and nothing else, takes no branch or force, never forces,
//! and a hostile agent probing every loopback port with a forged
//! capability pushes nothing.

use std::path::Path;
use std::process::Command;

use crate::Shipping;
use crate::common::agent_bash::run_agent_bash;
use crate::common::browser_chat::prompt_until;
use crate::common::http::NewChat;
use crate::standin::{commit, refs, sha};

const TOOL: &str = "pocketcode_push_branch";

fn returned() -> String {
    format!("{TOOL} tool returned")
}

/// Has the chat's agent call the tool (with `args`, JSON) and returns the
/// transcript's last text, which quotes what the tool answered.
async fn call_tool(shipping: &Shipping, chat: &NewChat, args: Option<&str>) -> String {
    let text = match args {
        Some(args) => format!("[scenario:tool name={TOOL} args={args}]"),
        None => format!("[scenario:tool name={TOOL}]"),
    };
    let before = count(&shipping.server, chat).await;
    let deadline = tokio::time::Instant::now() + crate::common::READY;
    let transcript = prompt_until(&shipping.server, chat, &text, &returned()).await;
    // Earlier turns said it too: wait for this turn's summary.
    let mut transcript = transcript.to_string();
    while transcript.matches(&returned()).count() <= before {
        assert!(
            tokio::time::Instant::now() < deadline,
            "no answer: {transcript}"
        );
        tokio::time::sleep(std::time::Duration::from_millis(250)).await;
        let (_, latest) =
            crate::common::http::call(&shipping.server, "get_transcript", &chat.form()).await;
        transcript = latest.to_string();
    }
    let start = transcript.rfind(&returned()).expect("the summary");
    transcript[start..].chars().take(600).collect()
}

async fn count(server: &crate::common::TestServer, chat: &NewChat) -> usize {
    let (_, transcript) = crate::common::http::call(server, "get_transcript", &chat.form()).await;
    transcript.to_string().matches(&returned()).count()
}

pub async fn the_agents_push_tool_pushes_its_own_branch_only(shipping: &Shipping) {
    let (a, b) = (shipping.chat().await, shipping.chat().await);
    let bare = shipping.bare();
    let branch = |chat: &NewChat| format!("refs/heads/pocketcode/{}", chat.chat_id);
    let main = sha(&bare, "refs/heads/main");
    let head_a = commit(Path::new(&a.worktree), "tool-a.txt", "from chat a\n");
    let head_b = commit(Path::new(&b.worktree), "tool-b.txt", "from chat b\n");

    let said = call_tool(shipping, &a, None).await;
    assert!(said.contains("Pushed this chat's branch"), "{said}");
    assert_eq!(sha(&bare, &branch(&a)).as_deref(), Some(head_a.as_str()));
    assert_eq!(
        sha(&bare, &branch(&b)),
        None,
        "chat b's work went with a's call"
    );

    // A branch or a force asked for is refused: nothing moves.
    let snapshot = refs(&bare);
    let said = call_tool(shipping, &a, Some(r#"{"branch":"main","force":true}"#)).await;
    assert!(!said.contains("Pushed"), "{said}");
    assert_eq!(refs(&bare), snapshot, "{said}");
    assert_eq!(sha(&bare, "refs/heads/main"), main);

    // Chat b's own call pushes b's branch, never a's.
    let said = call_tool(shipping, &b, None).await;
    assert!(said.contains("Pushed this chat's branch"), "{said}");
    assert_eq!(sha(&bare, &branch(&b)).as_deref(), Some(head_b.as_str()));
    assert_eq!(sha(&bare, &branch(&a)).as_deref(), Some(head_a.as_str()));

    // GitHub's branch of chat a moves on without a's commits: the agent's
    // next push would drop them, so it is refused (only the user forces).
    git(&bare, &["update-ref", &branch(&a), &head_b]);
    commit(Path::new(&a.worktree), "tool-a2.txt", "more from chat a\n");
    let said = call_tool(shipping, &a, None).await;
    assert!(said.contains("Not pushed"), "{said}");
    assert_eq!(
        sha(&bare, &branch(&a)).as_deref(),
        Some(head_b.as_str()),
        "{said}"
    );
    assert_eq!(sha(&bare, "refs/heads/main"), main);
}

/// The agent looks for the tool's port itself and tries a capability of
/// its own making on every loopback port: each is refused, nothing pushed.
pub async fn a_forged_capability_pushes_nothing(shipping: &Shipping) {
    let chat = shipping.chat().await;
    commit(
        Path::new(&chat.worktree),
        "forged.txt",
        "not to be pushed\n",
    );
    let snapshot = refs(&shipping.bare());
    let forged = "0".repeat(64);
    let call = r#"{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"push_branch","arguments":{}}}"#;
    let command = format!(
        "echo FORGE-BEGIN; for port in $(ss -Hltn | awk '{{print $4}}' | grep '^127.0.0.1:' | cut -d: -f2); do \
         printf 'port %s: ' $port; curl -s -m 5 -o - -w ' [%{{http_code}}]\\n' -X POST \
         -H 'content-type: application/json' -H 'accept: application/json, text/event-stream' \
         --data '{call}' http://127.0.0.1:$port/mcp/{forged}; done; echo; echo FORGE-END"
    );
    let output = run_agent_bash(
        &shipping.server,
        &chat,
        &command,
        ("FORGE-BEGIN", "FORGE-END"),
    )
    .await;
    assert!(
        output.contains("no chat has this capability"),
        "the probe reached the tool's port: {output}"
    );
    assert!(!output.contains("Pushed"), "{output}");
    assert_eq!(refs(&shipping.bare()), snapshot, "{output}");
}

fn git(repo: &Path, args: &[&str]) {
    let status = Command::new("git")
        .args(args)
        .current_dir(repo)
        .status()
        .expect("git");
    assert!(status.success(), "git {args:?}");
}
