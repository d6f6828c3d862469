//! Pushing a chat's branch to GitHub and its pull request, as the server
//! reports them to the UI and to `/admin/*` scripts.

use serde::{Deserialize, Serialize};

/// What pushing a chat's branch did.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct PushOutcome {
    /// The branch on GitHub (`pocketcode/<chat id>` unless the user picked one).
    pub branch: String,
    /// The commit the branch now points at there (hex).
    pub commit: String,
    /// The branch's commit on GitHub before the push (`None`: it is new).
    pub previous: Option<String>,
    /// The push replaced commits that were not in the chat's branch.
    pub forced: bool,
    /// GitHub already had this commit: nothing was sent.
    pub up_to_date: bool,
}

/// A pull request's state as GitHub reports it, merged set apart.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum PullRequestState {
    Open,
    Closed,
    Merged,
}

/// How a pull request is merged (what the repo allows, see GitHub's repo
/// settings `allow_merge_commit`, `allow_squash_merge`, `allow_rebase_merge`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum MergeMethod {
    Merge,
    Squash,
    Rebase,
}

impl MergeMethod {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Merge => "merge",
            Self::Squash => "squash",
            Self::Rebase => "rebase",
        }
    }

    /// `merge`, `squash` or `rebase`; `None` for anything else.
    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "merge" => Some(Self::Merge),
            "squash" => Some(Self::Squash),
            "rebase" => Some(Self::Rebase),
            _ => None,
        }
    }
}

/// The check runs of a pull request's head commit, counted.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ChecksSummary {
    pub total: u32,
    /// Finished with `success`, `neutral` or `skipped`.
    pub passed: u32,
    /// Finished with any other conclusion (`failure`, `timed_out`, …).
    pub failed: u32,
    /// Queued or in progress.
    pub pending: u32,
}

/// A chat's pull request on GitHub.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct PullRequest {
    pub number: u64,
    pub title: String,
    pub body: String,
    pub state: PullRequestState,
    pub draft: bool,
    /// The page on GitHub.
    pub html_url: String,
    /// The chat's branch.
    pub head: String,
    /// The branch it merges into (the repo's default branch).
    pub base: String,
    /// The head commit (hex).
    pub head_sha: String,
    pub checks: ChecksSummary,
    /// The merge methods the repo allows, for the Merge button.
    pub merge_methods: Vec<MergeMethod>,
}
