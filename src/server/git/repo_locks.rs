//! One lock per repo for the git work that adds or removes its worktrees.
//!
//! libgit2's `worktree add` reads every sibling worktree to check that the
//! new branch is not checked out elsewhere, and reports a sibling caught
//! half-made or half-removed as "already checked out". Chats of one repo
//! are therefore made and deleted one at a time; other repos don't wait.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use super::names::RepoName;

#[derive(Debug, Default)]
pub struct RepoLocks {
    locks: Mutex<HashMap<RepoName, Arc<Mutex<()>>>>,
}

impl RepoLocks {
    /// Runs `work` (blocking) while holding `repo`'s lock.
    pub fn with<T>(&self, repo: &RepoName, work: impl FnOnce() -> T) -> T {
        let lock = Arc::clone(
            self.locks
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .entry(repo.clone())
                .or_default(),
        );
        let _held: MutexGuard<'_, ()> = lock.lock().unwrap_or_else(PoisonError::into_inner);
        work()
    }
}
