//! Repos, chats (a worktree with its opencode session) and the resources
//! they use, as the server reports them to the UI and to `/admin/*`
//! scripts. Shared by the server and the browser.

use serde::{Deserialize, Serialize};

/// A repository cloned under `<data>/repos/owner__name`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct RepoInfo {
    /// `owner/name`.
    pub name: String,
    /// Where it was cloned from (the `origin` remote).
    pub origin: String,
    /// The branch new chats start from.
    pub default_branch: String,
    pub path: String,
    /// The chats (worktrees) made from this repo.
    pub worktrees: u32,
    /// Whether its own opencode config (`opencode.json`, `.opencode/`) may
    /// run in its chats; untrusted, it is set aside in them.
    #[serde(default)]
    pub trusted: bool,
}

/// A repo's trust, as `set_repo_trust` left it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct RepoTrust {
    /// `owner/name`.
    pub repo: String,
    pub trusted: bool,
    /// The repo's chats opencode reloaded, with or without its config.
    pub reloaded: u32,
}

/// A clone that is still running.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct CloneProgress {
    pub received_objects: u64,
    pub total_objects: u64,
    pub received_bytes: u64,
}

/// A clone in flight, for the repo picker's progress bar.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct CloneInFlight {
    pub name: String,
    pub progress: CloneProgress,
}

/// What a request to add a repo did.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum CloneOutcome {
    /// This request cloned it.
    Cloned,
    /// Another request was cloning it; this one waited for that clone.
    Joined,
    /// It was already there.
    Existing,
}

/// The answer to "add this repo".
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct AddedRepo {
    pub repo: RepoInfo,
    pub outcome: CloneOutcome,
}

/// A chat's worktree under `<data>/worktrees/owner__name__<chat id>`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct WorktreeInfo {
    /// `owner/name` of the repo it belongs to.
    pub repo: String,
    pub chat_id: String,
    pub path: String,
    /// `pocketcode/<chat id>`, or `None` when HEAD is detached.
    pub branch: Option<String>,
    /// Uncommitted changes (untracked files included).
    pub dirty: bool,
    /// Whether the repo's own opencode config is in place here (the repo
    /// was trusted) rather than set aside.
    #[serde(default)]
    pub trusted: bool,
    /// Seconds since the Unix epoch when the worktree was made.
    pub created: u64,
}

/// A chat: a worktree joined with the opencode session working in it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ChatSummary {
    pub worktree: WorktreeInfo,
    /// `None` when the session was deleted (the worktree is garbage).
    pub session_id: Option<String>,
    pub title: String,
    /// Milliseconds since the Unix epoch of the session's last update.
    pub updated: u64,
}

/// Lines changed in one file of a worktree, against the chat's base.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct FileChange {
    pub path: String,
    /// `added`, `modified`, `deleted`, `renamed`, …
    pub status: String,
    pub insertions: u64,
    pub deletions: u64,
}

/// `git diff --stat` of a worktree (uncommitted and untracked changes
/// included) against the commit its chat started from.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct DiffStat {
    /// The base commit.
    pub base: String,
    pub files: Vec<FileChange>,
    pub insertions: u64,
    pub deletions: u64,
}

/// Bytes used by one repo clone or one worktree.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct PathUsage {
    /// `owner/name`, or `owner/name/<chat id>` for a worktree.
    pub name: String,
    pub bytes: u64,
}

/// Disk usage of the data directory and the volume it lives on.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct DiskUsage {
    pub data_dir: String,
    /// Everything under the data directory.
    pub data_bytes: u64,
    pub repos: Vec<PathUsage>,
    pub worktrees: Vec<PathUsage>,
    /// The volume holding the data directory, when it can be found.
    pub volume_total_bytes: Option<u64>,
    pub volume_available_bytes: Option<u64>,
}

/// Why the garbage collector picked (or spared) a worktree.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct GcEntry {
    pub repo: String,
    pub chat_id: String,
    pub path: String,
    pub reason: String,
}

/// What a garbage collection removed, or would remove in a dry run.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct GcReport {
    pub dry_run: bool,
    /// Removed (or to be removed).
    pub removed: Vec<GcEntry>,
    /// Would qualify, but kept because of uncommitted changes.
    pub kept: Vec<GcEntry>,
}

/// The repos, and the clones still running.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct RepoList {
    pub repos: Vec<RepoInfo>,
    pub cloning: Vec<CloneInFlight>,
}

/// What deleting a chat removed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct DeletedChat {
    /// opencode sessions deleted with it.
    pub sessions: u32,
    /// Whether its branch went too (merged, or asked for).
    pub branch_deleted: bool,
}

/// A repo on GitHub, for the repo picker.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct GithubRepo {
    /// `owner/name`: what to add or start a chat with.
    pub full_name: String,
    pub private: bool,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub default_branch: String,
    /// ISO 8601.
    #[serde(default)]
    pub updated_at: String,
}

/// The user's GitHub repos, or why there are none.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct GithubListing {
    /// Whether `GITHUB_TOKEN` is set.
    pub configured: bool,
    /// Shown instead of (or above) the list, e.g. "set GITHUB_TOKEN".
    pub message: Option<String>,
    pub repos: Vec<GithubRepo>,
}

/// A chat as the chat page opens it: the chat and its transcript (`None`
/// when its opencode session no longer exists).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct OpenedChat {
    pub chat: ChatSummary,
    pub transcript: Option<crate::opencode::Transcript>,
    /// Permission requests and questions waiting for the user.
    #[serde(default)]
    pub asks: crate::opencode::PendingAsks,
    /// The models and modes for the composer's pickers (`None` when opencode
    /// could not list them).
    #[serde(default)]
    pub choices: Option<crate::opencode::Choices>,
}
