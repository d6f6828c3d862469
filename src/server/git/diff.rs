//! A worktree's changes against the commit its chat started from
//! (blocking): committed, staged, unstaged and untracked alike; a config
//! set aside (an untrusted repo's) is no change.

use git2::{Delta, Diff, DiffFormat, DiffOptions, Oid, Patch, Repository};

use super::chat_id::WorktreeName;
use super::layout::Layout;
use super::{GitError, project_config, repo, worktree};
use crate::model::chats::{DiffStat, FileChange};

/// The longest patch returned; the rest is cut with a note.
pub const MAX_PATCH_BYTES: usize = 2_000_000;

pub fn stat(layout: &Layout, name: &WorktreeName) -> Result<Option<DiffStat>, GitError> {
    let Some((checkout, base)) = open(layout, name)? else {
        return Ok(None);
    };
    let files = file_changes(&diff(&checkout, base)?)?;
    Ok(Some(DiffStat {
        base: base.to_string(),
        insertions: files.iter().map(|f| f.insertions).sum(),
        deletions: files.iter().map(|f| f.deletions).sum(),
        files,
    }))
}

/// Each file of `diff` with its status and lines added and removed.
pub(super) fn file_changes(diff: &Diff<'_>) -> Result<Vec<FileChange>, GitError> {
    let mut files = Vec::new();
    for index in 0..diff.deltas().len() {
        let Some(delta) = diff.get_delta(index) else {
            continue;
        };
        let path = delta
            .new_file()
            .path()
            .or_else(|| delta.old_file().path())
            .map(|p| p.display().to_string())
            .unwrap_or_default();
        let (_, insertions, deletions) = match Patch::from_diff(diff, index)? {
            Some(patch) => patch.line_stats()?,
            None => (0, 0, 0),
        };
        files.push(FileChange {
            path,
            status: status_name(delta.status()).to_owned(),
            insertions: insertions as u64,
            deletions: deletions as u64,
        });
    }
    Ok(files)
}

/// The unified diff, cut at [`MAX_PATCH_BYTES`].
pub fn patch(layout: &Layout, name: &WorktreeName) -> Result<Option<String>, GitError> {
    let Some((checkout, base)) = open(layout, name)? else {
        return Ok(None);
    };
    let mut text = Vec::new();
    let mut cut = false;
    diff(&checkout, base)?
        .print(DiffFormat::Patch, |_, _, line| {
            if text.len() + line.content().len() + 1 > MAX_PATCH_BYTES {
                cut = true;
                return false;
            }
            if matches!(line.origin(), '+' | '-' | ' ') {
                text.push(line.origin() as u8);
            }
            text.extend_from_slice(line.content());
            true
        })
        .or_else(|e| if cut { Ok(()) } else { Err(e) })?;
    let mut text = String::from_utf8_lossy(&text).into_owned();
    if cut {
        text.push_str("\n[diff cut: too long]\n");
    }
    Ok(Some(text))
}

/// The worktree and its base: where its branch left the default branch.
pub(super) fn open(
    layout: &Layout,
    name: &WorktreeName,
) -> Result<Option<(Repository, Oid)>, GitError> {
    let path = layout.worktree(name);
    if !worktree::is_checkout(&path) {
        return Ok(None);
    }
    let Some(clone) = repo::open(layout, &name.repo)? else {
        return Ok(None);
    };
    let default_tip = repo::base_commit(&clone, &repo::default_branch(&clone)?)?.id();
    let checkout = Repository::open(&path)?;
    let head = checkout.head()?.peel_to_commit()?.id();
    let base = checkout.merge_base(head, default_tip).unwrap_or(head);
    Ok(Some((checkout, base)))
}

pub(super) fn diff(checkout: &Repository, base: Oid) -> Result<Diff<'_>, GitError> {
    let tree = checkout.find_commit(base)?.tree()?;
    let mut options = DiffOptions::new();
    options
        .include_untracked(true)
        .recurse_untracked_dirs(true)
        .show_untracked_content(true);
    for spec in project_config::exclusions(checkout) {
        options.pathspec(spec);
    }
    Ok(checkout.diff_tree_to_workdir_with_index(Some(&tree), Some(&mut options))?)
}

pub(super) fn status_name(delta: Delta) -> &'static str {
    match delta {
        Delta::Added | Delta::Untracked => "added",
        Delta::Deleted => "deleted",
        Delta::Modified => "modified",
        Delta::Renamed => "renamed",
        Delta::Copied => "copied",
        Delta::Typechange => "typechange",
        _ => "other",
    }
}
