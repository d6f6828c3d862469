//! `POST /pocket/fn/send_prompt`: queue a text prompt; the reply streams in
//! through opencode's events.

use leptos::prelude::*;

use super::AppError;

#[server(prefix = "/pocket/fn", endpoint = "send_prompt")]
pub async fn send_prompt(session_id: String, text: String) -> Result<(), AppError> {
    super::context::respond(async {
        let id = super::validate::session_id(&session_id)?;
        let text = super::validate::prompt_text(&text)?;
        let (client, state) = super::context::opencode().await?;
        Ok(client.prompt(&state.workspace, id, text).await?)
    })
    .await
}
