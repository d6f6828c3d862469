//! The provider gateway: how opencode reaches model providers without
//! holding their keys.
//!
//! opencode runs whatever the model decides, so anything in its reach may
//! end up in an attacker's hands. Its config therefore names, for each
//! provider whose key is set, this loopback gateway as the base URL and a
//! per-start token as the key. The gateway admits only requests carrying
//! that token, drops it, adds the real key in the header the provider uses
//! and streams the exchange through. The token opens nothing but this
//! gateway, for as long as this pocketcode runs; the gateway reaches each
//! provider's API and nothing else (it is no open proxy).
//!
//! The scripted model goes through it like any provider, with a key of its
//! own, so every test run exercises the gateway.

mod forward;
mod opencode_config;
mod provider;
mod server;
#[cfg(test)]
mod tests;
mod token;

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

pub use opencode_config::opencode_config;
pub use provider::{KNOWN, KeyHeader, KnownProvider, ProviderRoute};
pub use server::Gateway;
pub use token::GatewayToken;

#[derive(Debug, thiserror::Error)]
pub enum GatewayError {
    #[error("this gateway admits only pocketcode's gateway token (missing or wrong)")]
    BadToken,
    #[error("no provider `{0}` behind this gateway")]
    UnknownProvider(String),
    #[error("the path must stay under the provider's API (no `.` or `..` segments)")]
    BadPath,
    #[error("the key set for `{0}` cannot be sent in a header")]
    BadKey(String),
    #[error("the provider did not answer: {0}")]
    Upstream(reqwest::Error),
    #[error("cannot listen on loopback: {0}")]
    Bind(std::io::Error),
    #[error("cannot start the gateway's thread: {0}")]
    Thread(std::io::Error),
    #[error("cannot build the HTTP client: {0}")]
    Client(reqwest::Error),
}

impl IntoResponse for GatewayError {
    /// OpenAI's error shape, which every provider SDK opencode uses shows.
    fn into_response(self) -> Response {
        let (status, code) = match &self {
            Self::BadToken => (StatusCode::UNAUTHORIZED, "gateway_token"),
            Self::UnknownProvider(_) => (StatusCode::NOT_FOUND, "unknown_provider"),
            Self::BadPath => (StatusCode::BAD_REQUEST, "bad_path"),
            Self::BadKey(_) | Self::Bind(_) | Self::Thread(_) | Self::Client(_) => {
                (StatusCode::INTERNAL_SERVER_ERROR, "gateway_error")
            }
            Self::Upstream(_) => (StatusCode::BAD_GATEWAY, "provider_unreachable"),
        };
        let body = serde_json::json!({
            "error": { "message": self.to_string(), "type": "gateway_error", "code": code }
        });
        (status, axum::Json(body)).into_response()
    }
}
