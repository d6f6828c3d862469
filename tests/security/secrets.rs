//! The agent looks for pocketcode's secrets with its own bash tool and
//! finds none: not in its environment, not in pocketcode's data directory
//! or home, not in `/proc/<pocketcode's pid>/environ`.

use std::time::Duration;

use serde_json::Value;

use crate::common::git_fixture::Remote;
use crate::common::http::{NewChat, call};
use crate::common::{READY, TempDir, TestServer};

/// Begins and ends what the agent's command prints, so the test knows the
/// command ran to the end (a test that finds nothing because nothing ran
/// would prove nothing).
const BEGIN: &str = "LOOKING-BEGIN";
const END: &str = "LOOKING-END";

fn random(prefix: &str) -> String {
    let bytes: [u8; 12] = rand::random();
    let hex: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    format!("{prefix}{hex}")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_agent_finds_none_of_pocketcodes_secrets() {
    let password = random("pw-");
    let github_token = random("ghp_");
    let provider_key = random("sk-or-");
    let contact = format!("mailto:{}@example.com", random("owner"));
    let server = TestServer::start_binary(
        &[
            ("AUTH_PASSWORD", &password),
            ("GITHUB_TOKEN", &github_token),
            ("OPENROUTER_API_KEY", &provider_key),
            ("PUSH_CONTACT", &contact),
        ],
        &password,
    )
    .await;
    let data = server.data_dir.path().to_path_buf();
    // The generated cookie key: a file in the data dir, never in the env.
    let cookie_key = std::fs::read_to_string(data.join("auth/secret")).expect("auth/secret");
    let cookie_key = cookie_key.trim().to_string();
    assert!(cookie_key.len() >= 32, "a real key: {cookie_key:?}");
    let fixtures = TempDir::new();
    let remote = Remote::create(fixtures.path(), "remote");
    let chat = NewChat::make(&server, &remote.url()).await;

    let pid = server.pid();
    let home = std::env::var("HOME").expect("HOME");
    let command = format!(
        "echo {BEGIN}; env; cat {data}/auth/secret; ls -a {data} {home}; \
         cat /proc/{pid}/environ; echo; cat {data}/push/vapid.json; \
         ps -eo pid,args; echo {END}",
        data = data.display(),
    );
    let output = run_bash(&server, &chat, &command).await;

    // It ran, and saw an environment.
    assert!(output.contains("PATH="), "{output}");
    for (what, secret) in [
        ("the login password", password.as_str()),
        ("the GitHub token", &github_token),
        ("the provider key", &provider_key),
        ("the push contact", &contact),
        ("the cookie key", &cookie_key),
        ("pocketcode's settings", "POCKETCODE_"),
        ("the auth settings", "AUTH_"),
    ] {
        assert!(!output.contains(secret), "the agent found {what}: {output}");
    }
    // pocketcode's files and processes are not there at all.
    assert!(!output.contains("ssh-profiles"), "{output}");
    assert!(!output.contains("release/pocketcode"), "{output}");
    assert!(!output.contains("\"private_key\""), "{output}");
    server.stop().await;
}

/// Has the agent run `command` with its bash tool (answering its
/// permission ask once) and returns the tool's output.
async fn run_bash(server: &TestServer, chat: &NewChat, command: &str) -> String {
    let quoted = serde_json::to_string(command).expect("quote");
    let text = format!("Look around [scenario:permission command={quoted}]");
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
        if let Some(output) = bash_output(&transcript) {
            return output;
        }
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
}

/// The finished output of the bash tool call in a transcript.
fn bash_output(transcript: &Value) -> Option<String> {
    let mut found = None;
    visit(transcript, &mut |value| {
        if let Some(text) = value.as_str()
            && text.contains(BEGIN)
            && text.contains(&format!("\n{END}"))
        {
            found = Some(text.to_string());
        }
    });
    found
}

fn visit(value: &Value, f: &mut impl FnMut(&Value)) {
    f(value);
    match value {
        Value::Array(items) => items.iter().for_each(|v| visit(v, f)),
        Value::Object(map) => map.values().for_each(|v| visit(v, f)),
        _ => {}
    }
}
