//! Sending a prompt that may start with a slash command: `/name args`
//! naming one of the chat's commands runs it the way opencode runs
//! commands (its template, agent and model); anything else is a prompt.

use std::time::Duration;

use super::MentionError;
use crate::model::mentions::command_call;
use crate::server::chats::{self, ChatRef, ChatTarget, PromptRequest};
use crate::server::opencode_client::CommandCall;
use crate::server::state::AppState;

/// opencode answers a command only when its turn is over; an error it
/// finds at once (a bad argument, a missing model) comes within this.
const EARLY_ERROR_WAIT: Duration = Duration::from_millis(1000);

/// The name of the chat's command `text` calls, if it calls one: `/usr/bin
/// …` or a typo calls none, and goes as a plain prompt.
pub async fn called_command(
    target: &ChatTarget,
    text: &str,
) -> Result<Option<String>, MentionError> {
    let Some((name, _)) = command_call(text) else {
        return Ok(None);
    };
    let commands = super::commands(target).await?;
    Ok(commands
        .iter()
        .any(|c| c.name == name)
        .then(|| name.to_owned()))
}

/// Sends `request` to session `id`: as a command when it calls one of the
/// chat's commands, else as a prompt.
pub async fn send(
    state: &AppState,
    target: &ChatTarget,
    id: &str,
    request: PromptRequest<'_>,
) -> Result<(), MentionError> {
    if called_command(target, request.text).await?.is_none() {
        return Ok(chats::send_prompt(state, target, id, request).await?);
    }
    let Some((name, arguments)) = command_call(request.text) else {
        return Ok(chats::send_prompt(state, target, id, request).await?);
    };
    if !request.images.is_empty() {
        return Err(MentionError::BadFile(
            "a command takes no photos: send them with a plain prompt".into(),
        ));
    }
    let ChatTarget { chat, client, dir } = target;
    if let ChatRef::Local(name) = chat {
        chats::ensure_agent_tools(state, name, dir).await;
    }
    let choices = client.choices(dir).await?;
    let model = request.model.filter(|m| !m.is_empty());
    let agent = request.agent.filter(|a| !a.is_empty());
    chats::check_choice(&choices, model, agent, 0)?;
    let (client, dir, id_owned) = (client.clone(), dir.clone(), id.to_owned());
    let (name, arguments) = (name.to_owned(), arguments.to_owned());
    let (model, agent) = (model.map(str::to_owned), agent.map(str::to_owned));
    let files = request.files.to_vec();
    let mut run = tokio::spawn(async move {
        let call = CommandCall {
            name: &name,
            arguments: &arguments,
            model: model.as_deref(),
            agent: agent.as_deref(),
            files: &files,
        };
        let result = client.run_command(&dir, &id_owned, &call).await;
        if let Err(error) = &result {
            tracing::warn!(%error, command = name, "command failed");
        }
        result
    });
    // Dropping the handle after the wait leaves the command running.
    if let Ok(Ok(Err(error))) = tokio::time::timeout(EARLY_ERROR_WAIT, &mut run).await {
        return Err(error.into());
    }
    state.events.resume(id);
    Ok(())
}
