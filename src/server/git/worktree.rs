//! A worktree per chat (blocking): create on a new branch from the default
//! branch (the repo's own opencode config set aside unless it is trusted),
//! describe, check for uncommitted work, remove.

use std::path::Path;
use std::time::UNIX_EPOCH;

use git2::{
    BranchType, ErrorCode, Repository, StatusOptions, WorktreeAddOptions, WorktreePruneOptions,
};

use super::chat_id::WorktreeName;
use super::layout::Layout;
use super::names::BranchName;
use super::{GitError, project_config, repo};
use crate::model::chats::WorktreeInfo;

/// What removing a worktree did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Removed {
    pub branch_deleted: bool,
}

/// Creates the chat's worktree on branch `pocketcode/<chat>` from the
/// default branch (fetch first to start from the remote's current state).
/// Unless `trusted`, the repo's opencode config is set aside before anyone
/// (opencode included) is told the worktree exists.
pub fn create(
    layout: &Layout,
    name: &WorktreeName,
    trusted: bool,
) -> Result<WorktreeInfo, GitError> {
    let repo =
        repo::open(layout, &name.repo)?.ok_or_else(|| GitError::RepoNotFound(name.repo.clone()))?;
    let default = repo::default_branch(&repo)?;
    let base = repo::base_commit(&repo, &default)?.id();
    create_at(layout, name, trusted, base)
}

/// Creates the chat's worktree on branch `pocketcode/<chat>` from commit
/// `base` (a forked chat starts where its source chat is).
pub fn create_at(
    layout: &Layout,
    name: &WorktreeName,
    trusted: bool,
    base: git2::Oid,
) -> Result<WorktreeInfo, GitError> {
    let repo =
        repo::open(layout, &name.repo)?.ok_or_else(|| GitError::RepoNotFound(name.repo.clone()))?;
    let base = repo.find_commit(base)?;
    let path = layout.worktree(name);
    if path.exists() {
        return Err(GitError::Conflict(format!(
            "the worktree {name} already exists"
        )));
    }
    let dir = layout.worktrees_dir();
    std::fs::create_dir_all(&dir).map_err(|e| GitError::io(dir.display(), e))?;
    let branch_name = BranchName::for_chat(&name.chat);
    let branch = repo
        .branch(branch_name.as_str(), &base, false)
        .map_err(|e| match e.code() {
            ErrorCode::Exists => {
                GitError::Conflict(format!("the branch {branch_name} already exists"))
            }
            _ => e.into(),
        })?;
    // libgit2 makes `.git/worktrees` on the first worktree and fails if
    // another chat of the same repo made it a moment before: make it first.
    let admin = repo.path().join("worktrees");
    std::fs::create_dir_all(&admin).map_err(|e| GitError::io(admin.display(), e))?;
    let mut options = WorktreeAddOptions::new();
    options.reference(Some(branch.get()));
    if let Err(e) = repo.worktree(&name.as_string(), &path, Some(&options)) {
        // Leave nothing behind: the branch was only for this worktree.
        let _ = repo
            .find_branch(branch_name.as_str(), BranchType::Local)
            .and_then(|mut b| b.delete());
        return Err(e.into());
    }
    if !trusted && let Err(error) = project_config::hide(&path) {
        // A worktree whose config may still be in place is no chat.
        if let Err(cleanup) = remove(layout, name, true, true) {
            tracing::warn!(%cleanup, worktree = %name, "cannot remove a worktree whose config could not be set aside");
        }
        return Err(error);
    }
    info(layout, name)?.ok_or_else(|| GitError::Conflict(format!("the worktree {name} vanished")))
}

/// Whether `path` holds a checkout (its `.git` is a file or a directory).
pub fn is_checkout(path: &Path) -> bool {
    path.join(".git").exists()
}

/// `Ok(None)` when there is no such worktree, including one deleted while
/// it was being read (another request removing that chat).
pub fn info(layout: &Layout, name: &WorktreeName) -> Result<Option<WorktreeInfo>, GitError> {
    let path = layout.worktree(name);
    if !is_checkout(&path) {
        return Ok(None);
    }
    unless_gone(&path, read_info(&path, name))
}

/// A failed read of a worktree that is gone by now is no worktree, not an
/// error: neither is one being removed (git removes its entry in the
/// clone's `.git/worktrees` first, then the checkout).
fn unless_gone<T>(path: &Path, read: Result<T, GitError>) -> Result<Option<T>, GitError> {
    match read {
        Ok(value) => Ok(Some(value)),
        Err(_) if !is_checkout(path) || entry_gone(path) => Ok(None),
        Err(error) => Err(error),
    }
}

/// Whether the checkout's `.git` file names a directory in the clone that
/// is not there (any longer).
fn entry_gone(path: &Path) -> bool {
    let Ok(link) = std::fs::read_to_string(path.join(".git")) else {
        return false;
    };
    link.strip_prefix("gitdir:")
        .is_some_and(|dir| !path.join(dir.trim()).exists())
}

fn read_info(path: &Path, name: &WorktreeName) -> Result<WorktreeInfo, GitError> {
    let checkout = Repository::open(path)?;
    let branch = match checkout.head() {
        Ok(head) if head.is_branch() => head.shorthand().map(str::to_owned),
        _ => None,
    };
    let metadata = std::fs::metadata(path).map_err(|e| GitError::io(path.display(), e))?;
    let created = metadata
        .created()
        .or_else(|_| metadata.modified())
        .ok()
        .and_then(|t| t.duration_since(UNIX_EPOCH).ok())
        .map_or(0, |d| d.as_secs());
    Ok(WorktreeInfo {
        repo: name.repo.to_string(),
        chat_id: name.chat.to_string(),
        path: path.display().to_string(),
        branch,
        dirty: is_dirty(&checkout)?,
        trusted: !project_config::hidden(&checkout),
        created,
    })
}

pub fn list(layout: &Layout) -> Result<Vec<WorktreeInfo>, GitError> {
    let mut worktrees = Vec::new();
    for name in repo::worktree_names(layout, None)? {
        if let Some(info) = info(layout, &name)? {
            worktrees.push(info);
        }
    }
    Ok(worktrees)
}

/// Uncommitted changes, untracked files included (ignored ones are not,
/// nor a config set aside).
fn is_dirty(checkout: &Repository) -> Result<bool, GitError> {
    let mut options = StatusOptions::new();
    options
        .include_untracked(true)
        .include_ignored(false)
        .exclude_submodules(true);
    for spec in project_config::exclusions(checkout) {
        options.pathspec(spec);
    }
    Ok(!checkout.statuses(Some(&mut options))?.is_empty())
}

/// Whether the worktree has uncommitted changes; `Ok(None)` when it does not exist.
pub fn dirty(layout: &Layout, name: &WorktreeName) -> Result<Option<bool>, GitError> {
    let path = layout.worktree(name);
    if !is_checkout(&path) {
        return Ok(None);
    }
    Ok(Some(is_dirty(&Repository::open(&path)?)?))
}

/// Removes the worktree (refusing uncommitted work unless `force`) and its
/// branch when it is merged into the default branch or `delete_branch`.
/// `Ok(None)` when there is no such worktree.
pub fn remove(
    layout: &Layout,
    name: &WorktreeName,
    force: bool,
    delete_branch: bool,
) -> Result<Option<Removed>, GitError> {
    let Some(dirty) = dirty(layout, name)? else {
        return Ok(None);
    };
    if dirty && !force {
        return Err(GitError::Conflict(format!(
            "the worktree of chat {} has uncommitted changes; pass force to delete it anyway",
            name.chat
        )));
    }
    let path = layout.worktree(name);
    let Some(repo) = repo::open(layout, &name.repo)? else {
        // The clone is gone: only the directory is left to remove.
        std::fs::remove_dir_all(&path).map_err(|e| GitError::io(path.display(), e))?;
        return Ok(Some(Removed {
            branch_deleted: false,
        }));
    };
    if let Ok(worktree) = repo.find_worktree(&name.as_string()) {
        let mut options = WorktreePruneOptions::new();
        options.valid(true).locked(true).working_tree(true);
        worktree.prune(Some(&mut options))?;
    }
    if path.exists() {
        std::fs::remove_dir_all(&path).map_err(|e| GitError::io(path.display(), e))?;
    }
    let branch_deleted = remove_branch(&repo, &BranchName::for_chat(&name.chat), delete_branch)?;
    Ok(Some(Removed { branch_deleted }))
}

/// Deletes the chat's branch if merged into the default branch (nothing
/// would be lost) or if asked to.
fn remove_branch(repo: &Repository, branch: &BranchName, always: bool) -> Result<bool, GitError> {
    let mut found = match repo.find_branch(branch.as_str(), BranchType::Local) {
        Ok(found) => found,
        Err(e) if e.code() == ErrorCode::NotFound => return Ok(false),
        Err(e) => return Err(e.into()),
    };
    let merged = || -> Result<bool, GitError> {
        let tip = found.get().peel_to_commit()?.id();
        let default = repo::default_branch(repo)?;
        let base = repo::base_commit(repo, &default)?.id();
        Ok(tip == base || repo.graph_descendant_of(base, tip)?)
    };
    if always || merged()? {
        found.delete()?;
        return Ok(true);
    }
    Ok(false)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_worktree_that_vanished_while_read_is_none_and_a_broken_one_an_error() {
        let dir =
            std::env::temp_dir().join(format!("pocketcode-unless-gone-{}", std::process::id()));
        std::fs::create_dir_all(dir.join("entry")).expect("dir");
        let failed = || Err::<(), _>(GitError::io("x", std::io::Error::other("read failed")));
        // Gone (no `.git`): the failure meant the chat was being deleted.
        assert!(matches!(unless_gone(&dir, failed()), Ok(None)));
        // Its entry in the clone gone: being deleted too.
        std::fs::write(dir.join(".git"), "gitdir: /nowhere\n").expect(".git");
        assert!(matches!(unless_gone(&dir, failed()), Ok(None)));
        // Both still there: the failure is real.
        std::fs::write(dir.join(".git"), "gitdir: entry\n").expect(".git");
        assert!(unless_gone(&dir, failed()).is_err());
        assert!(matches!(unless_gone(&dir, Ok(7)), Ok(Some(7))));
        std::fs::remove_dir_all(&dir).expect("cleanup");
    }

    /// git removes a worktree's entry in the clone before its checkout: a
    /// read in between fails, and is a worktree being deleted.
    #[test]
    fn a_worktree_whose_entry_in_the_clone_is_gone_is_being_deleted() {
        let dir =
            std::env::temp_dir().join(format!("pocketcode-entry-gone-{}", std::process::id()));
        let clone = Repository::init(dir.join("clone")).expect("init");
        let signature = git2::Signature::now("t", "t@example.com").expect("signature");
        let tree = clone
            .find_tree(clone.index().expect("index").write_tree().expect("tree"))
            .expect("tree");
        clone
            .commit(Some("HEAD"), &signature, &signature, "first", &tree, &[])
            .expect("commit");
        let checkout = dir.join("chat");
        clone.worktree("chat", &checkout, None).expect("worktree");
        let read = || {
            Repository::open(&checkout)
                .map(drop)
                .map_err(GitError::from)
        };
        assert!(matches!(unless_gone(&checkout, read()), Ok(Some(()))));
        std::fs::remove_dir_all(dir.join("clone/.git/worktrees/chat")).expect("remove entry");
        assert!(read().is_err(), "the checkout opens without its entry");
        assert!(matches!(unless_gone(&checkout, read()), Ok(None)));
        std::fs::remove_dir_all(&dir).expect("cleanup");
    }
}
