//! Remote machines reached over SSH, as the server reports them to the UI:
//! the connection profiles and each one's live state. Shared by the server
//! and the browser; the server checks profiles (`server::ssh`).

use serde::{Deserialize, Serialize};

/// opencode's default `serve` port.
pub const DEFAULT_REMOTE_PORT: u16 = 4096;

#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Profile {
    /// The profile's own name: `[a-z0-9_-]`, 1 to 40 characters.
    pub name: String,
    /// The host as ssh knows it: an alias from `~/.ssh/config` or a hostname.
    pub host: String,
    #[serde(default)]
    pub hostname: Option<String>,
    #[serde(default)]
    pub port: Option<u16>,
    #[serde(default)]
    pub user: Option<String>,
    #[serde(default)]
    pub identity_file: Option<String>,
    /// `[user@]host[:port]`, several separated by commas.
    #[serde(default)]
    pub proxy_jump: Option<String>,
    /// Where opencode serves on the remote machine (its loopback).
    #[serde(default = "default_remote_port")]
    pub remote_port: u16,
    /// Start opencode on the remote when none answers.
    #[serde(default)]
    pub bootstrap: bool,
}

fn default_remote_port() -> u16 {
    DEFAULT_REMOTE_PORT
}

/// Where the connection to a remote is, step by step.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum RemoteState {
    Disconnected,
    Connecting,
    Discovering,
    Bootstrapping,
    Connected {
        local_port: u16,
        version: String,
    },
    /// `kind` is the step that failed: Configuration, Transport,
    /// Discovery, Bootstrap, Password, Compatibility, or Open (the remote
    /// opencode has no password: the UI offers "Use anyway").
    Failed {
        kind: String,
        message: String,
    },
}

/// The failure `kind` of a remote opencode without a password.
pub const OPEN_REMOTE: &str = "Open";

/// A remote: its profile and the state of its connection.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Remote {
    pub profile: Profile,
    pub state: RemoteState,
}

/// What marks a remote chat's "repo": `@<remote>`. Local repo names
/// (`owner/name`) never start with it.
pub const REMOTE_MARK: char = '@';

/// The remote a chat's `repo` names, when it is a remote chat.
pub fn remote_name(repo: &str) -> Option<&str> {
    repo.strip_prefix(REMOTE_MARK)
}

/// The `repo` of the chats of remote `name`.
pub fn remote_repo(name: &str) -> String {
    format!("{REMOTE_MARK}{name}")
}

/// Where the live stream files a remote directory's events: `@name:/dir`,
/// so that a remote path never meets a local one of the same name.
pub fn event_directory(repo: &str, directory: &str) -> String {
    match remote_name(repo) {
        Some(name) => format!("{REMOTE_MARK}{name}:{directory}"),
        None => directory.to_owned(),
    }
}

/// Where a remote chat's terminals are (`…/pty`, `…/pty/{id}`,
/// `…/pty/{id}/connect`, as opencode's own `/pty` routes): pocketcode
/// relays them to the remote's opencode, in the session's directory.
pub fn remote_pty_base(name: &str, session_id: &str) -> String {
    format!("/pocket/remote/{name}/{session_id}/pty")
}

/// The page of a remote chat: `/remote/<remote>/<session id>`.
pub fn remote_chat_href(name: &str, session_id: &str) -> String {
    format!("/remote/{name}/{session_id}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn remote_chats_are_told_apart_by_their_repo() {
        assert_eq!(remote_name("@devbox"), Some("devbox"));
        assert_eq!(remote_name("local/project"), None);
        assert_eq!(remote_repo("devbox"), "@devbox");
        assert_eq!(
            event_directory("@devbox", "/home/me/p"),
            "@devbox:/home/me/p"
        );
        assert_eq!(event_directory("local/p", "/data/w"), "/data/w");
        assert_eq!(remote_chat_href("devbox", "ses_1"), "/remote/devbox/ses_1");
    }
}
