//! A folder of a chat's worktree: its entries, with sizes and each one's
//! git status against the branch's last commit (blocking: call it through
//! `spawn_blocking`).

use std::collections::HashMap;
use std::path::Path;

use git2::{Repository, Status, StatusOptions};

use super::FilesError;
use super::path::{Worktree, WorktreePath};
use crate::model::files::{FileEntry, FileKind, FileStatus, FolderListing, MAX_LISTED};

pub fn list(tree: &Worktree, path: &WorktreePath) -> Result<FolderListing, FilesError> {
    let dir = tree.resolve(path)?;
    if !dir.is_dir() {
        return Err(FilesError::Invalid(format!(
            "{} is a file, not a folder",
            path.shown()
        )));
    }
    // Where the folder really is decides its files' statuses (the request
    // may have come through a link inside the worktree).
    let real = relative(tree.root(), &dir);
    let marks = statuses(tree.root(), &real)?;
    let mut entries = Vec::new();
    let mut truncated = false;
    for item in std::fs::read_dir(&dir)? {
        let item = item?;
        // A name that is not UTF-8 cannot be named in a request.
        let Ok(name) = item.file_name().into_string() else {
            continue;
        };
        // git's own pointer to the repo, not the chat's work.
        if real.is_empty() && name == ".git" {
            continue;
        }
        if entries.len() >= MAX_LISTED as usize {
            truncated = true;
            break;
        }
        let meta = item.metadata()?;
        let kind = if meta.is_symlink() {
            FileKind::Link
        } else if meta.is_dir() {
            FileKind::Folder
        } else {
            FileKind::File
        };
        let child = if path.as_str().is_empty() {
            name.clone()
        } else {
            format!("{}/{name}", path.as_str())
        };
        entries.push(FileEntry {
            status: marks.get(&name).copied(),
            size: (kind == FileKind::File).then_some(meta.len()),
            path: child,
            name,
            kind,
        });
    }
    entries.sort_by(|a, b| {
        (a.kind != FileKind::Folder, &a.name).cmp(&(b.kind != FileKind::Folder, &b.name))
    });
    Ok(FolderListing {
        path: path.as_str().to_owned(),
        entries,
        truncated,
    })
}

/// `dir` relative to `root`, `/`-separated (`""` for the root).
fn relative(root: &Path, dir: &Path) -> String {
    dir.strip_prefix(root)
        .map(|p| p.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// The status of each entry of folder `dir` (relative to the worktree)
/// that git sees changed: a file's own, or `Changed` for a folder with
/// changes inside.
fn statuses(root: &Path, dir: &str) -> Result<HashMap<String, FileStatus>, FilesError> {
    let repo = Repository::open(root)?;
    let mut options = StatusOptions::new();
    options
        .include_untracked(true)
        .recurse_untracked_dirs(false)
        .include_ignored(false)
        .exclude_submodules(true);
    if !dir.is_empty() {
        options.pathspec(dir);
    }
    let prefix = if dir.is_empty() {
        String::new()
    } else {
        format!("{dir}/")
    };
    let mut marks = HashMap::new();
    for entry in repo.statuses(Some(&mut options))?.iter() {
        let Some(path) = entry.path() else { continue };
        let Some(inside) = path.strip_prefix(prefix.as_str()) else {
            continue;
        };
        let Some(mark) = mark(entry.status()) else {
            continue;
        };
        // An untracked folder comes whole, as `name/`.
        match inside.trim_end_matches('/').split_once('/') {
            None if inside.ends_with('/') => {
                marks.insert(
                    inside.trim_end_matches('/').to_owned(),
                    FileStatus::Untracked,
                );
            }
            None => {
                marks.insert(inside.to_owned(), mark);
            }
            Some((folder, _)) => {
                marks.insert(folder.to_owned(), FileStatus::Changed);
            }
        }
    }
    Ok(marks)
}

fn mark(status: Status) -> Option<FileStatus> {
    if status.is_ignored() {
        None
    } else if status.is_index_new() {
        Some(FileStatus::Added)
    } else if status.is_wt_new() {
        Some(FileStatus::Untracked)
    } else if status.is_empty() || status == Status::CURRENT {
        None
    } else {
        Some(FileStatus::Modified)
    }
}
