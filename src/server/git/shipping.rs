//! The async face of a chat's changes, its commits and its local merge:
//! each runs its blocking git2 work on the blocking pool under the repo's
//! lock (so a chat is not deleted, nor the default branch moved by
//! another merge, halfway through).

use std::sync::Arc;

use super::author::GitAuthor;
use super::chat_id::WorktreeName;
use super::store::RepoStore;
use super::{GitError, changes, commit, merge};
use crate::model::changes::{ChatChanges, MergeMode, MergeOutcome};

impl RepoStore {
    /// Commits and local merges from now on are by `author`.
    pub fn with_author(mut self, author: GitAuthor) -> Self {
        self.author = author;
        self
    }

    /// What the chat has not shipped; `Ok(None)` when there is no such chat.
    pub async fn changes(&self, name: &WorktreeName) -> Result<Option<ChatChanges>, GitError> {
        let name = name.clone();
        self.blocking(move |layout| changes::read(layout, &name))
            .await
    }

    /// The author the flags name (either part may be unset).
    pub fn configured_author(&self) -> &GitAuthor {
        &self.author
    }

    /// Commits every changed file, or those in `paths`, on the chat's
    /// branch with `message`, as the configured author with what it leaves
    /// unset from `default`; answers the changes after.
    pub async fn commit(
        &self,
        name: &WorktreeName,
        message: String,
        paths: Option<Vec<String>>,
        default: GitAuthor,
    ) -> Result<Option<ChatChanges>, GitError> {
        commit::message(&message)?;
        let name = name.clone();
        let author = self.author.or(default);
        let locks = Arc::clone(&self.worktree_locks);
        self.blocking(move |layout| {
            locks.with(&name.repo, || {
                let Some(opened) = changes::open(layout, &name)? else {
                    return Ok(None);
                };
                commit::commit(&opened, &message, paths.as_deref(), &author)?;
                changes::describe(&name, &opened).map(Some)
            })
        })
        .await
    }

    /// Merges the chat's branch into the repo's default branch in the main
    /// clone; `title` names the chat in a merge commit, made as in
    /// [`commit`](Self::commit).
    pub async fn merge(
        &self,
        name: &WorktreeName,
        mode: MergeMode,
        title: String,
        default: GitAuthor,
    ) -> Result<Option<MergeOutcome>, GitError> {
        let name = name.clone();
        let author = self.author.or(default);
        let locks = Arc::clone(&self.worktree_locks);
        self.blocking(move |layout| {
            locks.with(&name.repo, || {
                let Some(opened) = changes::open(layout, &name)? else {
                    return Ok(None);
                };
                merge::merge(&opened, mode, &title, &author).map(Some)
            })
        })
        .await
    }
}
