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
        let (_, chat) = super::context::chat(&repo, &chat_id).await?;
        let id = chat.session(&session_id).await?;
        Ok(chat.client.abort(&chat.dir, id).await?)
    })
    .await
}
