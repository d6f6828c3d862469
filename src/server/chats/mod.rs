//! Chats: a worktree per chat joined with the opencode session working in
//! it (or a connected remote's session). There is no database: the
//! session's `directory` is the link. These are the use cases both the
//! server functions and `/admin/*` call; a request's chat is resolved once
//! into a [`ChatRef`].

mod agent_tools;
mod asks;
mod browser;
mod chat_ref;
mod commit_message;
mod create;
mod delete;
mod diff;
mod error;
mod fork;
mod gc;
mod list;
mod live;
mod messages;
mod open;
mod prompt;
mod shipping;
mod trust;

pub use asks::{answer_permission, answer_question};
pub use browser::{browser_state, start_browser, stop_browser};
pub use chat_ref::{ChatRef, ChatTarget, existing_worktree};
pub use commit_message::write_commit_message;
pub use create::new_chat;
pub use delete::{delete_chat, delete_repo};
pub use diff::{diff_patch, diff_stat};
pub use error::ChatError;
pub use fork::fork_chat;
pub use gc::collect_garbage;
pub use list::{chat, list_all_chats, list_chats};
pub use live::{watch_chat, watch_session_directories};
pub use messages::{ChatMessages, every_chat_messages};
pub use open::{open_chat, shown, transcript};
pub use prompt::{PromptRequest, check_choice, send_prompt};
pub use shipping::{changes, commit, merge};
pub use trust::set_repo_trust;

pub use agent_tools::ensure_agent_tools;
use agent_tools::offer_agent_tools;
use live::forget_removed_chats;
