//! `POST /pocket/fn/chat_shown`: the chat page's beacon, sent while a tab
//! shows a local chat (on opening, then every 30 s while the tab is
//! visible). A shown chat keeps its opencode instance: pocketcode disposes
//! only the instances of chats nobody needs (see `server::instances`).

use leptos::prelude::*;

use super::AppError;

/// How often the chat page says so while it is visible.
pub const CHAT_SHOWN_EVERY_SECS: u32 = 30;

/// Remote chats' instances are their own opencode's: nothing to keep here.
#[server(prefix = "/pocket/fn", endpoint = "chat_shown")]
pub async fn chat_shown(repo: String, chat_id: String) -> Result<(), AppError> {
    super::context::respond(async {
        let chat = crate::server::chats::ChatRef::parse(&repo, &chat_id)?;
        Ok(crate::server::chats::shown(
            &super::context::state()?,
            &chat,
        )?)
    })
    .await
}
