//! One POSIX `sh` script run on a remote over the profile's own ssh (the
//! same strict options as its tunnel): `sh -c '<script>' sh '<arg>'…`,
//! each word quoted for the remote login shell. Nothing secret goes on
//! the command line (every user there sees it in `ps`); data goes over
//! stdin and stdout.

use std::process::{Command, Stdio};

use super::command::{SshSettings, remote_command_args, shell_quote};
use super::connections::Connections;
use super::profile::Profile;

/// `ssh … <host> sh -c '<script>' sh <args…>`, its stdin, stdout and
/// stderr piped, with the environment `ssh` needs and nothing else.
pub fn remote_sh(
    profile: &Profile,
    settings: &SshSettings,
    script: &str,
    args: &[&str],
) -> Command {
    let mut words = vec![
        "sh".to_owned(),
        "-c".to_owned(),
        shell_quote(script),
        "sh".to_owned(),
    ];
    words.extend(args.iter().map(|arg| shell_quote(arg)));
    let mut command = Command::new(&settings.binary);
    command
        .args(remote_command_args(profile, settings, &words.join(" ")))
        .env_clear()
        .envs(crate::server::sandbox::env::for_ssh())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    command
}

impl Connections {
    /// How every ssh of pocketcode's is run (binary, known hosts, config).
    pub fn settings(&self) -> &SshSettings {
        &self.settings
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_script_and_each_argument_are_one_quoted_word() {
        let profile = Profile {
            name: "box".into(),
            host: "box".into(),
            hostname: None,
            port: None,
            user: None,
            identity_file: None,
            proxy_jump: None,
            remote_port: 4096,
            bootstrap: false,
        };
        let command = remote_sh(
            &profile,
            &SshSettings::default(),
            "echo \"$1\"",
            &["it's a b", "/x"],
        );
        let args: Vec<String> = command
            .get_args()
            .map(|a| a.to_string_lossy().into_owned())
            .collect();
        assert_eq!(
            args.last().map(String::as_str),
            Some(r#"sh -c 'echo "$1"' sh 'it'\''s a b' /x"#)
        );
    }
}
