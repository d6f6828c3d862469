//! What can go wrong with a remote backend, by the step that failed. Every
//! message says what happened and what to do about it.

use thiserror::Error;

#[derive(Debug, Error, Clone, PartialEq, Eq)]
pub enum SshError {
    /// A profile value that cannot be used (nothing was started).
    #[error("configuration: {0}")]
    Configuration(String),
    /// ssh itself failed: host key, authentication, network, local port.
    #[error("transport: {0}")]
    Transport(String),
    /// The tunnel is up but no opencode answers through it.
    #[error("discovery: {0}")]
    Discovery(String),
    /// Starting opencode on the remote failed.
    #[error("bootstrap: {0}")]
    Bootstrap(String),
    /// The remote opencode wants a password pocketcode does not have.
    #[error("password: {0}")]
    Password(String),
    /// The remote opencode has no password, and the user has not accepted
    /// that (every user of that machine can drive it).
    #[error("open: {0}")]
    Open(String),
    /// The remote opencode is of another major version.
    #[error("compatibility: {0}")]
    Compatibility(String),
}

impl SshError {
    /// The HTTP status it deserves: a bad profile is the request's fault,
    /// every other step failing leaves the remote unavailable.
    pub fn status(&self) -> u16 {
        match self {
            Self::Configuration(_) => 400,
            _ => 503,
        }
    }

    /// The step's name, as the UI and diagnostics show it.
    pub fn kind(&self) -> &'static str {
        match self {
            Self::Configuration(_) => "Configuration",
            Self::Transport(_) => "Transport",
            Self::Discovery(_) => "Discovery",
            Self::Bootstrap(_) => "Bootstrap",
            Self::Password(_) => "Password",
            Self::Open(_) => "Open",
            Self::Compatibility(_) => "Compatibility",
        }
    }
}
