//! `POST /pocket/fn/list_github_repos`: the repo picker's GitHub list, or
//! a message saying `GITHUB_TOKEN` is not set.

use leptos::prelude::*;

use super::AppError;
use crate::model::repos::GithubListing;

#[server(prefix = "/pocket/fn", endpoint = "list_github_repos")]
pub async fn list_github_repos() -> Result<GithubListing, AppError> {
    super::context::respond(async {
        let state = super::context::state()?;
        state
            .github
            .list_repos()
            .await
            .map_err(|e| AppError::Remote(e.to_string()))
    })
    .await
}
