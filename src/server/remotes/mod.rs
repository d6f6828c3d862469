//! Remotes: what the server functions do with remote machines reached over
//! SSH (their profiles, their connections, their opencode's sessions as
//! chats). `server::ssh` runs the tunnels; this is the use-case layer the
//! `remotes` server functions call.

mod chats;
mod connection;
pub mod pty;

pub use chats::{new_chat, recent_chats};
pub use connection::{connect, delete, diagnostics, disconnect, list, save};

use std::sync::Arc;

use crate::model::remotes::Profile;
use crate::server::opencode_client::{OpencodeClient, OpencodeClientError};
use crate::server::ssh::SshError;
use crate::server::state::AppState;

#[derive(Debug, thiserror::Error)]
pub enum RemoteError {
    #[error("there is no connection named {0:?}")]
    Unknown(String),
    #[error("connection {0} is not connected: connect it on the Connections page")]
    NotConnected(String),
    #[error("there is no directory {directory} on {remote}: give the full path of an existing one")]
    NoDirectory { remote: String, directory: String },
    #[error(transparent)]
    Ssh(#[from] SshError),
    #[error(transparent)]
    Opencode(#[from] OpencodeClientError),
}

impl RemoteError {
    /// The HTTP status it deserves at pocketcode's boundaries.
    pub fn status(&self) -> u16 {
        match self {
            Self::Unknown(_) => 404,
            Self::NotConnected(_) => 503,
            Self::NoDirectory { .. } => 400,
            Self::Ssh(e) => e.status(),
            Self::Opencode(e) => e.status(),
        }
    }
}

/// Remote `name`'s profile: [`RemoteError::Unknown`] when there is none.
pub async fn profile(state: &AppState, name: &str) -> Result<Profile, RemoteError> {
    state
        .ssh_profiles
        .get(name)
        .await?
        .ok_or_else(|| RemoteError::Unknown(name.to_owned()))
}

/// A client for remote `name`'s opencode, while it is connected. Its
/// events are relayed from then on.
pub async fn client(state: &AppState, name: &str) -> Result<OpencodeClient, RemoteError> {
    profile(state, name).await?;
    let client = state
        .ssh
        .client(name)
        .ok_or_else(|| RemoteError::NotConnected(name.to_owned()))?;
    watch(state, name);
    Ok(client)
}

/// Relays remote `name`'s events (from wherever its tunnel is now).
pub fn watch(state: &AppState, name: &str) {
    let ssh = state.ssh.clone();
    let owned = name.to_owned();
    state.events.watch_remote(
        &crate::model::remotes::remote_repo(name),
        Arc::new(move || ssh.upstream(&owned)),
    );
}

/// Stops relaying remote `name`'s events.
fn unwatch(state: &AppState, name: &str) {
    state
        .events
        .unwatch_remote(&crate::model::remotes::remote_repo(name));
}
