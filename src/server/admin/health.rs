//! `GET /admin/health`: whether pocketcode can serve chats, for anyone (a
//! platform's health check); pocketcode's version and the supervised
//! opencode's state (pid, port, binary, its last stderr lines) only with a
//! login, since those tell a stranger how to attack the machine.

use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use serde::Serialize;

use crate::server::state::AppState;
use crate::server::supervisor::{OpencodeState, OpencodeStatus, PINNED_OPENCODE_VERSION};

/// pocketcode's readiness in one word.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum HealthStatus {
    /// opencode is healthy: chats work.
    Ok,
    /// opencode is starting, or starting again after it stopped.
    Starting,
    /// opencode failed several starts in a row, or pocketcode is stopping.
    Down,
}

impl From<OpencodeState> for HealthStatus {
    fn from(state: OpencodeState) -> Self {
        match state {
            OpencodeState::Healthy => Self::Ok,
            OpencodeState::Starting | OpencodeState::Restarting => Self::Starting,
            OpencodeState::Failed | OpencodeState::Stopped => Self::Down,
        }
    }
}

/// The answer without a login: nothing but the status.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct PublicHealth {
    pub status: HealthStatus,
}

/// The answer with a login.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Health {
    pub status: HealthStatus,
    pub version: &'static str,
    pub opencode: OpencodeStatus,
    /// The opencode version pocketcode is tested against.
    pub opencode_pinned: &'static str,
    pub scripted_model: bool,
}

/// The details with a login, the status alone without.
#[derive(Debug, Serialize, utoipa::ToSchema)]
#[serde(untagged)]
pub enum HealthAnswer {
    Details(Health),
    Public(PublicHealth),
}

/// Answers 200 while opencode is healthy and 503 otherwise, so a platform
/// health check (Fly) sees a broken opencode. Public; only a request with
/// a valid session cookie gets the details.
#[utoipa::path(get, path = "/admin/health", tag = "health",
    responses(
        (status = 200, description = "opencode is healthy: `{\"status\": \"ok\"}` without a login, the details with one", body = HealthAnswer),
        (status = 503, description = "opencode is starting, restarting or down: `starting` or `down`, with the details for a login", body = HealthAnswer),
    ))]
pub async fn health(
    State(state): State<AppState>,
    headers: HeaderMap,
) -> (StatusCode, Json<HealthAnswer>) {
    let opencode = state.supervisor.status();
    let status = HealthStatus::from(opencode.state);
    let code = if status == HealthStatus::Ok {
        StatusCode::OK
    } else {
        StatusCode::SERVICE_UNAVAILABLE
    };
    if state.auth.session(&headers).is_err() {
        return (code, Json(HealthAnswer::Public(PublicHealth { status })));
    }
    let body = Health {
        status,
        version: crate::VERSION,
        opencode,
        opencode_pinned: PINNED_OPENCODE_VERSION,
        scripted_model: state.scripted_model,
    };
    (code, Json(HealthAnswer::Details(body)))
}
