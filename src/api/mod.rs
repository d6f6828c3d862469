//! Server functions: thin HTTP endpoints under `/pocket/fn/` (opencode owns
//! `/api/*`), shared by the server (which runs them) and the browser (which
//! calls them). Each validates its input, calls server code, maps errors.

mod abort_session;
mod chat_summaries;
#[cfg(feature = "ssr")]
mod context;
mod create_session;
mod error;
mod get_info;
mod get_transcript;
mod list_sessions;
pub mod live;
mod send_prompt;
pub mod validate;

pub use abort_session::{AbortSession, abort_session};
pub use chat_summaries::{ChatSummaries, MarkChatRead, chat_summaries, mark_chat_read};
pub use create_session::{CreateSession, create_session};
pub use error::AppError;
pub use get_info::{AppInfo, GetInfo, get_info};
pub use get_transcript::{GetTranscript, get_transcript};
pub use list_sessions::{ListSessions, list_sessions};
pub use send_prompt::{SendPrompt, send_prompt};

/// Where every server function of pocketcode lives.
pub const PREFIX: &str = "/pocket/fn";
