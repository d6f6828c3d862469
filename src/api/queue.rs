//! `POST /pocket/fn/{get_queue, queue_prompt, edit_queued, move_queued,
//! delete_queued, steer_prompt}`: a chat's prompt queue (see
//! `server::queue`), and steering. Each change answers with the queue as
//! it is now; every tab hears of it through the live stream. A queued or
//! steered prompt carries what Send's does: the `@` files (`files`, one
//! path a line) and, in its text, a slash command.

// One argument per form field, in the browser's generated caller too (an
// `#[expect]` on the function misses the code `#[server]` generates).
#![allow(clippy::too_many_arguments)]

use leptos::prelude::*;

use super::AppError;
use crate::model::deferred::Deferred;
use crate::model::queue::PromptQueue;

/// Chat `chat_id`'s queue; empty for a remote chat (which has none).
#[server(prefix = "/pocket/fn", endpoint = "get_queue")]
pub async fn get_queue(repo: String, chat_id: String) -> Result<PromptQueue, AppError> {
    use crate::server::chats::{ChatRef, existing_worktree};

    super::context::respond(async {
        let state = super::context::state()?;
        let Ok(name) = ChatRef::parse(&repo, &chat_id)?.worktree().cloned() else {
            return Ok(PromptQueue::default());
        };
        existing_worktree(state.git.layout(), &name)?;
        Ok(state.queues.get(&name))
    })
    .await
}

/// Queues `text` (with the mode and model picked, and the files mentioned)
/// to be sent when the chat's session is next idle; a slash command in it
/// runs then. No photos: they go with Send or Steer. Answers the queue,
/// which the composer that calls it does not read (its part does, from the
/// chat's events): as JSON text, so the page need not carry its reader.
#[server(prefix = "/pocket/fn", endpoint = "queue_prompt")]
pub async fn queue_prompt(
    repo: String,
    chat_id: String,
    session_id: String,
    text: String,
    model: Option<String>,
    agent: Option<String>,
    attachments: Option<String>,
    files: Option<String>,
) -> Result<Deferred<PromptQueue>, AppError> {
    use crate::model::queue::QueuedPrompt;
    use crate::server::mentions;
    use crate::server::queue::{QueueChange, change_queue};

    super::context::respond(async {
        let text = super::validate::prompt_text(&text)?;
        if !super::attachments::parse(attachments.as_deref().unwrap_or_default())?.is_empty() {
            return Err(AppError::BadRequest(
                "a queued prompt is text only: send photos with Steer, or once the agent is done"
                    .into(),
            ));
        }
        let (state, chat) = super::context::chat(&repo, &chat_id).await?;
        let session_id = chat.session(&session_id).await?;
        let files = super::mentions::file_list(files.as_deref());
        mentions::check_files(&chat, &files).await?;
        let picked = |pick: Option<String>| pick.filter(|p| !p.is_empty());
        let prompt = QueuedPrompt {
            id: 0,
            text: text.to_owned(),
            model: picked(model),
            agent: picked(agent),
            files,
            command: mentions::called_command(&chat, text).await?,
        };
        let change = QueueChange::Add { session_id, prompt };
        Ok(Deferred::new(&change_queue(&state, &chat, change)?))
    })
    .await
}

/// Replaces the text of queued prompt `id` (409 once it was sent); its
/// files stay while their `@path` stays in the text.
#[server(prefix = "/pocket/fn", endpoint = "edit_queued")]
pub async fn edit_queued(
    repo: String,
    chat_id: String,
    id: u64,
    text: String,
) -> Result<PromptQueue, AppError> {
    use crate::server::queue::{QueueChange, change_queue};

    super::context::respond(async {
        let text = super::validate::prompt_text(&text)?;
        let (state, chat) = super::context::chat(&repo, &chat_id).await?;
        let command = crate::server::mentions::called_command(&chat, text).await?;
        let change = QueueChange::Edit { id, text, command };
        Ok(change_queue(&state, &chat, change)?)
    })
    .await
}

/// Moves queued prompt `id` to position `to` (0 is sent next).
#[server(prefix = "/pocket/fn", endpoint = "move_queued")]
pub async fn move_queued(
    repo: String,
    chat_id: String,
    id: u64,
    to: u32,
) -> Result<PromptQueue, AppError> {
    use crate::server::queue::{QueueChange, change_queue};

    super::context::respond(async {
        let (state, chat) = super::context::chat(&repo, &chat_id).await?;
        Ok(change_queue(&state, &chat, QueueChange::Move { id, to })?)
    })
    .await
}

/// Deletes queued prompt `id` (409 once it was sent).
#[server(prefix = "/pocket/fn", endpoint = "delete_queued")]
pub async fn delete_queued(
    repo: String,
    chat_id: String,
    id: u64,
) -> Result<PromptQueue, AppError> {
    use crate::server::queue::{QueueChange, change_queue};

    super::context::respond(async {
        let (state, chat) = super::context::chat(&repo, &chat_id).await?;
        Ok(change_queue(&state, &chat, QueueChange::Remove { id })?)
    })
    .await
}

/// Stops what the agent is doing and sends `text` at once, as Send does:
/// photos, `@` files (`files`) and a slash command included.
#[server(prefix = "/pocket/fn", endpoint = "steer_prompt")]
pub async fn steer_prompt(
    repo: String,
    chat_id: String,
    session_id: String,
    text: String,
    model: Option<String>,
    agent: Option<String>,
    attachments: Option<String>,
    files: Option<String>,
) -> Result<(), AppError> {
    use crate::server::chats::PromptRequest;

    super::context::respond(async {
        let prompt =
            super::context::prompt(&repo, &chat_id, &session_id, &text, attachments.as_deref())
                .await?;
        let files = super::mentions::file_list(files.as_deref());
        let files = crate::server::mentions::check_files(&prompt.chat, &files).await?;
        let request = PromptRequest {
            text: prompt.text,
            model: model.as_deref(),
            agent: agent.as_deref(),
            images: &prompt.images,
            files: &files,
        };
        Ok(
            crate::server::queue::steer(&prompt.state, &prompt.chat, prompt.session, request)
                .await?,
        )
    })
    .await
}
