//! The environment pocketcode's children get: an allow-list, never
//! pocketcode's own. pocketcode's environment holds the login password, the
//! cookie key, the GitHub token, provider keys and its own settings; a
//! prompt-injected agent prints its environment with one `env`, so nothing
//! is inherited unless it is named here.

use std::ffi::OsString;

/// What programs need to run, to speak the user's language and to reach
/// the network the way this machine does (proxies, extra CA certificates,
/// the npm registry, no credentials); none of it is a pocketcode setting.
const INHERITED: &[&str] = &[
    "PATH",
    "LANG",
    "LANGUAGE",
    "LC_ALL",
    "LC_CTYPE",
    "LC_MESSAGES",
    "TZ",
    "TERM",
    "USER",
    "LOGNAME",
    "SHELL",
    "HTTP_PROXY",
    "HTTPS_PROXY",
    "NO_PROXY",
    "http_proxy",
    "https_proxy",
    "no_proxy",
    "SSL_CERT_FILE",
    "SSL_CERT_DIR",
    "NODE_EXTRA_CA_CERTS",
    "npm_config_registry",
];

/// The allowed variables of this process's environment, as pairs to hand
/// to `Command::envs` after `env_clear`.
pub fn inherited() -> Vec<(OsString, OsString)> {
    inherited_from(std::env::vars_os())
}

/// [`inherited`] plus `HOME`: for pocketcode's own tools outside the agent
/// zone (ssh finds its config and keys there, Chromium its fonts cache).
pub fn inherited_with_home() -> Vec<(OsString, OsString)> {
    let mut vars = inherited();
    if let Some(home) = std::env::var_os("HOME") {
        vars.push(("HOME".into(), home));
    }
    vars
}

/// [`inherited_with_home`] plus the ssh agent's socket, for the system `ssh`.
pub fn for_ssh() -> Vec<(OsString, OsString)> {
    let mut vars = inherited_with_home();
    if let Some(socket) = std::env::var_os("SSH_AUTH_SOCK") {
        vars.push(("SSH_AUTH_SOCK".into(), socket));
    }
    vars
}

fn inherited_from(vars: impl Iterator<Item = (OsString, OsString)>) -> Vec<(OsString, OsString)> {
    vars.filter(|(name, _)| name.to_str().is_some_and(|n| INHERITED.contains(&n)))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_named_variables_pass() {
        let given = [
            ("PATH", "/usr/bin"),
            ("AUTH_PASSWORD", "hunter2"),
            ("AUTH_SECRET", "k"),
            ("GITHUB_TOKEN", "ghp_x"),
            ("OPENROUTER_API_KEY", "sk-or"),
            ("PUSH_CONTACT", "mailto:a@b"),
            ("POCKETCODE_DATA_DIR", "/data"),
            ("LANG", "C.UTF-8"),
            ("HOME", "/root"),
            ("npm_config_registry", "http://127.0.0.1:9/"),
            ("npm_config__authToken", "npm_secret"),
        ]
        .map(|(k, v)| (OsString::from(k), OsString::from(v)));
        let kept: Vec<_> = inherited_from(given.into_iter())
            .into_iter()
            .map(|(k, _)| k.into_string().expect("utf-8"))
            .collect();
        assert_eq!(kept, ["PATH", "LANG", "npm_config_registry"]);
    }
}
