//! `POST /pocket/fn/search_messages`: find text in every local chat's
//! messages (see `server::search`).

use leptos::prelude::*;

use super::AppError;
use crate::model::search::SearchResults;

/// The messages holding `query` (case ignored; 2 characters to 200 bytes,
/// one line), newest chat first.
#[server(prefix = "/pocket/fn", endpoint = "search_messages")]
pub async fn search_messages(query: String) -> Result<SearchResults, AppError> {
    super::context::respond(async move {
        let state = super::context::state()?;
        let query = crate::server::search::SearchQuery::parse(&query)?;
        Ok(crate::server::search::search(&state, &query).await?)
    })
    .await
}
