//! What a chat has not shipped yet (blocking): files changed and not
//! committed, commits its branch has and the default branch lacks, how
//! its branch stands against `origin`, and what a local merge would do.

use git2::{Commit, ErrorCode, Oid, Repository, Sort};

use super::chat_id::WorktreeName;
use super::layout::Layout;
use super::{GitError, diff, repo, worktree};
use crate::model::changes::{ChatChanges, ChatCommit, MAX_COMMITS, MergeCheck, Pushed};
use crate::model::chats::FileChange;

/// A chat's worktree opened with what every step needs.
pub(super) struct Opened {
    pub clone: Repository,
    pub checkout: Repository,
    /// `pocketcode/<chat id>`.
    pub branch: String,
    /// The branch's name on GitHub: the name it was last pushed under,
    /// else `branch`.
    pub remote_branch: String,
    pub default_branch: String,
}

/// Opens the chat's worktree and its clone; `Ok(None)` when either is gone.
pub(super) fn open(layout: &Layout, name: &WorktreeName) -> Result<Option<Opened>, GitError> {
    let path = layout.worktree(name);
    if !worktree::is_checkout(&path) {
        return Ok(None);
    }
    let Some(clone) = repo::open(layout, &name.repo)? else {
        return Ok(None);
    };
    let checkout = Repository::open(&path)?;
    let branch = {
        let head = checkout.head()?;
        match head.shorthand() {
            Some(branch) if head.is_branch() => branch.to_owned(),
            _ => {
                return Err(GitError::Conflict(format!(
                    "the worktree of chat {} is not on a branch (detached HEAD)",
                    name.chat
                )));
            }
        }
    };
    let default_branch = repo::default_branch(&clone)?;
    let remote_branch = std::fs::read_to_string(layout.pushed_record(name))
        .ok()
        .map(|text| text.trim().to_owned())
        .filter(|text| !text.is_empty())
        .unwrap_or_else(|| branch.clone());
    Ok(Some(Opened {
        clone,
        checkout,
        branch,
        remote_branch,
        default_branch,
    }))
}

pub fn read(layout: &Layout, name: &WorktreeName) -> Result<Option<ChatChanges>, GitError> {
    let Some(opened) = open(layout, name)? else {
        return Ok(None);
    };
    describe(name, &opened).map(Some)
}

pub(super) fn describe(name: &WorktreeName, opened: &Opened) -> Result<ChatChanges, GitError> {
    let Opened {
        clone,
        checkout,
        branch,
        remote_branch,
        default_branch,
    } = opened;
    let head = checkout.head()?.peel_to_commit()?;
    let files = uncommitted(checkout)?;
    Ok(ChatChanges {
        repo: name.repo.to_string(),
        chat_id: name.chat.to_string(),
        branch: branch.clone(),
        remote_branch: remote_branch.clone(),
        default_branch: default_branch.clone(),
        insertions: files.iter().map(|f| f.insertions).sum(),
        deletions: files.iter().map(|f| f.deletions).sum(),
        files,
        commits: ahead(clone, head.id(), default_branch)?,
        pushed: pushed(checkout, head.id(), remote_branch)?,
        merge: merge_check(clone, &head, default_branch)?,
    })
}

/// Staged, unstaged and untracked changes against the branch's last
/// commit (a set-aside config excluded, as in the chat's diff).
pub(super) fn uncommitted(checkout: &Repository) -> Result<Vec<FileChange>, GitError> {
    let head = checkout.head()?.peel_to_commit()?.id();
    diff::file_changes(&diff::diff(checkout, head)?)
}

/// Commits reachable from `tip` but from neither the local nor the
/// fetched default branch, newest first.
fn ahead(clone: &Repository, tip: Oid, default: &str) -> Result<Vec<ChatCommit>, GitError> {
    let mut walk = clone.revwalk()?;
    walk.set_sorting(Sort::TOPOLOGICAL | Sort::TIME)?;
    walk.push(tip)?;
    for reference in [
        format!("refs/heads/{default}"),
        format!("refs/remotes/origin/{default}"),
    ] {
        if let Some(id) = target(clone, &reference)? {
            walk.hide(id)?;
        }
    }
    let mut commits = Vec::new();
    for id in walk.take(MAX_COMMITS as usize) {
        commits.push(describe_commit(&clone.find_commit(id?)?));
    }
    Ok(commits)
}

fn describe_commit(commit: &Commit<'_>) -> ChatCommit {
    let id = commit.id().to_string();
    let author = commit.author();
    ChatCommit {
        short_id: id.chars().take(7).collect(),
        id,
        summary: commit.summary().unwrap_or_default().to_owned(),
        author: format!(
            "{} <{}>",
            author.name().unwrap_or_default(),
            author.email().unwrap_or_default()
        ),
        time: commit.time().seconds(),
    }
}

/// The branch against `origin/<name on GitHub>` (a push updates that ref).
fn pushed(checkout: &Repository, tip: Oid, branch: &str) -> Result<Option<Pushed>, GitError> {
    let Some(remote) = target(checkout, &format!("refs/remotes/origin/{branch}"))? else {
        return Ok(None);
    };
    let (ahead, behind) = checkout.graph_ahead_behind(tip, remote)?;
    let count = |n: usize| u32::try_from(n).unwrap_or(u32::MAX);
    Ok(Some(Pushed {
        ahead: count(ahead),
        behind: count(behind),
    }))
}

/// Whether the default branch has `head` already, can fast-forward to it,
/// or which files a merge commit would conflict on.
fn merge_check(
    clone: &Repository,
    head: &Commit<'_>,
    default: &str,
) -> Result<MergeCheck, GitError> {
    let Some(tip) = target(clone, &format!("refs/heads/{default}"))? else {
        return Ok(MergeCheck::default());
    };
    if tip == head.id() || clone.graph_descendant_of(tip, head.id())? {
        return Ok(MergeCheck {
            up_to_date: true,
            ..MergeCheck::default()
        });
    }
    if clone.graph_descendant_of(head.id(), tip)? {
        return Ok(MergeCheck {
            fast_forward: true,
            ..MergeCheck::default()
        });
    }
    let index = clone.merge_commits(&clone.find_commit(tip)?, head, None)?;
    Ok(MergeCheck {
        conflicts: conflicted_paths(&index)?,
        ..MergeCheck::default()
    })
}

/// The paths of a merge index's conflicts, sorted.
pub(super) fn conflicted_paths(index: &git2::Index) -> Result<Vec<String>, GitError> {
    let mut paths = Vec::new();
    if !index.has_conflicts() {
        return Ok(paths);
    }
    for conflict in index.conflicts()? {
        let conflict = conflict?;
        let entry = conflict.our.or(conflict.their).or(conflict.ancestor);
        if let Some(entry) = entry {
            paths.push(String::from_utf8_lossy(&entry.path).into_owned());
        }
    }
    paths.sort();
    paths.dedup();
    Ok(paths)
}

/// The commit `reference` points at; `Ok(None)` when there is no such ref.
pub(super) fn target(repo: &Repository, reference: &str) -> Result<Option<Oid>, GitError> {
    match repo.find_reference(reference) {
        Ok(found) => Ok(Some(found.peel_to_commit()?.id())),
        Err(e) if e.code() == ErrorCode::NotFound => Ok(None),
        Err(e) => Err(e.into()),
    }
}
