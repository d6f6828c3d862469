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

/// Where the connection to a remote is, step by step. Read through
/// [`RemoteStateWire`].
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "state", rename_all = "snake_case", try_from = "RemoteStateWire")]
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

/// [`RemoteState`] as written (`{"state": …, …}`), read in one pass: a
/// derived internally tagged enum would buffer it in serde's `Content`
/// first, code the browser's WASM can do without.
#[derive(Deserialize)]
struct RemoteStateWire {
    state: String,
    #[serde(default)]
    local_port: Option<u16>,
    #[serde(default)]
    version: Option<String>,
    #[serde(default)]
    kind: Option<String>,
    #[serde(default)]
    message: Option<String>,
}

impl TryFrom<RemoteStateWire> for RemoteState {
    type Error = &'static str;

    fn try_from(wire: RemoteStateWire) -> Result<Self, Self::Error> {
        Ok(match wire.state.as_str() {
            "disconnected" => Self::Disconnected,
            "connecting" => Self::Connecting,
            "discovering" => Self::Discovering,
            "bootstrapping" => Self::Bootstrapping,
            "connected" => Self::Connected {
                local_port: wire.local_port.ok_or("missing field `local_port`")?,
                version: wire.version.ok_or("missing field `version`")?,
            },
            "failed" => Self::Failed {
                kind: wire.kind.ok_or("missing field `kind`")?,
                message: wire.message.ok_or("missing field `message`")?,
            },
            _ => return Err("unknown remote state"),
        })
    }
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

    #[test]
    fn remote_states_read_what_they_write() {
        let states = [
            RemoteState::Disconnected,
            RemoteState::Connecting,
            RemoteState::Discovering,
            RemoteState::Bootstrapping,
            RemoteState::Connected {
                local_port: 41234,
                version: "1.0.0".into(),
            },
            RemoteState::Failed {
                kind: OPEN_REMOTE.into(),
                message: "no password".into(),
            },
        ];
        for state in states {
            let json = serde_json::to_string(&state).expect("json");
            assert_eq!(
                serde_json::from_str::<RemoteState>(&json).ok(),
                Some(state),
                "{json}"
            );
        }
        let connected = RemoteState::Connected {
            local_port: 1,
            version: "v".into(),
        };
        assert_eq!(
            serde_json::to_string(&connected).expect("json"),
            r#"{"state":"connected","local_port":1,"version":"v"}"#
        );
        for bad in [
            r#"{"state":"connected","version":"v"}"#,
            r#"{"state":"lost"}"#,
            "{}",
        ] {
            assert!(serde_json::from_str::<RemoteState>(bad).is_err(), "{bad}");
        }
    }
}
