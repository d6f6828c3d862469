//! Clones on disk (blocking): open, describe, list, delete.

use std::path::Path;

use git2::{Commit, ErrorCode, Repository};

use super::chat_id::WorktreeName;
use super::layout::Layout;
use super::names::RepoName;
use super::{GitError, worktree};
use crate::model::repos::RepoInfo;

/// Opens a clone; `Ok(None)` when it does not exist.
pub fn open(layout: &Layout, name: &RepoName) -> Result<Option<Repository>, GitError> {
    let path = layout.repo(name);
    if !path.is_dir() {
        return Ok(None);
    }
    match Repository::open(&path) {
        Ok(repo) => Ok(Some(repo)),
        Err(e) if e.code() == ErrorCode::NotFound => Ok(None),
        Err(e) => Err(e.into()),
    }
}

/// Where a clone records whose it is: `owner/name` (two names can share a
/// directory: `a_/b` and `a/_b` are both `a___b`).
const NAME_KEY: &str = "pocketcode.repo";

/// Records `name` in the clone at `path` (before it is moved into place).
pub fn record_name(path: &Path, name: &RepoName) -> Result<(), GitError> {
    let repo = Repository::open(path)?;
    repo.config()?
        .open_level(git2::ConfigLevel::Local)?
        .set_str(NAME_KEY, &name.to_string())?;
    Ok(())
}

/// Whose clone is in `name`'s directory: the name recorded at clone time,
/// or, for clones made before names were recorded, the directory name read
/// back. `Ok(None)` when there is no clone there.
pub fn owner(layout: &Layout, name: &RepoName) -> Result<Option<RepoName>, GitError> {
    let Some(repo) = open(layout, name)? else {
        return Ok(None);
    };
    let recorded = repo
        .config()
        .and_then(|c| c.open_level(git2::ConfigLevel::Local))
        .and_then(|c| c.get_string(NAME_KEY))
        .ok()
        .and_then(|text| RepoName::parse(&text).ok());
    Ok(Some(recorded.unwrap_or_else(|| {
        RepoName::from_dir_name(&name.dir_name()).unwrap_or_else(|_| name.clone())
    })))
}

/// The branch the clone checked out: the remote's default branch.
pub fn default_branch(repo: &Repository) -> Result<String, GitError> {
    let head = repo.find_reference("HEAD")?;
    let target = head
        .symbolic_target()
        .and_then(|t| t.strip_prefix("refs/heads/"))
        .ok_or_else(|| GitError::Conflict("the clone's HEAD is not on a branch".into()))?;
    Ok(target.to_owned())
}

/// Where a new chat starts: the fetched `origin/<default>`, or the clone's
/// HEAD when there is no such remote branch, or when HEAD is ahead of it
/// (chats merged locally: later chats build on them).
pub fn base_commit<'r>(repo: &'r Repository, default: &str) -> Result<Commit<'r>, GitError> {
    let head = repo.head()?.peel_to_commit()?;
    match repo.find_reference(&format!("refs/remotes/origin/{default}")) {
        Ok(reference) => {
            let fetched = reference.peel_to_commit()?;
            if head.id() != fetched.id() && repo.graph_descendant_of(head.id(), fetched.id())? {
                return Ok(head);
            }
            Ok(fetched)
        }
        Err(e) if e.code() == ErrorCode::NotFound => Ok(head),
        Err(e) => Err(e.into()),
    }
}

/// `Ok(None)` too when the directory holds another repo's clone.
pub fn info(layout: &Layout, name: &RepoName) -> Result<Option<RepoInfo>, GitError> {
    if owner(layout, name)?.is_none_or(|owner| &owner != name) {
        return Ok(None);
    }
    let Some(repo) = open(layout, name)? else {
        return Ok(None);
    };
    let origin = match repo.find_remote("origin") {
        Ok(remote) => remote.url().unwrap_or_default().to_owned(),
        Err(_) => String::new(),
    };
    let worktrees = worktree_names(layout, Some(name))?.len();
    Ok(Some(RepoInfo {
        name: name.to_string(),
        origin,
        default_branch: default_branch(&repo).unwrap_or_default(),
        path: layout.repo(name).display().to_string(),
        worktrees: u32::try_from(worktrees).unwrap_or(u32::MAX),
        // The trust list is the store's to read: see `RepoStore::repo`.
        trusted: false,
    }))
}

/// Every clone, sorted by name (directories that are not clones are skipped).
pub fn list(layout: &Layout) -> Result<Vec<RepoInfo>, GitError> {
    let mut repos = Vec::new();
    for dir in dir_names(&layout.repos_dir())? {
        if let Ok(name) = RepoName::from_dir_name(&dir)
            && let Some(name) = owner(layout, &name)?
            && let Some(info) = info(layout, &name)?
        {
            repos.push(info);
        }
    }
    repos.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(repos)
}

/// Deletes a clone; refuses while chats (worktrees) of it exist unless
/// `force`, which deletes those too. `Ok(None)` when there is no such repo.
pub fn delete(layout: &Layout, name: &RepoName, force: bool) -> Result<Option<u32>, GitError> {
    // Another repo's clone in the same directory is not this repo's.
    if owner(layout, name)?.is_none_or(|owner| &owner != name) {
        return Ok(None);
    }
    let worktrees = worktree_names(layout, Some(name))?;
    if !worktrees.is_empty() && !force {
        return Err(GitError::Conflict(format!(
            "{name} still has {} chat worktree(s); delete them first or pass force",
            worktrees.len()
        )));
    }
    for worktree in &worktrees {
        let path = layout.worktree(worktree);
        std::fs::remove_dir_all(&path).map_err(|e| GitError::io(path.display(), e))?;
    }
    let path = layout.repo(name);
    std::fs::remove_dir_all(&path).map_err(|e| GitError::io(path.display(), e))?;
    Ok(Some(u32::try_from(worktrees.len()).unwrap_or(u32::MAX)))
}

/// The chat worktrees on disk, of one repo or of all, sorted.
pub fn worktree_names(
    layout: &Layout,
    repo: Option<&RepoName>,
) -> Result<Vec<WorktreeName>, GitError> {
    let mut names: Vec<WorktreeName> = dir_names(&layout.worktrees_dir())?
        .iter()
        .filter_map(|dir| WorktreeName::parse(dir).ok())
        .filter(|name| repo.is_none_or(|r| &name.repo == r))
        .filter(|name| worktree::is_checkout(&layout.worktree(name)))
        .collect();
    names.sort();
    Ok(names)
}

/// Names of the directories in `dir` (none when it does not exist yet).
fn dir_names(dir: &Path) -> Result<Vec<String>, GitError> {
    let entries = match std::fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(GitError::io(dir.display(), e)),
    };
    let mut names = Vec::new();
    for entry in entries {
        let entry = entry.map_err(|e| GitError::io(dir.display(), e))?;
        if entry.file_type().is_ok_and(|t| t.is_dir())
            && let Some(name) = entry.file_name().to_str()
        {
            names.push(name.to_owned());
        }
    }
    Ok(names)
}
