//! `POST /pocket/fn/add_repo`: clone a repo (`owner/name`, an https URL or
//! a local path) unless it is already there.

use leptos::prelude::*;

use super::AppError;
use crate::model::repos::AddedRepo;

#[server(prefix = "/pocket/fn", endpoint = "add_repo")]
pub async fn add_repo(source: String) -> Result<AddedRepo, AppError> {
    super::context::respond(async {
        let source = crate::server::git::RepoSource::parse(&source)?;
        let state = super::context::state()?;
        Ok(state.git.add_repo(source).await?)
    })
    .await
}
