//! The async face of the git module: every call runs its blocking git2
//! work on tokio's blocking pool, opening repositories afresh each time.
//! Clones are single-flight: a second request for a repo that is being
//! cloned waits for the first clone instead of racing it.

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use tokio::sync::watch;

use super::chat_id::{ChatId, WorktreeName};
use super::clone_job::clone_into_place;
use super::layout::Layout;
use super::limits::CloneLimits;
use super::names::RepoName;
use super::remote::{self, GithubToken};
use super::repo_locks::RepoLocks;
use super::source::RepoSource;
use super::trust::TrustStore;
use super::worktree::{self, Removed};
use super::{GitError, diff, disk, repo};
use crate::repos::{
    AddedRepo, CloneInFlight, CloneOutcome, CloneProgress, DiffStat, DiskUsage, RepoInfo,
    WorktreeInfo,
};

#[derive(Clone, Debug)]
enum CloneState {
    Running(CloneProgress),
    Done,
    Failed(Arc<GitError>),
}

type CloneJobs = HashMap<RepoName, watch::Receiver<CloneState>>;

/// Repos and chat worktrees under one data directory.
#[derive(Debug)]
pub struct RepoStore {
    layout: Layout,
    token: Option<GithubToken>,
    clones: Arc<Mutex<CloneJobs>>,
    /// Chats between "worktree created" and "session created": the garbage
    /// collector must not take their worktree for an orphan.
    starting: Arc<Mutex<HashSet<WorktreeName>>>,
    /// Worktrees of one repo are added and removed one at a time.
    pub(super) worktree_locks: Arc<RepoLocks>,
    /// Which repos may run their own opencode config.
    pub(super) trust: Arc<TrustStore>,
    limits: CloneLimits,
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
            clones: Arc::default(),
            starting: Arc::default(),
            worktree_locks: Arc::default(),
            limits: CloneLimits::default(),
        }
    }

    /// Clones from now on stop at `limits`.
    pub fn with_clone_limits(mut self, limits: CloneLimits) -> Self {
        self.limits = limits;
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

    pub fn clones_in_flight(&self) -> Vec<CloneInFlight> {
        let mut clones: Vec<CloneInFlight> = lock(&self.clones)
            .iter()
            .filter_map(|(name, rx)| match *rx.borrow() {
                CloneState::Running(progress) => Some(CloneInFlight {
                    name: name.to_string(),
                    progress,
                }),
                _ => None,
            })
            .collect();
        clones.sort_by(|a, b| a.name.cmp(&b.name));
        clones
    }

    /// Clones `source` unless its clone exists or is under way (then waits for it).
    pub async fn add_repo(&self, source: RepoSource) -> Result<AddedRepo, GitError> {
        if let RepoSource::Local { path, .. } = &source {
            let path = path.clone();
            self.blocking(move |_| {
                match git2::Repository::open_bare(&path).or_else(|_| git2::Repository::open(&path))
                {
                    Ok(_) => Ok(()),
                    Err(_) => Err(GitError::InvalidSource(format!(
                        "no git repository at {}",
                        path.display()
                    ))),
                }
            })
            .await?;
        }
        let name = source.repo_name().clone();
        let job = {
            let mut jobs = lock(&self.clones);
            let sharing = jobs
                .keys()
                .find(|other| *other != &name && other.dir_name() == name.dir_name());
            if let Some(other) = sharing {
                return Err(collision(&name, other));
            }
            if let Some(rx) = jobs.get(&name) {
                Some((rx.clone(), CloneOutcome::Joined))
            } else if self.layout.repo(&name).exists() {
                None
            } else {
                let rx = self.start_clone(&source);
                jobs.insert(name.clone(), rx.clone());
                Some((rx, CloneOutcome::Cloned))
            }
        };
        let Some((mut rx, outcome)) = job else {
            let asked = name.clone();
            let owner = self
                .blocking(move |layout| repo::owner(layout, &asked))
                .await?;
            if let Some(other) = owner.filter(|owner| owner != &name) {
                return Err(collision(&name, &other));
            }
            let repo = self.repo(&name).await?.ok_or_else(|| {
                GitError::Conflict(format!("{name} exists but is not a git clone"))
            })?;
            return Ok(AddedRepo {
                repo,
                outcome: CloneOutcome::Existing,
            });
        };
        let state = rx
            .wait_for(|state| !matches!(state, CloneState::Running(_)))
            .await
            .map_err(|_| GitError::Conflict(format!("the clone of {name} was abandoned")))?
            .clone();
        if let CloneState::Failed(error) = state {
            return Err(GitError::Shared(error));
        }
        let repo = self
            .repo(&name)
            .await?
            .ok_or(GitError::RepoNotFound(name))?;
        Ok(AddedRepo { repo, outcome })
    }

    /// Runs the clone in a task of its own, so it finishes (and is cleaned
    /// up) even if every caller goes away.
    fn start_clone(&self, source: &RepoSource) -> watch::Receiver<CloneState> {
        let (tx, rx) = watch::channel(CloneState::Running(CloneProgress::default()));
        let tx = Arc::new(tx);
        let name = source.repo_name().clone();
        let url = source.clone_url();
        let layout = self.layout.clone();
        let token = self.token.clone();
        let jobs = Arc::clone(&self.clones);
        let limits = self.limits;
        let progress = Arc::clone(&tx);
        tokio::spawn(async move {
            tracing::info!(repo = %name, %url, "cloning");
            let job_name = name.clone();
            let result = tokio::task::spawn_blocking(move || {
                let report = move |p| {
                    progress.send_replace(CloneState::Running(p));
                };
                clone_into_place(&layout, &job_name, &url, token.as_ref(), limits, &report)
            })
            .await
            .map_err(GitError::from)
            .and_then(|r| r);
            let state = match result {
                Ok(()) => CloneState::Done,
                Err(error) => {
                    tracing::warn!(repo = %name, %error, "clone failed");
                    CloneState::Failed(Arc::new(error))
                }
            };
            // The clone is in place (or cleaned up) before the job ends.
            lock(&jobs).remove(&name);
            tx.send_replace(state);
        });
        rx
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
        let locks = Arc::clone(&self.worktree_locks);
        let trust = Arc::clone(&self.trust);
        self.blocking(move |layout| {
            if repo::open(layout, &name.repo)?.is_none() {
                return Err(GitError::RepoNotFound(name.repo.clone()));
            }
            if let Err(error) = remote::fetch(&name.repo, &layout.repo(&name.repo), token.as_ref()) {
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

/// Two names whose clones would share one directory: the second is
/// refused, never merged into the first.
fn collision(name: &RepoName, other: &RepoName) -> GitError {
    GitError::Conflict(format!(
        "{name} collides with {other}: both would be cloned into repos/{}; delete {other} first, or add this one under another name",
        name.dir_name()
    ))
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
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
