//! A forked chat's worktree (blocking work behind [`RepoStore::fork_worktree`]):
//! a new branch at the source chat's HEAD, with the source's uncommitted
//! files (untracked ones too) copied over, so the fork starts with the
//! files exactly as the source chat has them now. Which commit the source
//! was at when an older message was sent is not recorded anywhere, so
//! "now" is the only honest starting point; undoing first makes "now" the
//! state before that message.

use std::path::Path;
use std::sync::Arc;

use git2::{Repository, Status, StatusOptions};

use super::chat_id::WorktreeName;
use super::layout::Layout;
use super::store::RepoStore;
use super::{GitError, project_config, worktree};
use crate::model::chats::WorktreeInfo;

impl RepoStore {
    /// Makes chat `name`'s worktree as a copy of chat `source`'s: its
    /// commits (a branch at the same commit) and its uncommitted files.
    pub async fn fork_worktree(
        &self,
        source: &WorktreeName,
        name: &WorktreeName,
    ) -> Result<WorktreeInfo, GitError> {
        let (source, name) = (source.clone(), name.clone());
        let locks = Arc::clone(&self.worktree_locks);
        let trust = Arc::clone(&self.trust);
        self.blocking(move |layout| {
            let from = layout.worktree(&source);
            if !worktree::is_checkout(&from) {
                return Err(GitError::WorktreeNotFound {
                    repo: source.repo.clone(),
                    chat: source.chat.to_string(),
                });
            }
            let head = Repository::open(&from)?.head()?.peel_to_commit()?.id();
            locks.with(&name.repo, || {
                worktree::create_at(layout, &name, trust.is_trusted(&name.repo)?, head)
            })?;
            finish(layout, &from, &name)
        })
        .await
    }
}

/// Copies the uncommitted files into the new worktree; on failure leaves
/// no half-made chat behind.
fn finish(layout: &Layout, from: &Path, name: &WorktreeName) -> Result<WorktreeInfo, GitError> {
    let copied =
        copy_uncommitted(from, &layout.worktree(name)).and_then(|()| worktree::info(layout, name));
    match copied {
        Ok(Some(info)) => Ok(info),
        Ok(None) => Err(GitError::Conflict(format!("the worktree {name} vanished"))),
        Err(error) => {
            if let Err(cleanup) = worktree::remove(layout, name, true, true) {
                tracing::warn!(%cleanup, worktree = %name, "cannot remove a half-made fork");
            }
            Err(error)
        }
    }
}

/// Makes `to` (a checkout of the same commit) hold `from`'s uncommitted
/// changes: changed and new files copied, deleted ones deleted.
fn copy_uncommitted(from: &Path, to: &Path) -> Result<(), GitError> {
    let checkout = Repository::open(from)?;
    let mut options = StatusOptions::new();
    options
        .include_untracked(true)
        .recurse_untracked_dirs(true)
        .include_ignored(false)
        .exclude_submodules(true);
    for spec in project_config::exclusions(&checkout) {
        options.pathspec(spec);
    }
    for entry in checkout.statuses(Some(&mut options))?.iter() {
        let Some(path) = entry.path() else {
            continue;
        };
        let (source, target) = (from.join(path), to.join(path));
        let deleted = entry
            .status()
            .intersects(Status::WT_DELETED | Status::INDEX_DELETED);
        if deleted && source.symlink_metadata().is_err() {
            if target.symlink_metadata().is_ok() {
                std::fs::remove_file(&target).map_err(|e| GitError::io(target.display(), e))?;
            }
        } else {
            copy_file(&source, &target)?;
        }
    }
    Ok(())
}

fn copy_file(source: &Path, target: &Path) -> Result<(), GitError> {
    if let Some(parent) = target.parent() {
        std::fs::create_dir_all(parent).map_err(|e| GitError::io(parent.display(), e))?;
    }
    let metadata = source
        .symlink_metadata()
        .map_err(|e| GitError::io(source.display(), e))?;
    if target.symlink_metadata().is_ok() {
        std::fs::remove_file(target).map_err(|e| GitError::io(target.display(), e))?;
    }
    if metadata.file_type().is_symlink() {
        let link = std::fs::read_link(source).map_err(|e| GitError::io(source.display(), e))?;
        std::os::unix::fs::symlink(&link, target).map_err(|e| GitError::io(target.display(), e))
    } else {
        std::fs::copy(source, target)
            .map(drop)
            .map_err(|e| GitError::io(target.display(), e))
    }
}
