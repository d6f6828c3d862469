//! Chats: a worktree per chat joined with the opencode session working in
//! it. There is no database: the session's `directory` is the link.

mod create;
mod delete;
mod gc;
mod list;
mod live;
mod trust;

pub use create::new_chat;
pub use delete::{delete_chat, delete_repo};
pub use gc::collect_garbage;
pub use list::{chat, list_chats};
pub use live::{forget_removed, watch_chat, watch_session_directories};
pub use trust::set_repo_trust;

use crate::server::git::GitError;
use crate::server::opencode_client::OpencodeClientError;

#[derive(Debug, thiserror::Error)]
pub enum ChatError {
    #[error(transparent)]
    Git(#[from] GitError),
    #[error(transparent)]
    Opencode(#[from] OpencodeClientError),
}
