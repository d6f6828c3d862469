//! `POST /pocket/fn/send_prompt`: queue a prompt in a chat, with the model
//! and mode picked, the images attached and the files mentioned; a prompt
//! starting with one of the chat's slash commands runs that command. The
//! reply streams in through the live events.

// One argument per form field, in the browser's generated caller too (an
// `#[expect]` on the function misses the code `#[server]` generates).
#![allow(clippy::too_many_arguments)]

use leptos::prelude::*;

use super::AppError;

/// `model` is `provider/model` and `agent` a primary agent, both from the
/// chat's choices (the configured defaults when absent or empty); `attachments`
/// is the JSON list of [`super::Attachment`]s (absent or empty: none);
/// `files` the worktree files mentioned with `@`, one relative path a line.
#[server(prefix = "/pocket/fn", endpoint = "send_prompt")]
pub async fn send_prompt(
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
    use crate::server::mentions;

    super::context::respond(async {
        let prompt =
            super::context::prompt(&repo, &chat_id, &session_id, &text, attachments.as_deref())
                .await?;
        let files = super::mentions::file_list(files.as_deref());
        let files = mentions::check_files(&prompt.chat, &files).await?;
        let request = PromptRequest {
            text: prompt.text,
            model: model.as_deref(),
            agent: agent.as_deref(),
            images: &prompt.images,
            files: &files,
        };
        Ok(mentions::send(&prompt.state, &prompt.chat, prompt.session, request).await?)
    })
    .await
}
