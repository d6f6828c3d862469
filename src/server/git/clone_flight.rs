//! Clones, single-flight: a second request for a repo that is being
//! cloned waits for the first clone instead of racing it, and two names
//! that would share one directory are refused.

use std::collections::HashMap;
use std::sync::Arc;

use tokio::sync::watch;

use super::clone_job::clone_into_place;
use super::names::RepoName;
use super::source::RepoSource;
use super::store::{RepoStore, lock};
use super::{GitError, repo};
use crate::model::repos::{AddedRepo, CloneInFlight, CloneOutcome, CloneProgress};

#[derive(Clone, Debug)]
pub(super) enum CloneState {
    Running(CloneProgress),
    Done,
    Failed(Arc<GitError>),
}

pub(super) type CloneJobs = HashMap<RepoName, watch::Receiver<CloneState>>;

impl RepoStore {
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
        let url = source.clone_url(&self.github);
        let layout = self.layout.clone();
        let token = self.token.clone();
        let host = self.github.clone();
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
                clone_into_place(
                    &layout,
                    &job_name,
                    &url,
                    token.as_ref(),
                    &host,
                    limits,
                    &report,
                )
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
}

/// Two names whose clones would share one directory: the second is
/// refused, never merged into the first.
fn collision(name: &RepoName, other: &RepoName) -> GitError {
    GitError::Conflict(format!(
        "{name} collides with {other}: both would be cloned into repos/{}; delete {other} first, or add this one under another name",
        name.dir_name()
    ))
}
