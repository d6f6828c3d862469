//! Prompting a chat: the agent gets its tools (local chats), the
//! model and mode picked are checked against the chat's choices, and the
//! prompt is queued; the reply streams in through the live events.

use super::{ChatError, ChatRef, ChatTarget};
use crate::opencode::Choices;
use crate::server::opencode_client::{Prompt, PromptFile, PromptImage};
use crate::server::state::AppState;

/// A prompt as the user sent it: `model` is `provider/model` and `agent` a
/// primary agent, both from the chat's choices (the configured defaults
/// when absent or empty).
pub struct PromptRequest<'a> {
    pub text: &'a str,
    pub model: Option<&'a str>,
    pub agent: Option<&'a str>,
    pub images: &'a [PromptImage],
    /// Files mentioned with `@`, checked (see `server::mentions`).
    pub files: &'a [PromptFile],
}

/// Queues `request` in session `id` of the chat.
pub async fn send_prompt(
    state: &AppState,
    target: &ChatTarget,
    id: &str,
    request: PromptRequest<'_>,
) -> Result<(), ChatError> {
    let ChatTarget { chat, client, dir } = target;
    if let ChatRef::Local(name) = chat {
        super::ensure_agent_tools(state, name, dir).await;
    }
    // Left out, opencode would reuse the session's last model: name the
    // default instead, so "no pick" always means the configured default.
    let choices = client.choices(dir).await?;
    let model = request.model.filter(|m| !m.is_empty());
    let agent = request.agent.filter(|a| !a.is_empty());
    check_choice(&choices, model, agent, request.images.len())?;
    let model = model.or(choices.default_model.as_deref());
    let agent = agent.or(choices.default_agent.as_deref());
    let prompt = Prompt {
        text: request.text,
        model: model.and_then(crate::opencode::split_model_id),
        agent,
        images: request.images,
        files: request.files,
    };
    client.prompt(dir, id, &prompt).await?;
    // Once opencode took it: an interrupted chat waits no longer.
    state.events.resume(id);
    Ok(())
}

/// The model and agent picked exist, and the model takes the images sent
/// (with no model picked, opencode's default must take them).
pub fn check_choice(
    choices: &Choices,
    model: Option<&str>,
    agent: Option<&str>,
    images: usize,
) -> Result<(), ChatError> {
    let picked = match model {
        Some(id) => Some(choices.model(id).ok_or_else(|| {
            ChatError::Invalid(format!(
                "opencode has no model {id}; pick one of the chat's models"
            ))
        })?),
        None => choices
            .default_model
            .as_deref()
            .and_then(|id| choices.model(id)),
    };
    if let Some(name) = agent
        && choices.agent(name).is_none()
    {
        return Err(ChatError::Invalid(format!(
            "opencode has no mode {name}; pick one of the chat's modes"
        )));
    }
    match picked {
        Some(model) if images > 0 && !model.images => Err(ChatError::Invalid(format!(
            "{} does not take images; pick a model that does, or remove the images",
            model.name
        ))),
        _ => Ok(()),
    }
}
