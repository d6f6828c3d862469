//! Pushing a chat's branch to GitHub with the token (blocking), so the
//! agent never holds it.
//!
//! The agent can write the clone's `.git/config` (it works in a worktree of
//! it): `remote.origin.url`, `pushurl`, `url.*.insteadOf`, `http.proxy`,
//! `http.extraHeader` would all steer a push made from the clone. So the
//! push is made from a scratch bare repository under the data directory
//! (out of the agent's reach) that borrows the clone's objects as an
//! alternate and has no config of its own, to a URL built from the repo's
//! name and GitHub's host.

use std::path::{Path, PathBuf};

use git2::{Direction, Oid, PushOptions, RemoteCallbacks, Repository};

use super::chat_id::WorktreeName;
use super::github_host::GithubHost;
use super::layout::Layout;
use super::names::{BranchName, invalid};
use super::remote::{GithubToken, offer_token};
use super::store::RepoStore;
use super::{GitError, origin_record, repo};
use crate::model::pull_request::PushOutcome;

/// What to push, and where it must not go.
#[derive(Clone, Debug)]
pub struct PushRequest {
    pub chat: WorktreeName,
    /// The branch on GitHub; `None`: `pocketcode/<chat id>`.
    pub branch: Option<BranchName>,
    /// Branches never pushed to (GitHub's default branch, as GitHub says).
    pub protected: Vec<String>,
    /// Replace the remote branch even when it is not an ancestor.
    pub force: bool,
}

impl RepoStore {
    /// Whether `GITHUB_TOKEN` is set.
    pub fn has_github_token(&self) -> bool {
        self.token.is_some()
    }

    /// GitHub's URL of `repo` when pocketcode cloned it from GitHub.
    pub async fn github_remote(&self, repo: &super::RepoName) -> Result<Option<String>, GitError> {
        let name = repo.clone();
        let host = self.github.clone();
        self.blocking(move |layout| {
            if repo::open(layout, &name)?.is_none() {
                return Err(GitError::RepoNotFound(name));
            }
            Ok(origin_record::is_github(layout, &host, &name)?.then(|| host.repo_url(&name)))
        })
        .await
    }

    /// Pushes the chat's branch to GitHub (see the module's doc).
    pub async fn push_chat(&self, request: PushRequest) -> Result<PushOutcome, GitError> {
        let Some(token) = self.token.clone() else {
            return Err(GitError::Conflict(
                "GITHUB_TOKEN is not set: set it to push to GitHub".into(),
            ));
        };
        let host = self.github.clone();
        let locks = std::sync::Arc::clone(&self.worktree_locks);
        self.blocking(move |layout| {
            locks.with(&request.chat.repo, || push(layout, &host, &token, &request))
        })
        .await
    }
}

fn push(
    layout: &Layout,
    host: &GithubHost,
    token: &GithubToken,
    request: &PushRequest,
) -> Result<PushOutcome, GitError> {
    let name = &request.chat;
    let clone =
        repo::open(layout, &name.repo)?.ok_or_else(|| GitError::RepoNotFound(name.repo.clone()))?;
    if !layout.worktree(name).is_dir() {
        return Err(GitError::WorktreeNotFound {
            repo: name.repo.clone(),
            chat: name.chat.to_string(),
        });
    }
    if !origin_record::is_github(layout, host, &name.repo)? {
        return Err(GitError::Conflict(format!(
            "{} has no GitHub remote: merge locally",
            name.repo
        )));
    }
    let local = BranchName::for_chat(&name.chat);
    let target = request.branch.clone().unwrap_or_else(|| local.clone());
    let default = repo::default_branch(&clone).unwrap_or_default();
    if target.as_str() == default || request.protected.iter().any(|p| p == target.as_str()) {
        return Err(invalid(
            "branch",
            target.as_str(),
            "that is the repo's default branch: push the chat's own branch and open a pull request",
        ));
    }
    let commit = clone
        .find_reference(&format!("refs/heads/{local}"))
        .and_then(|r| r.peel_to_commit())
        .map_err(|_| GitError::Conflict(format!("the chat's branch {local} is gone")))?
        .id();
    let scratch = Scratch::new(layout, name, &clone)?;
    let outcome = send(
        &scratch.repo,
        host,
        token,
        name,
        &target,
        commit,
        request.force,
    )?;
    clone.reference(
        &format!("refs/remotes/origin/{target}"),
        commit,
        true,
        "pocketcode: pushed",
    )?;
    Ok(outcome)
}

/// The push itself, from the scratch repository.
fn send(
    scratch: &Repository,
    host: &GithubHost,
    token: &GithubToken,
    name: &WorktreeName,
    target: &BranchName,
    commit: Oid,
    force: bool,
) -> Result<PushOutcome, GitError> {
    let refname = format!("refs/heads/{target}");
    scratch.reference(&refname, commit, true, "pocketcode: to push")?;
    let url = host.repo_url(&name.repo);
    let remote_error = |e: git2::Error| GitError::Remote {
        action: "push",
        repo: name.repo.clone(),
        message: e.message().to_owned(),
    };
    let mut remote = scratch.remote_anonymous(&url)?;
    let previous = {
        let mut callbacks = RemoteCallbacks::new();
        offer_token(&mut callbacks, token);
        let connection = remote
            .connect_auth(Direction::Push, Some(callbacks), None)
            .map_err(remote_error)?;
        connection
            .list()
            .map_err(remote_error)?
            .iter()
            .find(|head| head.name() == refname)
            .map(|head| head.oid())
    };
    let mut outcome = PushOutcome {
        branch: target.to_string(),
        commit: commit.to_string(),
        previous: previous.map(|p| p.to_string()),
        forced: false,
        up_to_date: previous == Some(commit),
    };
    if outcome.up_to_date {
        return Ok(outcome);
    }
    if let Some(old) = previous {
        // An old tip we do not even have is not an ancestor either.
        let fast_forward = scratch.graph_descendant_of(commit, old).unwrap_or(false);
        if !fast_forward && !force {
            return Err(GitError::Conflict(format!(
                "{target} on GitHub has commits the chat's branch does not (not a fast-forward): push with force to replace them"
            )));
        }
        outcome.forced = !fast_forward;
    }
    let mut rejected: Option<String> = None;
    {
        let mut callbacks = RemoteCallbacks::new();
        offer_token(&mut callbacks, token);
        callbacks.push_update_reference(|_, status| {
            if let Some(message) = status {
                rejected = Some(message.to_owned());
            }
            Ok(())
        });
        let mut options = PushOptions::new();
        options.remote_callbacks(callbacks);
        options.follow_redirects(git2::RemoteRedirect::None);
        let spec = format!("{}{refname}:{refname}", if force { "+" } else { "" });
        let mut remote = scratch.remote_anonymous(&url)?;
        remote
            .push(&[spec], Some(&mut options))
            .map_err(remote_error)?;
    }
    // A refused ref (a protected branch, a name clashing with another
    // branch) is GitHub's answer to this request, not a failure of GitHub.
    match rejected {
        Some(message) => Err(GitError::Conflict(format!(
            "GitHub refused to update {target}: {message}"
        ))),
        None => Ok(outcome),
    }
}

/// A bare repository with no config of its own that sees the clone's
/// objects; removed when dropped.
struct Scratch {
    dir: PathBuf,
    repo: Repository,
}

impl Scratch {
    fn new(layout: &Layout, name: &WorktreeName, clone: &Repository) -> Result<Self, GitError> {
        let dir = layout.data_dir().join("pushing").join(format!(
            "{}-{}",
            name.as_string(),
            rand::random::<u32>()
        ));
        let repo = Repository::init_bare(&dir)?;
        let scratch = Self { dir, repo };
        scratch
            .repo
            .odb()?
            .add_disk_alternate(&objects_dir(clone).display().to_string())?;
        Ok(scratch)
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        if let Err(error) = std::fs::remove_dir_all(&self.dir) {
            tracing::warn!(dir = %self.dir.display(), %error, "cannot remove a push's scratch repository");
        }
    }
}

/// The clone's object directory (`commondir` of a worktree's is the same).
fn objects_dir(clone: &Repository) -> PathBuf {
    Path::new(clone.path()).join("objects")
}

/// A branch the user names for the push: a valid branch name that is not a
/// full ref (`refs/…`) nor `HEAD`; pushed under `refs/heads/` only.
pub fn push_target(text: &str) -> Result<BranchName, GitError> {
    let branch = BranchName::parse(text.trim())?;
    if branch.as_str().starts_with("refs/") || branch.as_str() == "HEAD" {
        return Err(invalid(
            "branch",
            text,
            "give a branch name, not a ref (it is pushed under refs/heads/)",
        ));
    }
    Ok(branch)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::server::git::{ChatId, RepoName};

    #[tokio::test]
    async fn without_a_token_nothing_is_pushed_and_it_says_what_to_set() {
        let dir = std::env::temp_dir().join(format!("pocketcode-push-{}", std::process::id()));
        let store = RepoStore::new(Layout::new(dir.clone()), None);
        let chat = WorktreeName::new(
            RepoName::parse("octo/app").expect("name"),
            ChatId::generate(),
        );
        let request = PushRequest {
            chat,
            branch: None,
            protected: Vec::new(),
            force: false,
        };
        let error = store.push_chat(request).await.expect_err("no token");
        assert_eq!(error.status(), 409);
        assert!(error.to_string().contains("set it"), "{error}");
        assert!(error.to_string().contains("GITHUB_TOKEN"), "{error}");
        assert!(!dir.exists(), "nothing was written");
    }

    #[test]
    fn push_targets_are_plain_branch_names() {
        assert_eq!(
            push_target(" feature/x ").map(|b| b.to_string()).ok(),
            Some("feature/x".into())
        );
        for bad in [
            "refs/tags/v1",
            "refs/heads/main",
            "HEAD",
            "../x",
            "-f",
            "a b",
            "",
        ] {
            assert!(push_target(bad).is_err(), "{bad:?}");
        }
    }
}
