//! A repo with a slash command and a file to mention, and waiting for the
//! scripted model's reply: what the tests of `@` files and `/` commands
//! (sent, queued or steered) share. The scripted model quotes every text of
//! the turn it got, so a reply holding [`SECRET`] shows opencode read the
//! mentioned file, and one holding the command's template shows it ran.

use std::path::Path;
use std::time::Duration;

use serde_json::Value;

use super::TestServer;
use super::git_fixture::Remote;
use super::http::{NewChat, call};

/// In the file the tests mention; only opencode reading it can tell the
/// model this.
pub const SECRET: &str = "zebra-content-4711";
/// The mentioned file, relative to the repo.
pub const FILE: &str = "notes/zebra_facts.txt";
/// The project's command, and what its template says before `$ARGUMENTS`.
pub const COMMAND: &str = "greet-zoo";
pub const TEMPLATE: &str = "greet the zoo animals named";

/// A repo whose project defines [`COMMAND`] and holds [`FILE`].
pub fn repo_with_command_and_file(root: &Path) -> Remote {
    let remote = Remote::create(root, "remote");
    std::fs::create_dir_all(remote.work.join(".opencode/command")).expect("mkdir");
    std::fs::create_dir_all(remote.work.join("notes")).expect("mkdir");
    remote.push_file(
        &format!(".opencode/command/{COMMAND}.md"),
        "---\ndescription: Greet the zoo's animals\n---\nPlease greet the zoo animals named $ARGUMENTS\n",
    );
    remote.push_file(FILE, &format!("{SECRET}\n"));
    remote
}

/// Trusts the chat's repo: only then are its own commands offered and run.
pub async fn trust(server: &TestServer, chat: &NewChat) {
    let trust = [("repo", chat.repo.as_str()), ("trusted", "true")];
    let (status, body) = call(server, "set_repo_trust", &trust).await;
    assert_eq!(status, 200, "{body}");
}

pub async fn transcript(server: &TestServer, chat: &NewChat) -> Value {
    let (status, transcript) = call(server, "get_transcript", &chat.form()).await;
    assert_eq!(status, 200, "{transcript}");
    transcript
}

/// The text the assistant answered, all replies joined.
pub fn replies(transcript: &Value) -> String {
    let messages = transcript["messages"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    let assistant = messages.iter().filter(|m| m["info"]["role"] == "assistant");
    let parts = assistant.flat_map(|m| m["parts"].as_array().cloned().unwrap_or_default());
    parts
        .filter(|p| p["type"] == "text")
        .filter_map(|p| p["text"].as_str().map(str::to_owned))
        .collect::<Vec<_>>()
        .join("\n")
}

/// Waits until the assistant's replies hold `needle`.
pub async fn wait_for_reply(server: &TestServer, chat: &NewChat, needle: &str) -> Value {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(90);
    loop {
        let transcript = transcript(server, chat).await;
        if replies(&transcript).contains(needle) {
            return transcript;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "no reply with {needle:?} in {transcript}"
        );
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
}

/// Whether a user message of `transcript` holds a file part for `path`.
pub fn sent_file(transcript: &Value, path: &str) -> bool {
    transcript["messages"]
        .as_array()
        .expect("messages")
        .iter()
        .filter(|m| m["info"]["role"] == "user")
        .flat_map(|m| m["parts"].as_array().cloned().unwrap_or_default())
        .any(|p| p["type"] == "file" && p["filename"] == path)
}
