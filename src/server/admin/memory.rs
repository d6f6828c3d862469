//! `/admin/memory`: opencode's memory against its budget.

use axum::Json;
use axum::extract::State;

use super::error::AdminError;
use crate::model::memory::OpencodeMemory;
use crate::server::state::AppState;

/// Resident memory of opencode's process tree, measured now, the budget
/// (`--opencode-memory-mb`), the opencode instances alive, and what the
/// budget did last, in words too.
#[utoipa::path(get, path = "/admin/memory", tag = "resources",
    responses((status = 200, body = OpencodeMemory)))]
pub async fn memory(State(state): State<AppState>) -> Result<Json<OpencodeMemory>, AdminError> {
    Ok(Json(state.memory.now().await?))
}
