//! Turning what ssh printed when it gave up into a [`SshError`] that says
//! what to do. The texts are OpenSSH's own (see TOOLCHAIN.md, "SSH").

use super::SshError;
use super::profile::Profile;

/// What the user types to reach the host by hand (to accept its key).
fn manual_command(profile: &Profile) -> String {
    let mut command = String::from("ssh");
    if let Some(port) = profile.port {
        command.push_str(&format!(" -p {port}"));
    }
    if let Some(key) = &profile.identity_file {
        command.push_str(&format!(" -i {key}"));
    }
    match &profile.user {
        Some(user) => command.push_str(&format!(" {user}@{}", profile.host)),
        None => command.push_str(&format!(" {}", profile.host)),
    }
    command
}

/// Why the ssh process ended. `needs_passphrase` says whether the
/// profile's key is encrypted (checked only when authentication failed).
pub fn transport_error(stderr: &str, profile: &Profile, needs_passphrase: bool) -> SshError {
    let has = |text: &str| stderr.contains(text);
    let message = if has("REMOTE HOST IDENTIFICATION HAS CHANGED") {
        format!(
            "the host key of {} has changed since it was accepted. If that was expected (a reinstall), remove the old key with `ssh-keygen -R {}`; otherwise do not connect",
            profile.host, profile.host
        )
    } else if has("host key is known") || has("Host key verification failed") {
        format!(
            "the host key of {} is not known. Run `{}` once in a terminal on the pocketcode host to check and accept it",
            profile.host,
            manual_command(profile)
        )
    } else if has("Permission denied") && needs_passphrase {
        format!(
            "the key {} needs a passphrase, and pocketcode never asks for one: load it into ssh-agent (`ssh-add {}`) or use a key without a passphrase",
            profile.identity_file.as_deref().unwrap_or("(default)"),
            profile.identity_file.as_deref().unwrap_or("")
        )
    } else if has("Permission denied") {
        format!(
            "{} refused the login ({}). Check the User and IdentityFile, and that the public key is in the remote ~/.ssh/authorized_keys",
            profile.host,
            last_line(stderr)
        )
    } else if has("Could not resolve hostname") {
        format!(
            "the host name {} does not resolve: check Host/HostName",
            profile.hostname.as_deref().unwrap_or(&profile.host)
        )
    } else if has("Connection refused") {
        format!(
            "nothing accepts ssh connections at {}:{}: check the Port and that sshd runs",
            profile.hostname.as_deref().unwrap_or(&profile.host),
            profile.port.unwrap_or(22)
        )
    } else if has("timed out") {
        format!(
            "{} did not answer in time: check the network and the host",
            profile.hostname.as_deref().unwrap_or(&profile.host)
        )
    } else if has("Address already in use") {
        "the local port pocketcode picked was taken; try again".to_owned()
    } else {
        format!("ssh stopped: {}", last_line(stderr))
    };
    SshError::Transport(message)
}

/// The last line that is not ssh's debug chatter.
fn last_line(stderr: &str) -> &str {
    stderr
        .lines()
        .rev()
        .map(str::trim)
        .find(|line| !line.is_empty() && !line.starts_with("debug"))
        .unwrap_or("no message")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn profile() -> Profile {
        Profile {
            name: "box".into(),
            host: "127.0.0.1".into(),
            hostname: None,
            port: Some(2222),
            user: Some("dev".into()),
            identity_file: Some("~/.ssh/box".into()),
            proxy_jump: None,
            remote_port: 4096,
            bootstrap: false,
        }
    }

    #[test]
    fn each_failure_says_what_to_do() {
        let unknown = "No ED25519 host key is known for [127.0.0.1]:2222 and you have requested strict checking.\nHost key verification failed.\n";
        let SshError::Transport(message) = transport_error(unknown, &profile(), false) else {
            panic!("not a transport error");
        };
        assert!(
            message.contains("`ssh -p 2222 -i ~/.ssh/box dev@127.0.0.1`"),
            "{message}"
        );

        let denied = "dev@127.0.0.1: Permission denied (publickey).\n";
        let passphrase = transport_error(denied, &profile(), true).to_string();
        assert!(passphrase.contains("ssh-add ~/.ssh/box"), "{passphrase}");
        let refused = transport_error(denied, &profile(), false).to_string();
        assert!(refused.contains("authorized_keys"), "{refused}");

        let closed = "ssh: connect to host 127.0.0.1 port 2222: Connection refused\n";
        assert!(
            transport_error(closed, &profile(), false)
                .to_string()
                .contains("127.0.0.1:2222")
        );
        let other = "debug1: x\nsomething odd\ndebug1: y\n";
        assert_eq!(
            transport_error(other, &profile(), false),
            SshError::Transport("ssh stopped: something odd".into())
        );
    }
}
