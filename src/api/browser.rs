//! `POST /pocket/fn/browser_state`, `start_browser`, `stop_browser`: a
//! local chat's shared browser (the panel itself talks over
//! [`crate::model::browser::SOCKET_PATH`]).

use leptos::prelude::*;

use super::AppError;
use crate::model::browser::BrowserStatus;

#[server(prefix = "/pocket/fn", endpoint = "browser_state")]
pub async fn browser_state(repo: String, chat_id: String) -> Result<BrowserStatus, AppError> {
    use crate::server::chats::{self, ChatRef};
    super::context::respond(async {
        let chat = ChatRef::parse(&repo, &chat_id)?;
        Ok(chats::browser_state(&super::context::state()?, &chat)?)
    })
    .await
}

/// Starts the chat's Chromium (or restarts a crashed one) and gives the
/// agent its browser tools; 409 when as many browsers run as allowed.
#[server(prefix = "/pocket/fn", endpoint = "start_browser")]
pub async fn start_browser(repo: String, chat_id: String) -> Result<BrowserStatus, AppError> {
    use crate::server::chats::{self, ChatRef};
    super::context::respond(async {
        let chat = ChatRef::parse(&repo, &chat_id)?;
        Ok(chats::start_browser(&super::context::state()?, &chat).await?)
    })
    .await
}

#[server(prefix = "/pocket/fn", endpoint = "stop_browser")]
pub async fn stop_browser(repo: String, chat_id: String) -> Result<BrowserStatus, AppError> {
    use crate::server::chats::{self, ChatRef};
    super::context::respond(async {
        let chat = ChatRef::parse(&repo, &chat_id)?;
        Ok(chats::stop_browser(&super::context::state()?, &chat).await?)
    })
    .await
}
