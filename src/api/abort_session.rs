//! `POST /pocket/fn/abort_session`: stop what the agent is doing in a session.

use leptos::prelude::*;

use super::AppError;

/// Returns whether there was work to stop.
#[server(prefix = "/pocket/fn", endpoint = "abort_session")]
pub async fn abort_session(session_id: String) -> Result<bool, AppError> {
    super::context::respond(async {
        let id = super::validate::session_id(&session_id)?;
        let (client, state) = super::context::opencode().await?;
        Ok(client.abort(&state.workspace, id).await?)
    })
    .await
}
