//! `POST /pocket/fn/info`: what the top bar shows.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use super::AppError;

/// pocketcode's and opencode's versions and state.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AppInfo {
    pub version: String,
    /// `starting`, `healthy`, `restarting`, `failed` or `stopped`.
    pub opencode_state: String,
    pub opencode_version: Option<String>,
    /// opencode's default model is pocketcode's scripted one (no API key set).
    pub scripted_model: bool,
    /// The agent runs inside the sandbox (false only with `--no-sandbox`).
    pub sandboxed: bool,
    /// The directory whose sessions the UI lists.
    pub workspace: String,
    /// opencode's last restart, while it is recent: the top bar says so.
    pub opencode_restart: Option<RecentRestart>,
}

/// A restart of an opencode that had been healthy, within the last hour.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecentRestart {
    /// `hung`, `exited` or `memory`.
    pub cause: String,
    pub reason: String,
    pub minutes_ago: u64,
}

#[server(prefix = "/pocket/fn", endpoint = "info")]
pub async fn get_info() -> Result<AppInfo, AppError> {
    let state = super::context::state()?;
    let status = state.supervisor.status();
    Ok(AppInfo {
        version: crate::VERSION.to_owned(),
        opencode_state: format!("{:?}", status.state).to_lowercase(),
        opencode_version: status.version,
        scripted_model: state.scripted_model,
        sandboxed: state.sandboxed,
        workspace: state.workspace.display().to_string(),
        opencode_restart: status.last_restart.and_then(recent),
    })
}

/// Older restarts are history, not news.
#[cfg(feature = "ssr")]
fn recent(restart: crate::server::supervisor::LastRestart) -> Option<RecentRestart> {
    let age = restart.age();
    (age < std::time::Duration::from_secs(3600)).then(|| RecentRestart {
        cause: restart.cause.to_string(),
        reason: restart.reason,
        minutes_ago: age.as_secs() / 60,
    })
}
