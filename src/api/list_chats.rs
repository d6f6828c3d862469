//! `POST /pocket/fn/list_chats`: every chat (worktree + session), most
//! recently active first, then the recent chats of each connected remote
//! (repo `@<connection>`). A remote that fails to answer is left out (and
//! logged) rather than failing the list.

use leptos::prelude::*;

use super::AppError;
use crate::repos::ChatSummary;

#[server(prefix = "/pocket/fn", endpoint = "list_chats")]
pub async fn list_chats() -> Result<Vec<ChatSummary>, AppError> {
    super::context::respond(async {
        let (client, state) = super::context::opencode().await?;
        let mut chats = crate::server::chats::list_chats(&state.git, &client).await?;
        for name in state.ssh.connected() {
            let Some(remote) = state.ssh.client(&name) else {
                continue;
            };
            super::chat_context::watch_remote(&state, &name);
            match remote
                .recent_root_sessions(crate::server::ssh::LISTED_SESSIONS)
                .await
            {
                Ok(sessions) => chats.extend(
                    sessions
                        .into_iter()
                        .map(|session| crate::server::ssh::as_chat(&name, session)),
                ),
                Err(error) => {
                    tracing::warn!(connection = %name, %error, "cannot list a remote's chats")
                }
            }
        }
        chats.sort_by_key(|chat| std::cmp::Reverse(chat.updated));
        Ok(chats)
    })
    .await
}
