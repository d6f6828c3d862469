//! `POST /pocket/fn/open_chat`: a chat (worktree, branch, session; or a
//! remote's session) with its transcript, for the chat page's first paint.

use leptos::prelude::*;

use super::AppError;
use crate::model::chats::OpenedChat;

#[server(prefix = "/pocket/fn", endpoint = "open_chat")]
pub async fn open_chat(repo: String, chat_id: String) -> Result<OpenedChat, AppError> {
    super::context::respond(async {
        let (state, chat) = super::context::chat(&repo, &chat_id).await?;
        Ok(crate::server::chats::open_chat(&state, &chat).await?)
    })
    .await
}
