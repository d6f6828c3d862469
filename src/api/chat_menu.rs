//! The chat's ⋯ menu: rename, share / unshare, and its full diff.

use leptos::prelude::*;

use super::AppError;

/// The largest diff sent to the browser, in bytes.
pub const MAX_DIFF_BYTES: usize = 2_000_000;

/// `POST /pocket/fn/rename_chat`: sets the session's title.
#[server(prefix = "/pocket/fn", endpoint = "rename_chat")]
pub async fn rename_chat(
    repo: String,
    chat_id: String,
    session_id: String,
    title: String,
) -> Result<String, AppError> {
    super::context::respond(async {
        let title = super::validate::title(&title)?;
        let (_, chat) = super::context::chat(&repo, &chat_id).await?;
        let id = chat.session(&session_id).await?;
        Ok(chat
            .client
            .rename_session(&chat.dir, id, title)
            .await?
            .title)
    })
    .await
}

/// `POST /pocket/fn/share_chat`: shares the session (its public link) or,
/// with `share=false`, stops sharing it (`None`).
#[server(prefix = "/pocket/fn", endpoint = "share_chat")]
pub async fn share_chat(
    repo: String,
    chat_id: String,
    session_id: String,
    share: bool,
) -> Result<Option<String>, AppError> {
    super::context::respond(async {
        let (_, chat) = super::context::chat(&repo, &chat_id).await?;
        let id = chat.session(&session_id).await?;
        let session = chat.client.share_session(&chat.dir, id, share).await?;
        // opencode 1.18 still reports the old link after unsharing (the
        // share service has dropped it by then): unshared means no link.
        Ok(session.share.filter(|_| share).map(|s| s.url))
    })
    .await
}

/// `POST /pocket/fn/get_diff`: the chat's changes against the commit it
/// started from, as a unified diff (uncommitted and untracked included).
#[server(prefix = "/pocket/fn", endpoint = "get_diff")]
pub async fn get_diff(repo: String, chat_id: String) -> Result<String, AppError> {
    super::context::respond(async {
        let name = super::context::worktree_name(&repo, &chat_id)?;
        let store = &super::context::state()?.git;
        Ok(crate::server::chats::diff_patch(store, &name, Some(MAX_DIFF_BYTES)).await?)
    })
    .await
}
