//! Starting opencode on the remote when nothing answers there: one remote
//! command, with nothing from the user in it but the (validated) port. It
//! starts `opencode serve` detached on the remote's loopback and prints
//! `{"port": P, "pid": N}`. The opencode gets a password (every user of
//! that machine can reach its loopback port), handed over on ssh's stdin:
//! a remote command line is visible to every user there (`ps`), the
//! environment of another user's process is not.

use std::process::Stdio;
use std::time::Duration;

use serde::Deserialize;
use tokio::io::AsyncWriteExt as _;
use tokio::process::Command;

use super::SshError;
use super::command::{SshSettings, remote_command_args};
use super::profile::Profile;

const TIMEOUT: Duration = Duration::from_secs(30);
/// Output kept for diagnostics, per stream.
const OUTPUT_LIMIT: usize = 8 * 1024;

#[derive(Clone, Debug, Deserialize, PartialEq, Eq)]
pub struct Started {
    pub port: u16,
    pub pid: u32,
}

/// What the bootstrap printed, kept for diagnostics.
#[derive(Clone, Debug, Default)]
pub struct Output {
    pub stdout: String,
    pub stderr: String,
}

/// The remote shell command (POSIX sh) for `port`; the password is its
/// first line of stdin.
pub fn script(port: u16) -> String {
    format!(
        "command -v opencode >/dev/null 2>&1 || {{ echo 'opencode is not installed (or not on the PATH of a non-interactive ssh session)' >&2; exit 127; }}; \
         IFS= read -r OPENCODE_SERVER_PASSWORD && [ -n \"$OPENCODE_SERVER_PASSWORD\" ] || {{ echo 'no password on stdin' >&2; exit 2; }}; \
         export OPENCODE_SERVER_PASSWORD; \
         nohup opencode serve --hostname 127.0.0.1 --port {port} >\"${{TMPDIR:-/tmp}}/pocketcode-opencode-{port}.log\" 2>&1 </dev/null & \
         echo \"{{\\\"port\\\":{port},\\\"pid\\\":$!}}\""
    )
}

/// Starts opencode on the remote with `password` as its
/// `OPENCODE_SERVER_PASSWORD`.
pub async fn run(
    profile: &Profile,
    settings: &SshSettings,
    password: &str,
) -> (Result<Started, SshError>, Output) {
    let output = match run_ssh(profile, settings, password).await {
        Ok(output) => output,
        Err(error) => return (Err(SshError::Bootstrap(error)), Output::default()),
    };
    let kept = Output {
        stdout: bounded(&output.stdout),
        stderr: bounded(&output.stderr),
    };
    if !output.status.success() {
        let why = kept
            .stderr
            .lines()
            .last()
            .unwrap_or("no message")
            .to_owned();
        let code = output
            .status
            .code()
            .map_or("a signal".into(), |c| c.to_string());
        return (
            Err(SshError::Bootstrap(format!(
                "starting opencode on {} failed (exit {code}): {why}",
                profile.host
            ))),
            kept,
        );
    }
    let started = kept
        .stdout
        .lines()
        .rev()
        .find_map(|line| serde_json::from_str::<Started>(line.trim()).ok());
    match started {
        Some(started) => (Ok(started), kept),
        None => (
            Err(SshError::Bootstrap(
                "the remote command did not print the port it started opencode on".into(),
            )),
            kept,
        ),
    }
}

/// Runs the start-up script over ssh, the password on its stdin; an error
/// says why it did not finish.
async fn run_ssh(
    profile: &Profile,
    settings: &SshSettings,
    password: &str,
) -> Result<std::process::Output, String> {
    let args = remote_command_args(profile, settings, &script(profile.remote_port));
    let mut child = Command::new(&settings.binary)
        .args(&args)
        .env_clear()
        .envs(crate::server::sandbox::env::for_ssh())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .map_err(|e| format!("cannot run ssh: {e}"))?;
    if let Some(mut stdin) = child.stdin.take() {
        // A failed write shows as the script's "no password on stdin".
        let _ = stdin.write_all(format!("{password}\n").as_bytes()).await;
    }
    match tokio::time::timeout(TIMEOUT, child.wait_with_output()).await {
        Err(_) => Err(format!(
            "the remote command did not finish within {} s",
            TIMEOUT.as_secs()
        )),
        Ok(result) => result.map_err(|e| format!("cannot run ssh: {e}")),
    }
}

fn bounded(bytes: &[u8]) -> String {
    let text = String::from_utf8_lossy(bytes);
    text.chars().take(OUTPUT_LIMIT).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_script_holds_only_the_port_and_prints_json() {
        let script = script(4242);
        assert!(script.contains("opencode serve --hostname 127.0.0.1 --port 4242"));
        assert!(script.contains("IFS= read -r OPENCODE_SERVER_PASSWORD"));
        assert!(
            script.contains(r#"echo "{\"port\":4242,\"pid\":$!}""#),
            "{script}"
        );
        let out = std::process::Command::new("/bin/sh")
            .args(["-c", &script.replace("nohup opencode serve", "true nohup")])
            .env("PATH", "/nonexistent")
            .output()
            .expect("sh");
        // Without opencode on the PATH: a clear message and exit 127.
        assert_eq!(out.status.code(), Some(127));
        assert!(String::from_utf8_lossy(&out.stderr).contains("not installed"));
    }
}
