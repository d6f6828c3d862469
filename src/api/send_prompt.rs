//! `POST /pocket/fn/send_prompt`: queue a prompt in a chat, with the model
//! and mode picked and the images attached; the reply streams in through
//! the live events.

use leptos::prelude::*;

use super::AppError;

/// `model` is `provider/model` and `agent` a primary agent, both from the
/// chat's choices (the configured defaults when absent or empty); `attachments`
/// is the JSON list of [`super::Attachment`]s (absent or empty: none).
#[server(prefix = "/pocket/fn", endpoint = "send_prompt")]
pub async fn send_prompt(
    repo: String,
    chat_id: String,
    session_id: String,
    text: String,
    model: Option<String>,
    agent: Option<String>,
    attachments: Option<String>,
) -> Result<(), AppError> {
    use crate::server::opencode_client::Prompt;

    super::context::respond(async {
        let text = super::validate::prompt_text(&text)?;
        let images = super::attachments::parse(attachments.as_deref().unwrap_or_default())?;
        let (client, dir) = super::chat_context::chat_target(&repo, &chat_id).await?;
        let id = super::chat_context::chat_session(&client, &dir, &session_id).await?;
        if crate::remotes::remote_connection(&repo).is_none() {
            super::browser::ensure_tools(&repo, &chat_id, &dir).await;
        }
        // Left out, opencode would reuse the session's last model: name the
        // default instead, so "no pick" always means the configured default.
        let choices = client.choices(&dir).await?;
        let model = model.as_deref().filter(|m| !m.is_empty());
        let agent = agent.as_deref().filter(|a| !a.is_empty());
        super::validate::choice(&choices, model, agent, images.len())?;
        let model = model.or(choices.default_model.as_deref());
        let agent = agent.or(choices.default_agent.as_deref());
        let prompt = Prompt {
            text,
            model: model.and_then(crate::opencode::split_model_id),
            agent,
            images: &images,
        };
        client.prompt(&dir, id, &prompt).await?;
        // Once opencode took it: an interrupted chat waits no longer.
        super::context::state()?.events.resume(id);
        Ok(())
    })
    .await
}
