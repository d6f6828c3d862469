//! The async face of the git module: every call runs its blocking git2
//! work on tokio's blocking pool, opening repositories afresh each time.
//! Adding a repo (single-flight clones) is in `clone_flight.rs`.

use std::collections::HashSet;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use super::chat_id::{ChatId, WorktreeName};
use super::clone_flight::CloneJobs;
use super::github_host::GithubHost;
use super::layout::Layout;
use super::limits::CloneLimits;
use super::names::RepoName;
use super::remote::{self, GithubToken};
use super::repo_locks::RepoLocks;
use super::trust::TrustStore;
use super::worktree::{self, Removed};
use super::{GitError, diff, disk, repo, review_diff};
use crate::model::chats::{DiffStat, WorktreeInfo};
use crate::model::disk::DiskUsage;
use crate::model::repos::RepoInfo;

/// Repos and chat worktrees under one data directory.
#[derive(Debug)]
pub struct RepoStore {
    pub(super) layout: Layout,
    pub(super) token: Option<GithubToken>,
    /// GitHub's git host: where `owner/name` is cloned from and the only
    /// place the token goes.
    pub(super) github: GithubHost,
    pub(super) clones: Arc<Mutex<CloneJobs>>,
    /// Chats between "worktree created" and "session created": the garbage
    /// collector must not take their worktree for an orphan.
    starting: Arc<Mutex<HashSet<WorktreeName>>>,
    /// Worktrees of one repo are added and removed one at a time.
    pub(super) worktree_locks: Arc<RepoLocks>,
    /// Which repos may run their own opencode config.
    pub(super) trust: Arc<TrustStore>,
    pub(super) limits: CloneLimits,
    /// Who commits and local merges are by (see `author::commit_author`).
    pub(super) author: super::author::GitAuthor,
}

/// Marks a chat as starting until dropped.
pub struct StartingChat {
    name: WorktreeName,
    starting: Arc<Mutex<HashSet<WorktreeName>>>,
}

impl Drop for StartingChat {
    fn drop(&mut self) {
        lock(&self.starting).remove(&self.name);
    }
}

impl RepoStore {
    pub fn new(layout: Layout, token: Option<GithubToken>) -> Self {
        Self {
            trust: Arc::new(TrustStore::new(layout.data_dir())),
            layout,
            token,
            github: GithubHost::default(),
            clones: Arc::default(),
            starting: Arc::default(),
            worktree_locks: Arc::default(),
            limits: CloneLimits::default(),
            author: super::author::GitAuthor::default(),
        }
    }

    /// Clones from now on stop at `limits`.
    pub fn with_clone_limits(mut self, limits: CloneLimits) -> Self {
        self.limits = limits;
        self
    }

    /// GitHub is at `host` (GitHub Enterprise, or a test's stand-in).
    pub fn with_github_host(mut self, host: GithubHost) -> Self {
        self.github = host;
        self
    }

    pub fn layout(&self) -> &Layout {
        &self.layout
    }

    pub async fn repos(&self) -> Result<Vec<RepoInfo>, GitError> {
        let trust = Arc::clone(&self.trust);
        self.blocking(move |layout| {
            let trusted = trust.trusted()?;
            let mut repos = repo::list(layout)?;
            for repo in &mut repos {
                repo.trusted = trusted.contains(&repo.name);
            }
            Ok(repos)
        })
        .await
    }

    pub async fn repo(&self, name: &RepoName) -> Result<Option<RepoInfo>, GitError> {
        let name = name.clone();
        let trust = Arc::clone(&self.trust);
        self.blocking(move |layout| {
            let Some(mut info) = repo::info(layout, &name)? else {
                return Ok(None);
            };
            info.trusted = trust.is_trusted(&name)?;
            Ok(Some(info))
        })
        .await
    }

    pub async fn delete_repo(&self, name: &RepoName, force: bool) -> Result<Option<u32>, GitError> {
        if lock(&self.clones).contains_key(name) {
            return Err(GitError::Conflict(format!("{name} is being cloned")));
        }
        let name = name.clone();
        let locks = Arc::clone(&self.worktree_locks);
        let trust = Arc::clone(&self.trust);
        self.blocking(move |layout| {
            locks.with(&name, || {
                let deleted = repo::delete(layout, &name, force)?;
                if deleted.is_some() {
                    trust.set(&name, false)?;
                }
                Ok(deleted)
            })
        })
        .await
    }

    pub async fn worktrees(&self) -> Result<Vec<WorktreeInfo>, GitError> {
        self.blocking(worktree::list).await
    }

    pub async fn worktree(&self, name: &WorktreeName) -> Result<Option<WorktreeInfo>, GitError> {
        let name = name.clone();
        self.blocking(move |layout| worktree::info(layout, &name))
            .await
    }

    /// Marks a chat as starting (see [`StartingChat`]).
    pub fn start_chat(&self, repo: RepoName) -> (WorktreeName, StartingChat) {
        let name = WorktreeName::new(repo, ChatId::generate());
        lock(&self.starting).insert(name.clone());
        let guard = StartingChat {
            name: name.clone(),
            starting: Arc::clone(&self.starting),
        };
        (name, guard)
    }

    pub fn is_starting(&self, name: &WorktreeName) -> bool {
        lock(&self.starting).contains(name)
    }

    /// Fetches the clone, then makes the chat's worktree from the fresh
    /// default branch, with the repo's own opencode config set aside unless
    /// the repo is trusted. A failed fetch (offline, remote down) is logged
    /// and the chat starts from what the clone has.
    pub async fn create_worktree(&self, name: &WorktreeName) -> Result<WorktreeInfo, GitError> {
        let name = name.clone();
        let token = self.token.clone();
        let host = self.github.clone();
        let locks = Arc::clone(&self.worktree_locks);
        let trust = Arc::clone(&self.trust);
        self.blocking(move |layout| {
            if repo::open(layout, &name.repo)?.is_none() {
                return Err(GitError::RepoNotFound(name.repo.clone()));
            }
            if let Err(error) = remote::fetch(&name.repo, &layout.repo(&name.repo), token.as_ref(), &host) {
                tracing::warn!(repo = %name.repo, %error, "fetch failed; starting from the cached clone");
            }
            // Read under the lock `set_trust` holds: never a stale answer.
            locks.with(&name.repo, || {
                worktree::create(layout, &name, trust.is_trusted(&name.repo)?)
            })
        })
        .await
    }

    pub async fn remove_worktree(
        &self,
        name: &WorktreeName,
        force: bool,
        delete_branch: bool,
    ) -> Result<Option<Removed>, GitError> {
        let name = name.clone();
        let locks = Arc::clone(&self.worktree_locks);
        self.blocking(move |layout| {
            locks.with(&name.repo, || {
                worktree::remove(layout, &name, force, delete_branch)
            })
        })
        .await
    }

    pub async fn diff_stat(&self, name: &WorktreeName) -> Result<Option<DiffStat>, GitError> {
        let name = name.clone();
        self.blocking(move |layout| diff::stat(layout, &name)).await
    }

    pub async fn diff_patch(&self, name: &WorktreeName) -> Result<Option<String>, GitError> {
        let name = name.clone();
        self.blocking(move |layout| diff::patch(layout, &name))
            .await
    }

    /// The chat's diff line by line, for a review (`None`: no such chat).
    pub async fn review_diff(
        &self,
        name: &WorktreeName,
    ) -> Result<Option<crate::model::review::ReviewDiff>, GitError> {
        let name = name.clone();
        self.blocking(move |layout| review_diff::review_diff(layout, &name))
            .await
    }

    pub async fn disk_usage(&self) -> Result<DiskUsage, GitError> {
        self.blocking(disk::usage).await
    }

    pub(super) async fn blocking<T: Send + 'static>(
        &self,
        work: impl FnOnce(&Layout) -> Result<T, GitError> + Send + 'static,
    ) -> Result<T, GitError> {
        let layout = self.layout.clone();
        tokio::task::spawn_blocking(move || work(&layout)).await?
    }
}

pub(super) fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    // The maps stay consistent even if a holder panicked.
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A local repo with one commit on `main`, at the layout's place for `name`.
    fn seed_repo(layout: &Layout, name: &RepoName) {
        let repo = git2::Repository::init(layout.repo(name)).expect("init");
        repo.set_head("refs/heads/main").expect("head");
        let signature = git2::Signature::now("t", "t@example.com").expect("signature");
        let tree = repo
            .treebuilder(None)
            .and_then(|builder| builder.write())
            .and_then(|id| repo.find_tree(id))
            .expect("tree");
        repo.commit(Some("HEAD"), &signature, &signature, "first", &tree, &[])
            .expect("commit");
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    async fn chats_of_one_repo_made_and_deleted_at_once_all_succeed() {
        let dir =
            std::env::temp_dir().join(format!("pocketcode-store-race-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let layout = Layout::new(dir.clone());
        let name = RepoName::new("local", "race").expect("name");
        std::fs::create_dir_all(layout.repos_dir()).expect("repos dir");
        seed_repo(&layout, &name);
        let store = Arc::new(RepoStore::new(layout, None));
        for round in 0..3 {
            let names: Vec<WorktreeName> =
                (0..10).map(|_| store.start_chat(name.clone()).0).collect();
            let made = futures::future::join_all(names.iter().map(|chat| {
                let store = Arc::clone(&store);
                let chat = chat.clone();
                async move { store.create_worktree(&chat).await }
            }))
            .await;
            for result in &made {
                assert!(result.is_ok(), "round {round}: {result:?}");
            }
            let removed = futures::future::join_all(names.iter().map(|chat| {
                let store = Arc::clone(&store);
                let chat = chat.clone();
                async move { store.remove_worktree(&chat, true, true).await }
            }))
            .await;
            for result in &removed {
                assert!(matches!(result, Ok(Some(_))), "round {round}: {result:?}");
            }
        }
        assert!(store.worktrees().await.expect("list").is_empty());
        std::fs::remove_dir_all(&dir).expect("cleanup");
    }
}
