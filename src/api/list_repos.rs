//! `POST /pocket/fn/list_repos`: the cloned repos and the clones under way.

use leptos::prelude::*;

use super::AppError;
use crate::model::repos::RepoList;

#[server(prefix = "/pocket/fn", endpoint = "list_repos")]
pub async fn list_repos() -> Result<RepoList, AppError> {
    super::context::respond(async {
        let state = super::context::state()?;
        Ok(RepoList {
            repos: state.git.repos().await?,
            cloning: state.git.clones_in_flight(),
        })
    })
    .await
}
