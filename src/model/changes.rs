//! A chat's work on its way off the server: what its worktree has not
//! committed, the commits its branch has that the default branch lacks,
//! whether they were pushed, and what merging them locally did.

use serde::{Deserialize, Serialize};

use super::chats::FileChange;

/// Everything the Changes sheet shows of one chat.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ChatChanges {
    /// `owner/name` of the repo.
    pub repo: String,
    pub chat_id: String,
    /// The chat's branch, `pocketcode/<chat id>`.
    pub branch: String,
    /// Its name on GitHub: the name it was last pushed under, else
    /// `branch`. Push uses it unless another is picked.
    pub remote_branch: String,
    /// The repo's default branch, which a local merge moves.
    pub default_branch: String,
    /// Files changed and not committed (staged, unstaged and untracked
    /// alike), against the branch's last commit. An untrusted repo's
    /// opencode config, set aside by pocketcode, is not among them.
    pub files: Vec<FileChange>,
    pub insertions: u64,
    pub deletions: u64,
    /// Commits on the chat's branch that the default branch does not have,
    /// newest first (at most [`MAX_COMMITS`]).
    pub commits: Vec<ChatCommit>,
    /// Against `origin/<remote_branch>`; `None` when it was never pushed.
    pub pushed: Option<Pushed>,
    /// What merging the branch into the default branch would do now.
    pub merge: MergeCheck,
}

/// The most commits [`ChatChanges::commits`] lists.
pub const MAX_COMMITS: u32 = 200;

impl ChatChanges {
    /// Whether files are changed and not committed.
    pub fn uncommitted(&self) -> bool {
        !self.files.is_empty()
    }

    /// Whether the branch has commits that are not on `origin` (a branch
    /// never pushed counts when it has commits of its own).
    pub fn unpushed(&self) -> bool {
        match self.pushed {
            Some(pushed) => pushed.ahead > 0,
            None => !self.commits.is_empty(),
        }
    }
}

/// One commit of the chat's branch.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ChatCommit {
    pub id: String,
    /// The first 7 hex digits of `id`.
    pub short_id: String,
    /// The message's first line.
    pub summary: String,
    /// `Name <email>`.
    pub author: String,
    /// Seconds since the Unix epoch.
    pub time: i64,
}

/// The chat's branch against its pushed copy `origin/<branch>`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Pushed {
    /// Local commits not pushed.
    pub ahead: u32,
    /// Commits on `origin/<branch>` the local branch lacks.
    pub behind: u32,
}

/// What a local merge of the chat's branch would do at the moment.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct MergeCheck {
    /// The default branch already has every commit of the chat's branch.
    pub up_to_date: bool,
    /// The default branch can simply move to the chat's branch.
    pub fast_forward: bool,
    /// Files both sides changed in ways git cannot combine (empty when the
    /// merge would go through).
    pub conflicts: Vec<String>,
}

/// How a local merge may join the branches.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum MergeMode {
    /// Fast-forward when possible, else a merge commit.
    #[default]
    Auto,
    /// Only a fast-forward; refused when the default branch moved on.
    FfOnly,
    /// Always a merge commit.
    Merge,
}

impl MergeMode {
    /// `auto`, `ff_only` or `merge`; blank is `auto`.
    pub fn parse(text: &str) -> Result<Self, String> {
        match text.trim() {
            "" | "auto" => Ok(Self::Auto),
            "ff_only" => Ok(Self::FfOnly),
            "merge" => Ok(Self::Merge),
            other => Err(format!(
                "unknown merge mode {:?}: expected auto, ff_only or merge",
                other.chars().take(40).collect::<String>()
            )),
        }
    }
}

/// How a local merge joined the branches.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum MergeKind {
    FastForward,
    MergeCommit,
}

/// What a local merge did.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct MergeOutcome {
    pub default_branch: String,
    pub kind: MergeKind,
    /// The default branch's commit before the merge.
    pub previous: String,
    /// The default branch's commit now.
    pub commit: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn merge_modes_parse_and_bad_ones_are_named() {
        assert_eq!(MergeMode::parse(""), Ok(MergeMode::Auto));
        assert_eq!(MergeMode::parse("ff_only"), Ok(MergeMode::FfOnly));
        assert_eq!(MergeMode::parse("merge"), Ok(MergeMode::Merge));
        let error = MergeMode::parse("rebase").expect_err("refused");
        assert!(error.contains("\"rebase\""), "{error}");
    }
}
