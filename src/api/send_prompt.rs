//! `POST /pocket/fn/send_prompt`: queue a text prompt in a chat; the reply
//! streams in through the live events.

use leptos::prelude::*;

use super::AppError;

#[server(prefix = "/pocket/fn", endpoint = "send_prompt")]
pub async fn send_prompt(
    repo: String,
    chat_id: String,
    session_id: String,
    text: String,
) -> Result<(), AppError> {
    super::context::respond(async {
        let text = super::validate::prompt_text(&text)?;
        let (client, state) = super::context::opencode().await?;
        let dir = super::chat_context::chat_dir(&state, &repo, &chat_id)?;
        let id = super::chat_context::chat_session(&client, &dir, &session_id).await?;
        Ok(client.prompt(&dir, id, text).await?)
    })
    .await
}
