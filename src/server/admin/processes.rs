//! `/admin/processes`: orphans the agent left behind, and killing them.

use std::time::Duration;

use axum::Json;
use axum::extract::rejection::{PathRejection, QueryRejection};
use axum::extract::{Path, Query, State};
use serde::Deserialize;

use super::error::{AdminError, ErrorBody};
use crate::model::processes::{Killed, OrphanProcess};
use crate::server::state::AppState;
use crate::server::system;

/// The longest grace period between SIGTERM and SIGKILL.
const MAX_GRACE_MS: u64 = 30_000;

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct KillQuery {
    /// Milliseconds between SIGTERM and SIGKILL (default 3000, at most 30000).
    #[serde(default = "default_grace")]
    pub grace_ms: u64,
}

fn default_grace() -> u64 {
    3000
}

/// Processes whose parent is init or a reaper, running inside the data
/// directory (left behind by the agent's tools), oldest first.
#[utoipa::path(get, path = "/admin/processes", tag = "resources",
    responses((status = 200, body = Vec<OrphanProcess>)))]
pub async fn list_processes(
    State(state): State<AppState>,
) -> Result<Json<Vec<OrphanProcess>>, AdminError> {
    Ok(Json(system::list_orphans(state.known_services()).await?))
}

/// SIGTERM, then SIGKILL after the grace period. Refused for anything that
/// is not one of the listed orphans (PID 1, pocketcode, opencode, …).
#[utoipa::path(post, path = "/admin/processes/{pid}/kill", tag = "resources",
    params(("pid" = u32, Path), KillQuery),
    responses(
        (status = 200, body = Killed),
        (status = 400, body = ErrorBody),
        (status = 403, description = "not an orphan of pocketcode's", body = ErrorBody),
        (status = 404, body = ErrorBody),
    ))]
pub async fn kill_process(
    State(state): State<AppState>,
    path: Result<Path<String>, PathRejection>,
    query: Result<Query<KillQuery>, QueryRejection>,
) -> Result<Json<Killed>, AdminError> {
    let Path(pid) = path?;
    let Query(query) = query?;
    let pid: u32 = pid
        .parse()
        .map_err(|_| AdminError::BadRequest(format!("not a process id: {:?}", shorten(&pid))))?;
    if query.grace_ms > MAX_GRACE_MS {
        return Err(AdminError::BadRequest(format!(
            "grace_ms must be at most {MAX_GRACE_MS}"
        )));
    }
    let grace = Duration::from_millis(query.grace_ms);
    Ok(Json(
        system::kill_orphan(state.known_services(), pid, grace).await?,
    ))
}

fn shorten(text: &str) -> String {
    text.chars().take(40).collect()
}
