//! Committing a chat's work on its branch (blocking): every changed file
//! or the ones the user picked, as they are on disk.
//!
//! The commit's tree is built apart, from the branch's last commit plus
//! the picked files, so nothing the user did not pick goes in (not even
//! what the agent staged) and a failure leaves the worktree and its index
//! as they were. Only after the commit does the index learn about the
//! committed files. A set-aside opencode config is never a change, so it
//! is never committed.

use std::collections::BTreeSet;
use std::path::{Component, Path};

use git2::{Index, IndexEntry, IndexTime, Repository};

use super::GitError;
use super::author::{GitAuthor, commit_author};
use super::changes::{self, Opened};

/// The longest commit message accepted, in bytes.
pub const MAX_MESSAGE_BYTES: usize = 10_000;

/// Validates a commit message: not blank, not huge, no NUL; trimmed.
pub fn message(text: &str) -> Result<&str, GitError> {
    let text = text.trim();
    if text.is_empty() {
        return Err(GitError::InvalidName("the commit message is empty".into()));
    }
    if text.len() > MAX_MESSAGE_BYTES {
        return Err(GitError::InvalidName(format!(
            "the commit message is too long ({} bytes; at most {MAX_MESSAGE_BYTES})",
            text.len()
        )));
    }
    if text.contains('\0') {
        return Err(GitError::InvalidName(
            "the commit message contains a NUL character".into(),
        ));
    }
    Ok(text)
}

/// Commits on the chat's branch, as `author`: the files in `paths`
/// (each must be one of the changed files), or every changed file.
pub(super) fn commit(
    opened: &Opened,
    text: &str,
    paths: Option<&[String]>,
    author: &GitAuthor,
) -> Result<String, GitError> {
    let text = message(text)?;
    let checkout = &opened.checkout;
    let changed: BTreeSet<String> = changes::uncommitted(checkout)?
        .into_iter()
        .map(|file| file.path)
        .collect();
    let picked = pick(&changed, paths)?;
    let workdir = checkout
        .workdir()
        .ok_or_else(|| GitError::Conflict("the chat's worktree has no working tree".into()))?
        .to_path_buf();
    let head = checkout.head()?.peel_to_commit()?;
    let mut staged = Index::new()?;
    staged.read_tree(&head.tree()?)?;
    for path in &picked {
        stage(checkout, &mut staged, &workdir, path)?;
    }
    let tree_id = staged.write_tree_to(checkout)?;
    if tree_id == head.tree_id() {
        return Err(GitError::Conflict(
            "nothing to commit: the picked files are as the last commit has them".into(),
        ));
    }
    let tree = checkout.find_tree(tree_id)?;
    let signature = commit_author(&opened.clone, author)?;
    let id = checkout.commit(Some("HEAD"), &signature, &signature, text, &tree, &[&head])?;
    // The commit is made; the index catching up is a nicety (a failure
    // here shows the files as changed again, with nothing lost).
    if let Err(error) = refresh_index(checkout, &workdir, &picked) {
        tracing::warn!(%error, "committed, but the worktree's index was not updated");
    }
    Ok(id.to_string())
}

/// The paths to commit: all changed ones, or the picked ones, checked.
fn pick(
    changed: &BTreeSet<String>,
    paths: Option<&[String]>,
) -> Result<BTreeSet<String>, GitError> {
    if changed.is_empty() {
        return Err(GitError::Conflict(
            "nothing to commit: the chat has no uncommitted changes".into(),
        ));
    }
    let Some(paths) = paths else {
        return Ok(changed.clone());
    };
    if paths.is_empty() {
        return Err(GitError::InvalidName("no files picked to commit".into()));
    }
    let mut picked = BTreeSet::new();
    for path in paths {
        check_path(path)?;
        if !changed.contains(path) {
            return Err(GitError::InvalidName(format!(
                "{path:?} is not one of the chat's changed files"
            )));
        }
        picked.insert(path.clone());
    }
    Ok(picked)
}

/// A path the user picked: relative, inside the worktree, plain.
pub fn check_path(path: &str) -> Result<(), GitError> {
    let bad = |why: &str| {
        let shown: String = path.chars().take(200).collect();
        Err(GitError::InvalidName(format!("bad path {shown:?}: {why}")))
    };
    if path.is_empty() || path.len() > 4096 {
        return bad("must be 1 to 4096 bytes");
    }
    if path.chars().any(char::is_control) || path.contains('\\') {
        return bad("must not contain control characters or backslashes");
    }
    if path.starts_with('/') || Path::new(path).is_absolute() {
        return bad("must be relative to the worktree");
    }
    for component in Path::new(path).components() {
        match component {
            Component::Normal(_) => {}
            Component::ParentDir => return bad("must not contain .."),
            _ => return bad("must be a plain relative path"),
        }
    }
    Ok(())
}

/// Puts `path` as it is on disk (or its absence) into `staged`.
fn stage(
    checkout: &Repository,
    staged: &mut Index,
    workdir: &Path,
    path: &str,
) -> Result<(), GitError> {
    let full = workdir.join(path);
    let Ok(metadata) = full.symlink_metadata() else {
        staged.remove_path(Path::new(path))?;
        return Ok(());
    };
    let (blob, mode) = if metadata.file_type().is_symlink() {
        let target = std::fs::read_link(&full).map_err(|e| GitError::io(full.display(), e))?;
        let bytes = target.as_os_str().as_encoded_bytes();
        (checkout.blob(bytes)?, 0o120_000)
    } else if metadata.is_file() {
        (checkout.blob_path(&full)?, file_mode(&metadata))
    } else {
        return Err(GitError::Conflict(format!(
            "{path} is neither a file nor a symlink; commit it in the chat"
        )));
    };
    let time = IndexTime::new(0, 0);
    staged.add(&IndexEntry {
        ctime: time,
        mtime: time,
        dev: 0,
        ino: 0,
        mode,
        uid: 0,
        gid: 0,
        file_size: 0,
        id: blob,
        flags: 0,
        flags_extended: 0,
        path: path.as_bytes().to_vec(),
    })?;
    Ok(())
}

#[cfg(unix)]
fn file_mode(metadata: &std::fs::Metadata) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    if metadata.permissions().mode() & 0o111 != 0 {
        0o100_755
    } else {
        0o100_644
    }
}

#[cfg(not(unix))]
fn file_mode(_: &std::fs::Metadata) -> u32 {
    0o100_644
}

/// The worktree's index takes the committed files as they are on disk.
fn refresh_index(
    checkout: &Repository,
    workdir: &Path,
    paths: &BTreeSet<String>,
) -> Result<(), GitError> {
    let mut index = checkout.index()?;
    for path in paths {
        if workdir.join(path).symlink_metadata().is_ok() {
            index.add_path(Path::new(path))?;
        } else {
            index.remove_path(Path::new(path))?;
        }
    }
    Ok(index.write()?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn picked_paths_must_be_plain_and_relative() {
        for good in ["a.txt", "src/lib.rs", ".github/x.yml"] {
            assert!(check_path(good).is_ok(), "{good}");
        }
        for bad in [
            "",
            "/etc/passwd",
            "../x",
            "a/../../b",
            "./a",
            "a\\b",
            "a\nb",
        ] {
            assert!(check_path(bad).is_err(), "{bad:?}");
        }
        assert!(message("  ").is_err());
        assert!(message(&"x".repeat(MAX_MESSAGE_BYTES + 1)).is_err());
        assert_eq!(message(" fix \n").ok(), Some("fix"));
    }
}
