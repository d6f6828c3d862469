//! Remote machines reached over SSH, as the server reports them to the UI:
//! the connection profiles and each one's live state. Shared by the server
//! and the browser; the server checks profiles (`server::ssh`).

use serde::{Deserialize, Serialize};

/// opencode's default `serve` port.
pub const DEFAULT_REMOTE_PORT: u16 = 4096;

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
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

/// Where a connection is, step by step.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum ConnectionState {
    Disconnected,
    Connecting,
    Discovering,
    Bootstrapping,
    Connected {
        local_port: u16,
        version: String,
    },
    /// `kind` is the step that failed: Configuration, Transport,
    /// Discovery, Bootstrap or Compatibility.
    Failed {
        kind: String,
        message: String,
    },
}

/// A profile and its state.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Connection {
    pub profile: Profile,
    pub state: ConnectionState,
}
