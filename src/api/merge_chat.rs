//! `POST /pocket/fn/merge_chat`: merges a chat's branch into the repo's
//! default branch on the server (`mode`: `auto`, the default, `ff_only` or
//! `merge`). A conflict is a 409 naming the files.

use leptos::prelude::*;

use super::AppError;
use crate::model::changes::MergeOutcome;

#[server(prefix = "/pocket/fn", endpoint = "merge_chat")]
pub async fn merge_chat(
    repo: String,
    chat_id: String,
    mode: Option<String>,
) -> Result<MergeOutcome, AppError> {
    super::context::respond(async {
        let name = super::context::worktree_name(&repo, &chat_id)?;
        let mode = crate::model::changes::MergeMode::parse(mode.as_deref().unwrap_or_default())
            .map_err(AppError::BadRequest)?;
        let state = super::context::state()?;
        Ok(crate::server::chats::merge(&state, &name, mode).await?)
    })
    .await
}
