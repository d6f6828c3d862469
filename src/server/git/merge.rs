//! Merging a chat's branch into the repo's default branch in the main
//! clone (blocking): a fast-forward or a merge commit, never a half-done
//! merge.
//!
//! The main clone is a regular checkout of the default branch. Its files
//! are moved to the new commit first (a safe checkout, which refuses
//! before writing anything if a file of its own would be overwritten),
//! and only then does the branch move; local changes there are refused
//! up front, so nothing of anyone's is ever clobbered. On conflict nothing
//! changes at all: the merge is worked out in memory.

use git2::build::CheckoutBuilder;
use git2::{Commit, Oid, Repository, StatusOptions};

use super::GitError;
use super::author::{GitAuthor, commit_author};
use super::changes::{Opened, conflicted_paths, target, uncommitted};
use crate::model::changes::{MergeKind, MergeMode, MergeOutcome};

/// Merges the chat's branch into the default branch; `title` names the
/// chat in a merge commit's message.
pub(super) fn merge(
    opened: &Opened,
    mode: MergeMode,
    title: &str,
    author: &GitAuthor,
) -> Result<MergeOutcome, GitError> {
    let Opened {
        clone,
        checkout,
        branch,
        default_branch,
        ..
    } = opened;
    if !uncommitted(checkout)?.is_empty() {
        return Err(GitError::Conflict(format!(
            "the chat has uncommitted changes: commit first, then merge {branch} into {default_branch}"
        )));
    }
    let reference = format!("refs/heads/{default_branch}");
    let previous = target(clone, &reference)?
        .ok_or_else(|| GitError::Conflict(format!("the repo has no branch {default_branch}")))?;
    let head = clone.find_commit(checkout.head()?.peel_to_commit()?.id())?;
    if previous == head.id() || clone.graph_descendant_of(previous, head.id())? {
        return Err(GitError::Conflict(format!(
            "nothing to merge: {default_branch} already has every commit of {branch}"
        )));
    }
    let can_fast_forward = clone.graph_descendant_of(head.id(), previous)?;
    let (kind, commit) = match (mode, can_fast_forward) {
        (MergeMode::Auto | MergeMode::FfOnly, true) => (MergeKind::FastForward, head.id()),
        (MergeMode::FfOnly, false) => {
            return Err(GitError::Conflict(format!(
                "{default_branch} cannot fast-forward to {branch}: it has commits the chat lacks; merge with a merge commit instead"
            )));
        }
        (MergeMode::Auto | MergeMode::Merge, _) => {
            let message = format!("Merge chat {title}\n\nMerges {branch} into {default_branch}.");
            let ours = clone.find_commit(previous)?;
            let id = merge_commit(clone, &ours, &head, &message, author)?;
            (MergeKind::MergeCommit, id)
        }
    };
    move_branch(clone, &reference, previous, commit, branch)?;
    Ok(MergeOutcome {
        default_branch: default_branch.clone(),
        kind,
        previous: previous.to_string(),
        commit: commit.to_string(),
    })
}

/// Writes the merge commit of `ours` and `theirs` (refs untouched);
/// refuses, naming the files, when they conflict.
fn merge_commit(
    clone: &Repository,
    ours: &Commit<'_>,
    theirs: &Commit<'_>,
    message: &str,
    author: &GitAuthor,
) -> Result<Oid, GitError> {
    let mut index = clone.merge_commits(ours, theirs, None)?;
    let conflicts = conflicted_paths(&index)?;
    if !conflicts.is_empty() {
        return Err(GitError::MergeConflict(conflicts));
    }
    let tree = clone.find_tree(index.write_tree_to(clone)?)?;
    let signature = commit_author(clone, author)?;
    Ok(clone.commit(
        None,
        &signature,
        &signature,
        message,
        &tree,
        &[ours, theirs],
    )?)
}

/// Moves the default branch from `previous` to `commit`, the main clone's
/// files first when it has them checked out.
fn move_branch(
    clone: &Repository,
    reference: &str,
    previous: Oid,
    commit: Oid,
    branch: &str,
) -> Result<(), GitError> {
    let checked_out = !clone.is_bare() && clone.head()?.name() == Some(reference);
    if checked_out {
        refuse_local_changes(clone)?;
        let tree = clone.find_commit(commit)?.into_object();
        let mut checkout = CheckoutBuilder::new();
        checkout.safe();
        clone
            .checkout_tree(&tree, Some(&mut checkout))
            .map_err(|e| {
                GitError::Conflict(format!(
                    "the main clone's files cannot be updated ({}); nothing was merged",
                    e.message()
                ))
            })?;
    }
    let log = format!("pocketcode: merge {branch}");
    if let Err(error) = clone.reference_matching(reference, commit, true, previous, &log) {
        if checked_out {
            // Put the files back where the branch still is.
            let tree = clone.find_commit(previous)?.into_object();
            clone.checkout_tree(&tree, Some(CheckoutBuilder::new().safe()))?;
        }
        return Err(GitError::Conflict(format!(
            "the default branch moved meanwhile ({}); nothing was merged",
            error.message()
        )));
    }
    Ok(())
}

/// Refuses when the main clone has changes of its own to tracked files.
fn refuse_local_changes(clone: &Repository) -> Result<(), GitError> {
    let mut options = StatusOptions::new();
    options.include_untracked(false).exclude_submodules(true);
    let statuses = clone.statuses(Some(&mut options))?;
    let Some(first) = statuses.iter().next() else {
        return Ok(());
    };
    Err(GitError::Conflict(format!(
        "the main clone at {} has local changes ({} and {} more); commit or discard them there first",
        clone
            .workdir()
            .map(|p| p.display().to_string())
            .unwrap_or_default(),
        first.path().unwrap_or("?"),
        statuses.len() - 1
    )))
}
