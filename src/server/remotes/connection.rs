//! A remote's profile and connection: list, save, delete, connect,
//! disconnect, and the diagnostics to copy.

use super::{RemoteError, profile, unwatch, watch};
use crate::model::remotes::{Profile, Remote, RemoteState};
use crate::server::state::AppState;

/// Every profile with its live state.
pub async fn list(state: &AppState) -> Result<Vec<Remote>, RemoteError> {
    let profiles = state.ssh_profiles.list().await?;
    Ok(profiles
        .into_iter()
        .map(|profile| Remote {
            state: state.ssh.state(&profile.name),
            profile,
        })
        .collect())
}

/// Adds a profile or replaces the one of that name.
pub async fn save(state: &AppState, profile: Profile) -> Result<Remote, RemoteError> {
    state.ssh_profiles.save(profile.clone()).await?;
    Ok(Remote {
        state: state.ssh.state(&profile.name),
        profile,
    })
}

/// Disconnects it first; its password and acceptance go with it.
pub async fn delete(state: &AppState, name: &str) -> Result<(), RemoteError> {
    profile(state, name).await?;
    state.ssh.disconnect(name).await;
    unwatch(state, name);
    state.ssh_profiles.delete(name).await?;
    state.ssh.forget(name)?;
    Ok(())
}

/// Runs the connection's steps and answers where they ended; with
/// `accept_open`, a remote opencode without a password is accepted first
/// (for that host and port). A connected remote's events are relayed.
pub async fn connect(
    state: &AppState,
    name: &str,
    accept_open: bool,
) -> Result<RemoteState, RemoteError> {
    let profile = profile(state, name).await?;
    if accept_open {
        state.ssh.accept_open(&profile)?;
    }
    let connected = state.ssh.connect(profile).await;
    if matches!(connected, RemoteState::Connected { .. }) {
        watch(state, name);
    }
    Ok(connected)
}

pub async fn disconnect(state: &AppState, name: &str) -> Result<RemoteState, RemoteError> {
    profile(state, name).await?;
    state.ssh.disconnect(name).await;
    unwatch(state, name);
    Ok(state.ssh.state(name))
}

/// The redacted report to copy.
pub async fn diagnostics(state: &AppState, name: &str) -> Result<String, RemoteError> {
    let profile = profile(state, name).await?;
    Ok(state.ssh.diagnostics(name).await.unwrap_or_else(|| {
        format!(
            "pocketcode connection diagnostics: {name}\nstate: never connected\nprofile: {profile:?}\n"
        )
    }))
}
