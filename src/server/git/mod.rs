//! Repos and a worktree per chat, with git2: clone on first use, fetch,
//! create and remove worktrees, diffs, disk usage, which repos are trusted
//! to run their own opencode config. Blocking git2 work lives
//! in plain functions; [`RepoStore`] runs it on the blocking pool.

mod author;
mod changes;
mod chat_id;
mod clone_flight;
mod clone_job;
mod commit;
mod diff;
mod disk;
mod error;
mod fork;
mod github_host;
mod layout;
mod limits;
mod merge;
mod names;
mod origin_record;
mod project_config;
mod push;
mod remote;
mod repo;
mod repo_locks;
mod review_diff;
mod shipping;
mod source;
mod store;
mod trust;
mod worktree;

pub use author::GitAuthor;
pub use chat_id::{ChatId, WorktreeName};
pub use commit::MAX_MESSAGE_BYTES;
pub use error::GitError;
pub use github_host::GithubHost;
pub use layout::Layout;
pub use limits::{CloneLimits, DEFAULT_MAX_MB, DEFAULT_STALL_SECS};
pub use names::{BranchName, RepoName};
pub use push::{PushRequest, push_target};
pub use remote::GithubToken;
pub use source::RepoSource;
pub use store::{RepoStore, StartingChat};
pub use trust::TRUST_FILE;
pub use worktree::Removed;
