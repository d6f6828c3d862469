//! The exact `ssh` command line for a profile's tunnel. Options given here
//! win over `~/.ssh/config`; what a profile leaves unset, ssh resolves
//! from its own configuration. Jump hosts are reached through nested
//! `ProxyCommand`s running ssh with the same options, so every hop of a
//! chain is checked as strictly as the target (`-J` would not pass them
//! on).

use std::path::PathBuf;

use super::profile::Profile;

/// Machine-wide settings for every tunnel.
#[derive(Clone, Debug)]
pub struct SshSettings {
    /// The ssh binary (`ssh` from `PATH` by default).
    pub binary: PathBuf,
    /// Checked instead of ssh's default known_hosts when set.
    pub known_hosts: Option<PathBuf>,
    /// An ssh config file to read instead of `~/.ssh/config` when set.
    pub config: Option<PathBuf>,
}

impl Default for SshSettings {
    fn default() -> Self {
        Self {
            binary: PathBuf::from("ssh"),
            known_hosts: None,
            config: None,
        }
    }
}

/// What every hop gets: no prompts, strict host keys, keep-alives.
fn common_options(settings: &SshSettings) -> Vec<String> {
    let mut args = Vec::new();
    if let Some(config) = &settings.config {
        args.extend(["-F".to_owned(), config.display().to_string()]);
    }
    for option in [
        "BatchMode=yes",
        "StrictHostKeyChecking=yes",
        "ServerAliveInterval=15",
        "ServerAliveCountMax=3",
        "ConnectTimeout=10",
    ] {
        args.extend(["-o".to_owned(), option.to_owned()]);
    }
    if let Some(known_hosts) = &settings.known_hosts {
        args.extend([
            "-o".to_owned(),
            format!("UserKnownHostsFile={}", known_hosts.display()),
        ]);
    }
    args
}

/// The options for reaching the profile's host itself (port, user, key,
/// hostname and jump hosts); `None` values stay ssh's own.
fn target_options(profile: &Profile, settings: &SshSettings) -> Vec<String> {
    let mut args = Vec::new();
    if let Some(port) = profile.port {
        args.extend(["-p".to_owned(), port.to_string()]);
    }
    if let Some(user) = &profile.user {
        args.extend(["-l".to_owned(), user.clone()]);
    }
    if let Some(key) = &profile.identity_file {
        args.extend(["-i".to_owned(), key.clone()]);
        args.extend(["-o".to_owned(), "IdentitiesOnly=yes".to_owned()]);
    }
    if let Some(hostname) = &profile.hostname {
        args.extend(["-o".to_owned(), format!("HostName={hostname}")]);
    }
    if let Some(jumps) = &profile.proxy_jump {
        args.extend([
            "-o".to_owned(),
            format!("ProxyCommand={}", proxy_command(jumps, profile, settings)),
        ]);
    }
    args
}

/// `ssh <common options> [-i key] [-o ProxyCommand=<the hops before>]
/// -W %h:%p <last hop>`, quoted for the shell ssh runs it with: the last
/// jump host connects to the target, and each earlier one to the hop after
/// it, every one with the same strict options and the profile's key. A
/// nested command's `%` are doubled, so that its `%h:%p` survive the outer
/// ssh's expansion and name the hop it is for.
fn proxy_command(jumps: &str, profile: &Profile, settings: &SshSettings) -> String {
    let hops: Vec<&str> = jumps.split(',').collect();
    let (last, earlier) = hops.split_last().unwrap_or((&"", &[]));
    let mut words = vec![settings.binary.display().to_string()];
    words.extend(common_options(settings));
    if let Some(key) = &profile.identity_file {
        words.extend([
            "-i".to_owned(),
            key.clone(),
            "-o".to_owned(),
            "IdentitiesOnly=yes".to_owned(),
        ]);
    }
    if !earlier.is_empty() {
        let before = proxy_command(&earlier.join(","), profile, settings);
        words.extend([
            "-o".to_owned(),
            format!("ProxyCommand={}", before.replace('%', "%%")),
        ]);
    }
    let (destination, port) = split_port(last);
    if let Some(port) = port {
        words.extend(["-p".to_owned(), port.to_owned()]);
    }
    words.extend([
        "-W".to_owned(),
        "%h:%p".to_owned(),
        "--".to_owned(),
        destination.to_owned(),
    ]);
    words
        .iter()
        .map(|w| shell_quote(w))
        .collect::<Vec<_>>()
        .join(" ")
}

/// `user@host:port` → (`user@host`, `port`); IPv6 in brackets keeps its colons.
fn split_port(hop: &str) -> (&str, Option<&str>) {
    match hop.rsplit_once(':') {
        Some((host, port)) if !host.contains(':') || host.ends_with(']') => (host, Some(port)),
        _ => (hop, None),
    }
}

pub(super) fn shell_quote(word: &str) -> String {
    if !word.is_empty()
        && word
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_./=@:,".contains(c))
    {
        word.to_owned()
    } else {
        format!("'{}'", word.replace('\'', r"'\''"))
    }
}

/// `ssh -N` holding `127.0.0.1:<local_port>` → the remote's
/// `127.0.0.1:<remote_port>`.
pub fn forward_args(profile: &Profile, settings: &SshSettings, local_port: u16) -> Vec<String> {
    let mut args = vec!["-N".to_owned(), "-T".to_owned()];
    args.extend(common_options(settings));
    args.extend(["-o".to_owned(), "ExitOnForwardFailure=yes".to_owned()]);
    args.extend(target_options(profile, settings));
    args.extend([
        "-L".to_owned(),
        format!("127.0.0.1:{local_port}:127.0.0.1:{}", profile.remote_port),
        "--".to_owned(),
        profile.host.clone(),
    ]);
    args
}

/// `ssh <host> <command>`: one remote command (the bootstrap).
pub fn remote_command_args(
    profile: &Profile,
    settings: &SshSettings,
    command: &str,
) -> Vec<String> {
    let mut args = vec!["-T".to_owned()];
    args.extend(common_options(settings));
    args.extend(target_options(profile, settings));
    args.extend(["--".to_owned(), profile.host.clone(), command.to_owned()]);
    args
}

#[cfg(test)]
mod tests {
    use super::*;

    fn profile() -> Profile {
        Profile {
            name: "box".into(),
            host: "box".into(),
            hostname: Some("10.0.0.5".into()),
            port: Some(2222),
            user: Some("dev".into()),
            identity_file: Some("/keys/id".into()),
            proxy_jump: None,
            remote_port: 4096,
            bootstrap: false,
        }
    }

    #[test]
    fn the_forward_is_strict_loopback_and_ends_with_the_host() {
        let settings = SshSettings {
            known_hosts: Some("/kh".into()),
            ..SshSettings::default()
        };
        let args = forward_args(&profile(), &settings, 40001).join(" ");
        for wanted in [
            "-N -T",
            "-o BatchMode=yes",
            "-o StrictHostKeyChecking=yes",
            "-o ExitOnForwardFailure=yes",
            "-o UserKnownHostsFile=/kh",
            "-p 2222",
            "-l dev",
            "-i /keys/id -o IdentitiesOnly=yes",
            "-o HostName=10.0.0.5",
            "-L 127.0.0.1:40001:127.0.0.1:4096 -- box",
        ] {
            assert!(args.contains(wanted), "{wanted} in {args}");
        }
        assert!(args.ends_with("-- box"));
    }

    #[test]
    fn a_jump_host_gets_the_same_strict_options() {
        let jumped = Profile {
            proxy_jump: Some("j@bastion:2200,inner".into()),
            ..profile()
        };
        let args = forward_args(&jumped, &SshSettings::default(), 1);
        let proxy = args
            .iter()
            .find_map(|a| a.strip_prefix("ProxyCommand="))
            .expect("a ProxyCommand");
        let strict = "-o BatchMode=yes -o StrictHostKeyChecking=yes -o ServerAliveInterval=15 \
             -o ServerAliveCountMax=3 -o ConnectTimeout=10 -i /keys/id -o IdentitiesOnly=yes";
        // The first hop is as strict as the last; its %h:%p are kept for it.
        let first = format!("ssh {strict} -p 2200 -W '%%h:%%p' -- j@bastion");
        let quoted = shell_quote(&format!("ProxyCommand={first}"));
        assert_eq!(
            proxy,
            format!("ssh {strict} -o {quoted} -W '%h:%p' -- inner")
        );
        assert_eq!(shell_quote("it's"), r"'it'\''s'");
    }
}
