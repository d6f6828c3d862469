//! `POST /pocket/fn/create_session`: a new session in the workspace.

use leptos::prelude::*;

use super::AppError;
use crate::opencode::Session;

#[server(prefix = "/pocket/fn", endpoint = "create_session")]
pub async fn create_session() -> Result<Session, AppError> {
    super::context::respond(async {
        let (client, state) = super::context::opencode().await?;
        Ok(client.create_session(&state.workspace).await?)
    })
    .await
}
