//! The shared browser's way out. Chromium runs in the agent zone: a page it
//! opens is as untrusted as the agent, so it reaches the network only
//! through pocketcode's forward proxy ([`ForwardProxy`]), which refuses
//! pocketcode's own loopback ports, link-local addresses and cloud
//! metadata services ([`Reach`]) and lets everything else through — a dev
//! server the agent runs on loopback included.

mod policy;
mod proxy;

pub use policy::{Reach, Refusal};
pub use proxy::ForwardProxy;

/// Why a request through the proxy got no connection.
#[derive(Debug, thiserror::Error)]
pub enum EgressError {
    #[error("pocketcode's shared browser may not reach {target}: {why}")]
    Refused { target: String, why: Refusal },
    #[error("{0} is not something this proxy forwards (only http:// URLs and CONNECT host:port)")]
    BadTarget(String),
    #[error("cannot resolve {host}: {reason}")]
    Unresolvable { host: String, reason: String },
    #[error("cannot connect to {target}: {reason}")]
    Connect { target: String, reason: String },
    #[error("cannot open the shared browser's proxy: {0}")]
    Listen(std::io::Error),
}

impl EgressError {
    pub fn status(&self) -> axum::http::StatusCode {
        use axum::http::StatusCode;
        match self {
            Self::Refused { .. } => StatusCode::FORBIDDEN,
            Self::BadTarget(_) => StatusCode::BAD_REQUEST,
            Self::Unresolvable { .. } | Self::Connect { .. } => StatusCode::BAD_GATEWAY,
            Self::Listen(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }
}
