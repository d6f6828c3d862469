//! What can go wrong with a chat's browser.

/// A browser failure, with a message meant for the user.
#[derive(Debug, thiserror::Error)]
pub enum BrowserError {
    #[error(
        "{running} browsers are already running, the most this server allows \
         (--max-browsers): stop one from its chat's Browser panel first"
    )]
    CapReached { running: usize },
    #[error("cannot start Chromium ({binary}): {reason}")]
    Launch { binary: String, reason: String },
    #[error("Chromium did not open its debugging port within {0:?}")]
    NoPort(std::time::Duration),
    #[error("Chromium's debugging connection failed: {0}")]
    Cdp(String),
    #[error("Chromium answered {method} with an error: {message}")]
    Protocol { method: String, message: String },
    #[error("this chat's browser is not running: start it from the Browser panel")]
    NotRunning,
    #[error("the agent's browser tools could not be set up: {0}")]
    Mcp(String),
    #[error("{0}")]
    BadInput(String),
    #[error(transparent)]
    Egress(#[from] super::egress::EgressError),
}

impl BrowserError {
    /// The HTTP status it deserves: the cap and a stopped browser are
    /// conflicts the user resolves, anything Chromium failed leaves the
    /// browser unavailable.
    pub fn status(&self) -> u16 {
        match self {
            Self::CapReached { .. } | Self::NotRunning => 409,
            Self::BadInput(_) => 400,
            _ => 503,
        }
    }
}
