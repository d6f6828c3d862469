//! A connection profile: how to reach one remote machine's opencode. Values
//! left unset come from ssh's own configuration (`~/.ssh/config`); set ones
//! win. Every value is checked before it goes near an ssh command line:
//! none may start with `-` (it would be read as an option) or hold a
//! newline or a space (it would split a config line).

use super::SshError;
pub use crate::model::remotes::{DEFAULT_REMOTE_PORT, Profile};

impl Profile {
    /// Checks every value; the first bad one is the error.
    pub fn validate(&self) -> Result<(), SshError> {
        let bad = |what: &str, why: String| Err(SshError::Configuration(format!("{what}: {why}")));
        if self.name.is_empty()
            || self.name.len() > 40
            || !self
                .name
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_')
        {
            return bad(
                "name",
                format!("{:?} must be 1 to 40 of a-z, 0-9, - and _", self.name),
            );
        }
        if let Err(why) = check_host(&self.host) {
            return bad("Host", why);
        }
        if let Some(Err(why)) = self.hostname.as_deref().map(check_host) {
            return bad("HostName", why);
        }
        if self.port == Some(0) {
            return bad("Port", "must be 1 to 65535".into());
        }
        if self.remote_port == 0 {
            return bad("remote opencode port", "must be 1 to 65535".into());
        }
        if let Some(Err(why)) = self.user.as_deref().map(check_user) {
            return bad("User", why);
        }
        if let Some(Err(why)) = self.identity_file.as_deref().map(check_path) {
            return bad("IdentityFile", why);
        }
        if let Some(jumps) = &self.proxy_jump {
            for jump in jumps.split(',') {
                if let Err(why) = check_jump(jump) {
                    return bad("ProxyJump", why);
                }
            }
        }
        Ok(())
    }
}

/// What every value must not be: empty, an option, or a line breaker.
fn check_plain(value: &str) -> Result<(), String> {
    if value.is_empty() {
        return Err("is empty".into());
    }
    if value.starts_with('-') {
        return Err(format!(
            "{value:?} starts with '-' (ssh would take it for an option)"
        ));
    }
    if value.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(format!("{value:?} holds a space or a control character"));
    }
    if value.len() > 255 {
        return Err("is longer than 255 characters".into());
    }
    Ok(())
}

/// A hostname, an alias or an IP address (IPv6 in brackets or bare).
fn check_host(host: &str) -> Result<(), String> {
    check_plain(host)?;
    let allowed =
        |c: char| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_' | ':' | '[' | ']');
    if !host.chars().all(allowed) {
        return Err(format!("{host:?} is not a hostname or an IP address"));
    }
    Ok(())
}

fn check_user(user: &str) -> Result<(), String> {
    check_plain(user)?;
    let allowed = |c: char| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_');
    if !user.chars().all(allowed) {
        return Err(format!("{user:?} is not a user name"));
    }
    Ok(())
}

/// An absolute path or one under `~/`, with no `..`.
fn check_path(path: &str) -> Result<(), String> {
    check_plain(path)?;
    if !(path.starts_with('/') || path.starts_with("~/")) {
        return Err(format!("{path:?} must be absolute or start with ~/"));
    }
    if path.split('/').any(|part| part == "..") {
        return Err(format!("{path:?} contains '..'"));
    }
    Ok(())
}

/// `[user@]host[:port]`.
fn check_jump(jump: &str) -> Result<(), String> {
    check_plain(jump)?;
    let (user, rest) = match jump.split_once('@') {
        Some((user, rest)) => (Some(user), rest),
        None => (None, jump),
    };
    if let Some(user) = user {
        check_user(user)?;
    }
    let host = match rest.rsplit_once(':') {
        Some((host, port)) if !host.contains(':') || host.ends_with(']') => {
            if port.parse::<u16>().map_or(true, |p| p == 0) {
                return Err(format!("{jump:?} has a bad port"));
            }
            host
        }
        _ => rest,
    };
    check_host(host)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn profile() -> Profile {
        Profile {
            name: "box".into(),
            host: "example.com".into(),
            hostname: None,
            port: Some(2222),
            user: Some("dev".into()),
            identity_file: Some("~/.ssh/id_ed25519".into()),
            proxy_jump: Some("jump@bastion.example.com:22,10.0.0.1".into()),
            remote_port: 4096,
            bootstrap: false,
        }
    }

    #[test]
    fn a_sound_profile_passes() {
        assert_eq!(profile().validate(), Ok(()));
        let minimal = Profile {
            hostname: Some("[::1]".into()),
            port: None,
            user: None,
            identity_file: None,
            proxy_jump: None,
            ..profile()
        };
        assert_eq!(minimal.validate(), Ok(()));
    }

    /// `profile()` with one change.
    fn with(edit: impl FnOnce(&mut Profile)) -> Profile {
        let mut profile = profile();
        edit(&mut profile);
        profile
    }

    #[test]
    fn option_injection_newlines_and_bad_values_are_refused_by_field() {
        let cases: Vec<(&str, Profile)> = vec![
            ("name", with(|p| p.name = "Box!".into())),
            ("name", with(|p| p.name = String::new())),
            ("Host", with(|p| p.host = "-oProxyCommand=sh".into())),
            ("Host", with(|p| p.host = "a b".into())),
            (
                "HostName",
                with(|p| p.hostname = Some("x\nProxyCommand sh".into())),
            ),
            ("Port", with(|p| p.port = Some(0))),
            ("remote opencode port", with(|p| p.remote_port = 0)),
            ("User", with(|p| p.user = Some("-l".into()))),
            ("User", with(|p| p.user = Some("a;b".into()))),
            (
                "IdentityFile",
                with(|p| p.identity_file = Some("key".into())),
            ),
            (
                "IdentityFile",
                with(|p| p.identity_file = Some("~/../etc/shadow".into())),
            ),
            ("ProxyJump", with(|p| p.proxy_jump = Some("-J".into()))),
            ("ProxyJump", with(|p| p.proxy_jump = Some("a@b:0".into()))),
            ("ProxyJump", with(|p| p.proxy_jump = Some("ok,".into()))),
        ];
        for (field, profile) in cases {
            match profile.validate() {
                Err(SshError::Configuration(message)) => {
                    assert!(message.starts_with(field), "{field}: {message}");
                }
                other => panic!("{field}: {other:?} for {profile:?}"),
            }
        }
    }
}
