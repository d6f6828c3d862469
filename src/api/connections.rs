//! Remote machines over SSH (`POST /pocket/fn/…`): list, save and delete
//! connection profiles; connect (or use an open remote anyway),
//! disconnect, and copy diagnostics.

// `save_connection` takes one argument per form field, in the browser's
// generated caller too.
#![allow(clippy::too_many_arguments)]

use leptos::prelude::*;

use super::AppError;
use crate::remotes::{Connection, ConnectionState};

/// `list_connections`: every profile with its live state.
#[server(prefix = "/pocket/fn", endpoint = "list_connections")]
pub async fn list_connections() -> Result<Vec<Connection>, AppError> {
    super::context::respond(async {
        let state = super::context::state()?;
        let profiles = state.ssh_profiles.list().await?;
        Ok(profiles
            .into_iter()
            .map(|profile| Connection {
                state: state.ssh.state(&profile.name),
                profile,
            })
            .collect())
    })
    .await
}

/// `save_connection`: adds a profile or replaces the one of that name.
/// Blank optional fields mean "as ssh's own config says".
#[server(prefix = "/pocket/fn", endpoint = "save_connection")]
pub async fn save_connection(
    name: String,
    host: String,
    #[server(default)] hostname: String,
    #[server(default)] port: String,
    #[server(default)] user: String,
    #[server(default)] identity_file: String,
    #[server(default)] proxy_jump: String,
    #[server(default)] remote_port: String,
    #[server(default)] bootstrap: bool,
) -> Result<Connection, AppError> {
    super::context::respond(async {
        let blank = |text: String| Some(text.trim().to_owned()).filter(|t| !t.is_empty());
        let number = |what: &str, text: String| -> Result<Option<u16>, AppError> {
            blank(text)
                .map(|t| {
                    t.parse::<u16>().map_err(|_| {
                        AppError::BadRequest(format!("{what}: {t:?} is not a port (1 to 65535)"))
                    })
                })
                .transpose()
        };
        let profile = crate::remotes::Profile {
            name: name.trim().to_owned(),
            host: host.trim().to_owned(),
            hostname: blank(hostname),
            port: number("Port", port)?,
            user: blank(user),
            identity_file: blank(identity_file),
            proxy_jump: blank(proxy_jump),
            remote_port: number("remote opencode port", remote_port)?
                .unwrap_or(crate::remotes::DEFAULT_REMOTE_PORT),
            bootstrap,
        };
        let state = super::context::state()?;
        state.ssh_profiles.save(profile.clone()).await?;
        Ok(Connection {
            state: state.ssh.state(&profile.name),
            profile,
        })
    })
    .await
}

/// `delete_connection`: disconnects it first.
#[server(prefix = "/pocket/fn", endpoint = "delete_connection")]
pub async fn delete_connection(name: String) -> Result<(), AppError> {
    super::context::respond(async {
        let state = super::context::state()?;
        known(&state, &name).await?;
        state.ssh.disconnect(&name).await;
        state
            .events
            .unwatch_remote(&crate::remotes::remote_repo(&name));
        state.ssh_profiles.delete(&name).await?;
        state.ssh.forget(&name)?;
        Ok(())
    })
    .await
}

/// `connect`: runs the steps and answers where they ended (`failed` with
/// the step and what to do, or `connected`).
#[server(prefix = "/pocket/fn", endpoint = "connect")]
pub async fn connect(name: String) -> Result<ConnectionState, AppError> {
    super::context::respond(async {
        let state = super::context::state()?;
        let profile = known(&state, &name).await?;
        let connected = state.ssh.connect(profile).await;
        if matches!(connected, ConnectionState::Connected { .. }) {
            super::chat_context::watch_remote(&state, &name);
        }
        Ok(connected)
    })
    .await
}

/// `use_open_connection`: the user tapped "Use anyway" on a remote
/// opencode without a password; it is accepted (for that host and port)
/// and connected.
#[server(prefix = "/pocket/fn", endpoint = "use_open_connection")]
pub async fn use_open_connection(name: String) -> Result<ConnectionState, AppError> {
    super::context::respond(async {
        let state = super::context::state()?;
        let profile = known(&state, &name).await?;
        state.ssh.accept_open(&profile)?;
        let connected = state.ssh.connect(profile).await;
        if matches!(connected, ConnectionState::Connected { .. }) {
            super::chat_context::watch_remote(&state, &name);
        }
        Ok(connected)
    })
    .await
}

#[server(prefix = "/pocket/fn", endpoint = "disconnect")]
pub async fn disconnect(name: String) -> Result<ConnectionState, AppError> {
    super::context::respond(async {
        let state = super::context::state()?;
        known(&state, &name).await?;
        state.ssh.disconnect(&name).await;
        state
            .events
            .unwatch_remote(&crate::remotes::remote_repo(&name));
        Ok(state.ssh.state(&name))
    })
    .await
}

/// `connection_diagnostics`: the redacted report to copy.
#[server(prefix = "/pocket/fn", endpoint = "connection_diagnostics")]
pub async fn connection_diagnostics(name: String) -> Result<String, AppError> {
    super::context::respond(async {
        let state = super::context::state()?;
        let profile = known(&state, &name).await?;
        Ok(state.ssh.diagnostics(&name).await.unwrap_or_else(|| {
            format!(
                "pocketcode connection diagnostics: {name}\nstate: never connected\nprofile: {profile:?}\n"
            )
        }))
    })
    .await
}

#[cfg(feature = "ssr")]
async fn known(
    state: &crate::server::state::AppState,
    name: &str,
) -> Result<crate::remotes::Profile, AppError> {
    state
        .ssh_profiles
        .get(name)
        .await?
        .ok_or_else(|| AppError::NotFound(format!("there is no connection named {name:?}")))
}
