//! The agent's own tools, given to a local chat's instance when the chat
//! opens or is prompted: its browser tools and its `push_branch` tool.
//! A failure is logged; the chat works on without that tool.

use std::path::{Path, PathBuf};

use crate::server::git::WorktreeName;
use crate::server::state::AppState;

/// Gives the agent of local chat `name` its tools in the background (a new
/// or opened chat: they are usually there by its next prompt).
pub fn offer_agent_tools(state: &AppState, name: &WorktreeName, dir: PathBuf) {
    let state = state.clone();
    let name = name.clone();
    tokio::spawn(async move { ensure_agent_tools(&state, &name, &dir).await });
}

/// Gives the agent of local chat `name` its tools before a prompt (quick
/// when it has them); the prompt goes either way.
pub async fn ensure_agent_tools(state: &AppState, name: &WorktreeName, dir: &Path) {
    let key = name.as_string();
    let (browser, push) = tokio::join!(
        state.browsers.give_tools(&key, dir),
        state.agent_push.give(name, dir)
    );
    if let Err(err) = browser {
        tracing::warn!(chat = %name, %err, "the agent gets no browser tools");
    }
    if let Err(err) = push {
        tracing::warn!(chat = %name, %err, "the agent gets no push tool");
    }
}
