//! A local chat's shared browser, as the chat's use cases reach it: the
//! browser's key and worktree (refused for remote chats).

use std::path::PathBuf;

use super::chat_ref::existing_worktree;
use super::{ChatError, ChatRef};
use crate::model::browser::BrowserStatus;
use crate::server::state::AppState;

/// The browser's key and the chat's worktree: 400 for remote chats (the
/// browser runs on this server), 404 for chats that do not exist.
fn local_browser(state: &AppState, chat: &ChatRef) -> Result<(String, PathBuf), ChatError> {
    match chat {
        ChatRef::Local(name) => Ok((
            name.as_string(),
            existing_worktree(state.git.layout(), name)?,
        )),
        ChatRef::Remote { remote, .. } => Err(ChatError::Invalid(format!(
            "the shared browser runs on this server, for local chats only, not for chats on {remote}"
        ))),
    }
}

pub fn browser_state(state: &AppState, chat: &ChatRef) -> Result<BrowserStatus, ChatError> {
    let (key, _) = local_browser(state, chat)?;
    Ok(state.browsers.status(&key))
}

/// Starts the chat's Chromium (or restarts a crashed one) and gives the
/// agent its browser tools; 409 when as many browsers run as allowed.
pub async fn start_browser(state: &AppState, chat: &ChatRef) -> Result<BrowserStatus, ChatError> {
    let (key, dir) = local_browser(state, chat)?;
    // The tools go to the chat's instance, loaded again if it was disposed.
    state.instances.touch(&dir).await;
    Ok(state.browsers.start(&key, &dir).await?.status())
}

pub async fn stop_browser(state: &AppState, chat: &ChatRef) -> Result<BrowserStatus, ChatError> {
    let (key, _) = local_browser(state, chat)?;
    state.browsers.stop(&key).await;
    Ok(BrowserStatus::Stopped)
}
