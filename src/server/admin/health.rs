//! `GET /admin/health`: pocketcode's version and the supervised opencode's state.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde::Serialize;

use crate::server::state::AppState;
use crate::server::supervisor::{OpencodeState, OpencodeStatus, PINNED_OPENCODE_VERSION};

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Health {
    /// `ok` when opencode is healthy, `degraded` otherwise.
    pub status: &'static str,
    pub version: &'static str,
    pub opencode: OpencodeStatus,
    /// The opencode version pocketcode is tested against.
    pub opencode_pinned: &'static str,
    pub scripted_model: bool,
}

/// Answers 200 while opencode is healthy and 503 otherwise, so a platform
/// health check (Fly) sees a broken opencode; the body says why either way.
#[utoipa::path(get, path = "/admin/health", tag = "health",
    responses(
        (status = 200, description = "opencode is healthy", body = Health),
        (status = 503, description = "opencode is starting, restarting or down", body = Health),
    ))]
pub async fn health(State(state): State<AppState>) -> (StatusCode, Json<Health>) {
    let opencode = state.supervisor.status();
    let healthy = opencode.state == OpencodeState::Healthy;
    let code = if healthy {
        StatusCode::OK
    } else {
        StatusCode::SERVICE_UNAVAILABLE
    };
    let body = Health {
        status: if healthy { "ok" } else { "degraded" },
        version: crate::VERSION,
        opencode,
        opencode_pinned: PINNED_OPENCODE_VERSION,
        scripted_model: state.scripted_model,
    };
    (code, Json(body))
}
