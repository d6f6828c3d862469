//! `POST /pocket/fn/new_remote_chat`: a new chat in a directory on a
//! connected remote (an opencode session bound to it; no worktree: git
//! stays the remote's business).

use leptos::prelude::*;

use super::AppError;
use crate::repos::ChatSummary;

/// `directory` is an absolute path on the remote machine.
#[server(prefix = "/pocket/fn", endpoint = "new_remote_chat")]
pub async fn new_remote_chat(
    connection: String,
    directory: String,
) -> Result<ChatSummary, AppError> {
    super::context::respond(async {
        let directory = super::validate::remote_directory(&directory)?;
        let state = super::context::state()?;
        let client = super::chat_context::remote_client(&state, &connection).await?;
        let dir = std::path::Path::new(directory);
        if !client.is_directory(dir).await? {
            return Err(AppError::BadRequest(format!(
                "there is no directory {directory} on {connection}: give the full path of an existing one"
            )));
        }
        let session = client.create_session(dir).await?;
        tracing::info!(%connection, session = %session.id, "new remote chat");
        Ok(crate::server::ssh::as_chat(&connection, session))
    })
    .await
}
