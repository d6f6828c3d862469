//! `/admin/disk` and `/admin/gc`.

use std::time::Duration;

use axum::Json;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use serde::Deserialize;

use super::error::{AdminError, ErrorBody};
use crate::model::disk::{DiskUsage, GcReport};
use crate::server::chats;
use crate::server::state::AppState;

/// The longest idle limit accepted (ten years).
const MAX_AGE_LIMIT: u64 = 10 * 365 * 24 * 3600;

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct GcQuery {
    /// Only report what would be removed (the default).
    #[serde(default = "yes")]
    pub dry_run: bool,
    /// Idle limit in seconds instead of the configured one.
    #[serde(default)]
    pub max_age_seconds: Option<u64>,
}

fn yes() -> bool {
    true
}

/// Bytes used by the data directory, each clone and each worktree, and the
/// volume's size and free space.
#[utoipa::path(get, path = "/admin/disk", tag = "resources",
    responses((status = 200, body = DiskUsage)))]
pub async fn disk(State(state): State<AppState>) -> Result<Json<DiskUsage>, AdminError> {
    Ok(Json(state.git.disk_usage().await?))
}

/// Removes chat worktrees whose session is gone or that sat idle longer than
/// the limit; never ones with uncommitted changes (those are listed as kept).
#[utoipa::path(post, path = "/admin/gc", tag = "resources", params(GcQuery),
    responses(
        (status = 200, body = GcReport),
        (status = 400, body = ErrorBody),
        (status = 503, description = "opencode is not available", body = ErrorBody),
    ))]
pub async fn gc(
    State(state): State<AppState>,
    query: Result<Query<GcQuery>, QueryRejection>,
) -> Result<Json<GcReport>, AdminError> {
    let Query(query) = query?;
    let max_age = match query.max_age_seconds {
        Some(seconds) if seconds > MAX_AGE_LIMIT => {
            return Err(AdminError::BadRequest(format!(
                "max_age_seconds must be at most {MAX_AGE_LIMIT}"
            )));
        }
        Some(seconds) => Duration::from_secs(seconds),
        None => state.gc_max_age,
    };
    let report = chats::collect_garbage(&state, max_age, query.dry_run).await?;
    Ok(Json(report))
}
