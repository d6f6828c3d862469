//! Where repos and worktrees live under the data directory.

use std::path::{Path, PathBuf};

use super::chat_id::WorktreeName;
use super::names::RepoName;

/// `<data>/repos/owner__name` and `<data>/worktrees/owner__name__<chat>`.
#[derive(Clone, Debug)]
pub struct Layout {
    data_dir: PathBuf,
}

impl Layout {
    /// `data_dir` must be absolute: opencode keys projects by absolute path.
    pub fn new(data_dir: PathBuf) -> Self {
        Self { data_dir }
    }

    pub fn data_dir(&self) -> &Path {
        &self.data_dir
    }

    pub fn repos_dir(&self) -> PathBuf {
        self.data_dir.join("repos")
    }

    pub fn worktrees_dir(&self) -> PathBuf {
        self.data_dir.join("worktrees")
    }

    pub fn repo(&self, name: &RepoName) -> PathBuf {
        self.repos_dir().join(name.dir_name())
    }

    pub fn worktree(&self, name: &WorktreeName) -> PathBuf {
        self.worktrees_dir().join(name.as_string())
    }

    /// The name a chat's branch was last pushed under (`<data>/pushed/<chat>`,
    /// out of the agent's reach); absent until a push under another name.
    pub fn pushed_record(&self, name: &WorktreeName) -> PathBuf {
        self.data_dir.join("pushed").join(name.as_string())
    }

    /// Where a clone is made before it is moved into place, so a half-done
    /// clone never looks like a repo. Dot-names are skipped by listings.
    pub fn clone_staging(&self, name: &RepoName) -> PathBuf {
        self.repos_dir().join(format!(
            ".cloning-{}-{}",
            name.dir_name(),
            std::process::id()
        ))
    }
}
