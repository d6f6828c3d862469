//! The agent looks for pocketcode's secrets with its own bash tool and
//! finds none: not in its environment, not in pocketcode's data directory
//! or home, not in `/proc/<pocketcode's pid>/environ`.

use crate::common::agent_bash::run_agent_bash;
use crate::common::git_fixture::Remote;
use crate::common::http::NewChat;
use crate::common::{TempDir, TestServer};

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
    let transcribe_key = random("sk-transcribe-");
    let server = TestServer::start_binary(
        &[
            ("AUTH_PASSWORD", &password),
            ("GITHUB_TOKEN", &github_token),
            ("OPENROUTER_API_KEY", &provider_key),
            ("PUSH_CONTACT", &contact),
            ("POCKETCODE_TRANSCRIBE_URL", "http://127.0.0.1:9"),
            ("POCKETCODE_TRANSCRIBE_KEY", &transcribe_key),
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
    let output = run_agent_bash(&server, &chat, &command, (BEGIN, END)).await;

    // It ran, and saw an environment.
    assert!(output.contains("PATH="), "{output}");
    for (what, secret) in [
        ("the login password", password.as_str()),
        ("the GitHub token", &github_token),
        ("the provider key", &provider_key),
        ("the push contact", &contact),
        ("the transcription key", &transcribe_key),
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
