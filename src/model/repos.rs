//! Repos: the clones under `<data>/repos/`, the clones still running, and
//! the user's GitHub repos for the repo picker, as the server reports them
//! to the UI and to `/admin/*` scripts.

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

/// The repos, and the clones still running.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct RepoList {
    pub repos: Vec<RepoInfo>,
    pub cloning: Vec<CloneInFlight>,
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
