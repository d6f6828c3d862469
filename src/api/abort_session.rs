//! `POST /pocket/fn/abort_session`: stop what the agent is doing in a chat.

use leptos::prelude::*;

use super::AppError;

/// Returns whether there was work to stop.
#[server(prefix = "/pocket/fn", endpoint = "abort_session")]
pub async fn abort_session(
    repo: String,
    chat_id: String,
    session_id: String,
) -> Result<bool, AppError> {
    super::context::respond(async {
        let (client, dir) = super::chat_context::chat_target(&repo, &chat_id).await?;
        let id = super::chat_context::chat_session(&client, &dir, &session_id).await?;
        Ok(client.abort(&dir, id).await?)
    })
    .await
}
