//! Remote machines over SSH (`POST /pocket/fn/…`): list, save and delete
//! connection profiles; connect (or use an open remote anyway),
//! disconnect, copy diagnostics; and start a chat in a directory there.
//! The endpoints keep their names (`list_connections`, …): the UI and
//! scripts call them by name.

// `save_connection` takes one argument per form field, in the browser's
// generated caller too.
#![allow(clippy::too_many_arguments)]

use leptos::prelude::*;

use super::AppError;
use crate::model::chats::ChatSummary;
use crate::model::remotes::{Remote, RemoteState};

/// `list_connections`: every profile with its live state.
#[server(prefix = "/pocket/fn", endpoint = "list_connections")]
pub async fn list_connections() -> Result<Vec<Remote>, AppError> {
    super::context::respond(async {
        Ok(crate::server::remotes::list(&super::context::state()?).await?)
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
) -> Result<Remote, AppError> {
    super::context::respond(async {
        let profile = crate::model::remotes::Profile {
            name: name.trim().to_owned(),
            host: host.trim().to_owned(),
            hostname: blank(hostname),
            port: port_number("Port", port)?,
            user: blank(user),
            identity_file: blank(identity_file),
            proxy_jump: blank(proxy_jump),
            remote_port: port_number("remote opencode port", remote_port)?
                .unwrap_or(crate::model::remotes::DEFAULT_REMOTE_PORT),
            bootstrap,
        };
        Ok(crate::server::remotes::save(&super::context::state()?, profile).await?)
    })
    .await
}

/// A form field, trimmed; `None` when blank.
#[cfg(feature = "ssr")]
fn blank(text: String) -> Option<String> {
    Some(text.trim().to_owned()).filter(|t| !t.is_empty())
}

/// A port field: blank, or 1 to 65535.
#[cfg(feature = "ssr")]
fn port_number(what: &str, text: String) -> Result<Option<u16>, AppError> {
    blank(text)
        .map(|t| {
            t.parse::<u16>().map_err(|_| {
                AppError::BadRequest(format!("{what}: {t:?} is not a port (1 to 65535)"))
            })
        })
        .transpose()
}

/// `delete_connection`: disconnects it first.
#[server(prefix = "/pocket/fn", endpoint = "delete_connection")]
pub async fn delete_connection(name: String) -> Result<(), AppError> {
    super::context::respond(async {
        Ok(crate::server::remotes::delete(&super::context::state()?, &name).await?)
    })
    .await
}

/// `connect`: runs the steps and answers where they ended (`failed` with
/// the step and what to do, or `connected`).
#[server(prefix = "/pocket/fn", endpoint = "connect")]
pub async fn connect(name: String) -> Result<RemoteState, AppError> {
    super::context::respond(async {
        let state = super::context::state()?;
        Ok(crate::server::remotes::connect(&state, &name, false).await?)
    })
    .await
}

/// `use_open_connection`: the user tapped "Use anyway" on a remote
/// opencode without a password; it is accepted (for that host and port)
/// and connected.
#[server(prefix = "/pocket/fn", endpoint = "use_open_connection")]
pub async fn use_open_connection(name: String) -> Result<RemoteState, AppError> {
    super::context::respond(async {
        let state = super::context::state()?;
        Ok(crate::server::remotes::connect(&state, &name, true).await?)
    })
    .await
}

#[server(prefix = "/pocket/fn", endpoint = "disconnect")]
pub async fn disconnect(name: String) -> Result<RemoteState, AppError> {
    super::context::respond(async {
        Ok(crate::server::remotes::disconnect(&super::context::state()?, &name).await?)
    })
    .await
}

/// `connection_diagnostics`: the redacted report to copy.
#[server(prefix = "/pocket/fn", endpoint = "connection_diagnostics")]
pub async fn connection_diagnostics(name: String) -> Result<String, AppError> {
    super::context::respond(async {
        Ok(crate::server::remotes::diagnostics(&super::context::state()?, &name).await?)
    })
    .await
}

/// `new_remote_chat`: a new chat in `directory`, an absolute path on the
/// connected remote `connection` (an opencode session bound to it; no
/// worktree: git stays the remote's business).
#[server(prefix = "/pocket/fn", endpoint = "new_remote_chat")]
pub async fn new_remote_chat(
    connection: String,
    directory: String,
) -> Result<ChatSummary, AppError> {
    super::context::respond(async {
        let directory = super::validate::remote_directory(&directory)?;
        let state = super::context::state()?;
        Ok(crate::server::remotes::new_chat(&state, &connection, directory).await?)
    })
    .await
}
