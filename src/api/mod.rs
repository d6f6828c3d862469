//! Server functions: thin HTTP endpoints under `/pocket/fn/` (opencode owns
//! `/api/*`), shared by the server (which runs them) and the browser (which
//! calls them). Each validates its input, calls server code, maps errors.

mod abort_session;
mod add_repo;
mod asks;
pub mod attachments;
mod browser;
mod chat_menu;
mod chat_shown;
mod chat_summaries;
mod commit_chat;
#[cfg(feature = "ssr")]
pub(crate) mod context;
mod delete_chat;
mod diff_stat;
mod error;
mod files;
mod get_changes;
mod get_info;
mod get_transcript;
mod list_chats;
mod list_github_repos;
mod list_repos;
mod mentions;
mod merge_chat;
mod new_chat;
mod open_chat;
mod pull_request;
mod push;
mod push_chat;
mod queue;
mod remotes;
mod resources;
mod review;
mod search;
mod send_prompt;
mod set_repo_trust;
mod undo;
mod usage;
pub mod validate;
mod voice;
mod write_commit_message;

pub use abort_session::{AbortSession, abort_session};
pub use add_repo::{AddRepo, add_repo};
pub use asks::{
    AnswerPermission, AnswerQuestion, GetPendingAsks, answer_permission, answer_question,
    get_pending_asks,
};
pub use attachments::Attachment;
pub use browser::{
    BrowserState, StartBrowser, StopBrowser, browser_state, start_browser, stop_browser,
};
pub use chat_menu::{
    GetDiff, MAX_DIFF_BYTES, RenameChat, ShareChat, get_diff, rename_chat, share_chat,
};
pub use chat_shown::{CHAT_SHOWN_EVERY_SECS, ChatShown, chat_shown};
pub use chat_summaries::{ChatSummaries, MarkChatRead, chat_summaries, mark_chat_read};
pub use commit_chat::{CommitChat, commit_chat};
pub use delete_chat::{DeleteChat, delete_chat};
pub use diff_stat::{GetDiffStat, get_diff_stat};
pub use error::AppError;
pub use files::{ListFiles, ReadFile, list_files, read_file};
pub use get_changes::{GetChanges, get_changes};
pub use get_info::{AppInfo, GetInfo, RecentRestart, get_info};
pub use get_transcript::{GetTranscript, get_transcript};
pub use list_chats::{ListChats, list_chats};
pub use list_github_repos::{ListGithubRepos, list_github_repos};
pub use list_repos::{ListRepos, list_repos};
pub use mentions::{FindFiles, ListCommands, find_files, list_commands};
pub use merge_chat::{MergeChat, merge_chat};
pub use new_chat::{NewChat, new_chat};
pub use open_chat::{OpenChat, open_chat};
pub use push::{
    PushKey, PushSubscribe, PushUnsubscribe, push_key, push_subscribe, push_unsubscribe,
};
pub use remotes::{
    Connect, ConnectionDiagnostics, DeleteConnection, Disconnect, ListConnections, NewRemoteChat,
    SaveConnection, UseOpenConnection, connect, connection_diagnostics, delete_connection,
    disconnect, list_connections, new_remote_chat, save_connection, use_open_connection,
};
pub use resources::{
    CollectGarbage, DeleteRepo, GetDiskUsage, GetOpencodeMemory, KillProcess, ListOrphans,
    collect_garbage, delete_repo, get_disk_usage, get_opencode_memory, kill_process, list_orphans,
};
pub use review::{
    AddReviewComment, DeleteReviewComment, EditReviewComment, GetReview, GetReviewDiff, SendReview,
    add_review_comment, delete_review_comment, edit_review_comment, get_review, get_review_diff,
    send_review,
};
pub use send_prompt::{SendPrompt, send_prompt};
pub use set_repo_trust::{SetRepoTrust, set_repo_trust};
pub use undo::{ForkChat, RedoUndone, UndoFrom, fork_chat, redo_undone, undo_from};
pub use voice::{GetVoiceSetup, get_voice_setup};
pub use write_commit_message::{WriteCommitMessage, write_commit_message};

pub use pull_request::{
    ClosePullRequest, GetPullRequest, MAX_PULL_BODY_CHARS, MergePullRequest, OpenPullRequest,
    close_pull_request, get_pull_request, merge_pull_request, open_pull_request,
};
pub use push_chat::{PushChat, push_chat};
pub use queue::{
    DeleteQueued, EditQueued, GetQueue, MoveQueued, QueuePrompt, SteerPrompt, delete_queued,
    edit_queued, get_queue, move_queued, queue_prompt, steer_prompt,
};
pub use search::{SearchMessages, search_messages};
pub use usage::{GetChatUsage, GetUsageReport, get_chat_usage, get_usage_report};

/// Where every server function of pocketcode lives.
pub const PREFIX: &str = "/pocket/fn";
