//! `POST /pocket/fn/browser_state`, `start_browser`, `stop_browser`: a
//! local chat's shared browser (the panel itself talks over
//! [`crate::browser::SOCKET_PATH`]).

use leptos::prelude::*;

use super::AppError;
use crate::browser::BrowserStatus;

#[server(prefix = "/pocket/fn", endpoint = "browser_state")]
pub async fn browser_state(repo: String, chat_id: String) -> Result<BrowserStatus, AppError> {
    super::context::respond(async {
        let (state, key, _) = chat_browser(&repo, &chat_id)?;
        Ok(state.browsers.status(&key))
    })
    .await
}

/// Starts the chat's Chromium (or restarts a crashed one) and gives the
/// agent its browser tools; 409 when as many browsers run as allowed.
#[server(prefix = "/pocket/fn", endpoint = "start_browser")]
pub async fn start_browser(repo: String, chat_id: String) -> Result<BrowserStatus, AppError> {
    super::context::respond(async {
        let (state, key, dir) = chat_browser(&repo, &chat_id)?;
        // The tools go to the chat's instance, loaded again if it was disposed.
        state.instances.touch(&dir).await;
        Ok(state.browsers.start(&key, &dir).await?.status())
    })
    .await
}

#[server(prefix = "/pocket/fn", endpoint = "stop_browser")]
pub async fn stop_browser(repo: String, chat_id: String) -> Result<BrowserStatus, AppError> {
    super::context::respond(async {
        let (state, key, _) = chat_browser(&repo, &chat_id)?;
        state.browsers.stop(&key).await;
        Ok(BrowserStatus::Stopped)
    })
    .await
}

/// The state, the browser's key and the chat's worktree: 400 for remote
/// chats, 404 for chats that do not exist.
#[cfg(feature = "ssr")]
fn chat_browser(
    repo: &str,
    chat_id: &str,
) -> Result<(crate::server::state::AppState, String, std::path::PathBuf), AppError> {
    if let Some(name) = crate::remotes::remote_connection(repo) {
        return Err(AppError::BadRequest(format!(
            "the shared browser runs on this server, for local chats only, not for chats on {name}"
        )));
    }
    let state = super::context::state()?;
    let dir = super::chat_context::chat_dir(&state, repo, chat_id)?;
    let key = super::context::worktree_name(repo, chat_id)?.as_string();
    Ok((state, key, dir))
}

/// Gives the agent of a local chat its browser tools in the background
/// (a new or opened chat: they are usually there by its next prompt).
#[cfg(feature = "ssr")]
pub(crate) fn offer_tools(
    state: &crate::server::state::AppState,
    key: String,
    dir: std::path::PathBuf,
) {
    let browsers = state.browsers.clone();
    tokio::spawn(async move {
        if let Err(err) = browsers.give_tools(&key, &dir).await {
            tracing::warn!(chat = key, %err, "the agent gets no browser tools");
        }
    });
}

/// Gives the agent of a local chat its browser tools before a prompt
/// (quick when it has them); a failure is logged, the prompt still goes.
#[cfg(feature = "ssr")]
pub(crate) async fn ensure_tools(repo: &str, chat_id: &str, dir: &std::path::Path) {
    let Ok(name) = super::context::worktree_name(repo, chat_id) else {
        return;
    };
    let Ok(state) = super::context::state() else {
        return;
    };
    if let Err(err) = state.browsers.give_tools(&name.as_string(), dir).await {
        tracing::warn!(chat = chat_id, %err, "the agent gets no browser tools");
    }
}
