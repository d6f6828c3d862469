//! `POST /pocket/fn/diff_stat`: what a chat changed, file by file, against
//! the commit it started from.

use leptos::prelude::*;

use super::AppError;
use crate::model::chats::DiffStat;

#[server(prefix = "/pocket/fn", endpoint = "diff_stat")]
pub async fn get_diff_stat(repo: String, chat_id: String) -> Result<DiffStat, AppError> {
    super::context::respond(async {
        let name = super::context::worktree_name(&repo, &chat_id)?;
        let store = &super::context::state()?.git;
        Ok(crate::server::chats::diff_stat(store, &name).await?)
    })
    .await
}
