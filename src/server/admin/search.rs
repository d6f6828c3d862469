//! `/admin/search`: find text in every local chat's messages.

use axum::Json;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use serde::Deserialize;

use super::error::{AdminError, ErrorBody};
use crate::model::search::SearchResults;
use crate::server::search::{self, SearchError, SearchQuery};
use crate::server::state::AppState;

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct SearchParams {
    /// The text to find (case ignored; one line, 2 characters to 200 bytes).
    pub q: String,
}

/// The messages of every local chat that hold `q`: each chat's newest 3,
/// chats most recently active first, at most 100 hits.
#[utoipa::path(get, path = "/admin/search", tag = "chats", params(SearchParams),
    responses(
        (status = 200, body = SearchResults),
        (status = 400, body = ErrorBody),
        (status = 503, description = "opencode is not available", body = ErrorBody),
    ))]
pub async fn search_messages(
    State(state): State<AppState>,
    query: Result<Query<SearchParams>, QueryRejection>,
) -> Result<Json<SearchResults>, AdminError> {
    let Query(params) = query?;
    let run = async {
        let query = SearchQuery::parse(&params.q)?;
        search::search(&state, &query).await
    };
    match run.await {
        Ok(results) => Ok(Json(results)),
        Err(SearchError::Chat(e)) => Err(e.into()),
        Err(other) => Err(AdminError::Status(other.status(), other.to_string())),
    }
}
