//! `POST /pocket/fn/open_chat`: a chat (worktree, branch, session; or a
//! remote's session) with its transcript, for the chat page's first paint.

use leptos::prelude::*;

use super::AppError;
use crate::repos::OpenedChat;

#[server(prefix = "/pocket/fn", endpoint = "open_chat")]
pub async fn open_chat(repo: String, chat_id: String) -> Result<OpenedChat, AppError> {
    super::context::respond(async {
        let (client, dir) = super::chat_context::chat_target(&repo, &chat_id).await?;
        let chat = match crate::remotes::remote_connection(&repo) {
            Some(name) => crate::server::ssh::as_chat(name, client.find_session(&chat_id).await?),
            None => {
                let name = super::context::worktree_name(&repo, &chat_id)?;
                let state = super::context::state()?;
                super::browser::offer_tools(&state, name.as_string(), dir.clone());
                crate::server::chats::chat(&state.git, &client, &name)
                    .await?
                    .ok_or_else(|| AppError::NotFound(format!("no chat {chat_id} in {repo}")))?
            }
        };
        const PAGE: usize = crate::opencode::TRANSCRIPT_PAGE;
        let opened = async {
            match &chat.session_id {
                Some(id) => tokio::try_join!(
                    super::chat_context::transcript(&client, &dir, id, PAGE),
                    async { Ok(client.pending_asks(&dir, id).await?) },
                )
                .map(|(t, a)| (Some(t), a)),
                None => Ok((None, Default::default())),
            }
        };
        // Without the pickers the chat still opens (with opencode's defaults).
        let (opened, choices) = tokio::join!(opened, client.choices(&dir));
        let (transcript, asks) = opened?;
        let choices = choices
            .inspect_err(|e| tracing::warn!(error = %e, "models and modes unavailable"))
            .ok();
        Ok(OpenedChat {
            chat,
            transcript,
            asks,
            choices,
        })
    })
    .await
}
