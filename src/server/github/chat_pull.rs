//! Shipping a chat through GitHub: push its branch with pocketcode's token,
//! then open, read, merge or close its pull request. The chat's branch on
//! GitHub is `pocketcode/<chat id>` or the name the user last pushed it
//! under (kept in `<data>/pushed/`, out of the agent's reach).

use std::path::PathBuf;

use super::pulls::{GithubPull, NewPull, RepoSettings};
use super::{GithubClient, GithubError};
use crate::model::pull_request::{MergeMethod, PullRequest, PullRequestState, PushOutcome};
use crate::server::git::{BranchName, GitError, PushRequest, RepoStore, WorktreeName};

#[derive(Debug, thiserror::Error)]
pub enum PullError {
    #[error(transparent)]
    Git(#[from] GitError),
    #[error(transparent)]
    Github(#[from] GithubError),
    #[error("{0}")]
    NotFound(String),
    #[error("{0}")]
    Conflict(String),
}

impl PullError {
    pub fn status(&self) -> u16 {
        match self {
            Self::Git(e) => e.status(),
            Self::Github(e) => e.status(),
            Self::NotFound(_) => 404,
            Self::Conflict(_) => 409,
        }
    }
}

/// Pushes the chat's branch (under `branch` if given) to GitHub.
pub async fn push_chat(
    git: &RepoStore,
    github: &GithubClient,
    chat: &WorktreeName,
    branch: Option<BranchName>,
    force: bool,
) -> Result<PushOutcome, PullError> {
    let settings = github_repo(git, github, chat).await?;
    let branch = match branch {
        Some(branch) => branch,
        None => pushed_branch(git, chat).await,
    };
    let outcome = git
        .push_chat(PushRequest {
            chat: chat.clone(),
            branch: Some(branch.clone()),
            protected: vec![settings.default_branch],
            force,
        })
        .await?;
    remember_branch(git, chat, &branch).await?;
    Ok(outcome)
}

/// The chat's pull request (the newest whose head is its branch), if any.
pub async fn get_pull_request(
    git: &RepoStore,
    github: &GithubClient,
    chat: &WorktreeName,
) -> Result<Option<PullRequest>, PullError> {
    let settings = github_repo(git, github, chat).await?;
    let branch = pushed_branch(git, chat).await;
    match github.find_pull(&chat.repo, branch.as_str()).await? {
        Some(pull) => Ok(Some(describe(github, chat, &settings, pull).await?)),
        None => Ok(None),
    }
}

/// Pushes the chat's branch, then opens its pull request against the
/// default branch (an open one is returned as it is: the push updated it).
pub async fn open_pull_request(
    git: &RepoStore,
    github: &GithubClient,
    chat: &WorktreeName,
    title: String,
    body: String,
    draft: bool,
) -> Result<PullRequest, PullError> {
    let settings = github_repo(git, github, chat).await?;
    push_chat(git, github, chat, None, false).await?;
    let branch = pushed_branch(git, chat).await;
    if let Some(pull) = github.find_pull(&chat.repo, branch.as_str()).await?
        && pull.state == "open"
    {
        return describe(github, chat, &settings, pull).await;
    }
    let new = NewPull {
        title,
        body,
        head: branch.to_string(),
        base: settings.default_branch.clone(),
        draft,
    };
    let pull = github.create_pull(&chat.repo, &new).await?;
    describe(github, chat, &settings, pull).await
}

/// Merges the chat's open pull request with `method`, if the repo allows it.
pub async fn merge_pull_request(
    git: &RepoStore,
    github: &GithubClient,
    chat: &WorktreeName,
    method: MergeMethod,
) -> Result<PullRequest, PullError> {
    let settings = github_repo(git, github, chat).await?;
    let allowed = settings.merge_methods();
    if !allowed.contains(&method) {
        let names: Vec<&str> = allowed.iter().map(|m| m.as_str()).collect();
        return Err(PullError::Conflict(format!(
            "{} does not allow {} merges; it allows: {}",
            chat.repo,
            method.as_str(),
            names.join(", ")
        )));
    }
    let pull = open_pull(git, github, chat).await?;
    github.merge_pull(&chat.repo, pull.number, method).await?;
    let pull = github.pull(&chat.repo, pull.number).await?;
    describe(github, chat, &settings, pull).await
}

/// Closes the chat's open pull request without merging it.
pub async fn close_pull_request(
    git: &RepoStore,
    github: &GithubClient,
    chat: &WorktreeName,
) -> Result<PullRequest, PullError> {
    let settings = github_repo(git, github, chat).await?;
    let pull = open_pull(git, github, chat).await?;
    let pull = github.close_pull(&chat.repo, pull.number).await?;
    describe(github, chat, &settings, pull).await
}

/// The chat exists, its repo came from GitHub, the token is set: the
/// repo's settings as GitHub has them.
async fn github_repo(
    git: &RepoStore,
    github: &GithubClient,
    chat: &WorktreeName,
) -> Result<RepoSettings, PullError> {
    if git.worktree(chat).await?.is_none() {
        return Err(PullError::NotFound(format!(
            "no chat {} in {}",
            chat.chat, chat.repo
        )));
    }
    if git.github_remote(&chat.repo).await?.is_none() {
        return Err(PullError::Conflict(format!(
            "{} has no GitHub remote: merge locally",
            chat.repo
        )));
    }
    if !git.has_github_token() {
        return Err(GithubError::NoToken.into());
    }
    Ok(github.repo_settings(&chat.repo).await?)
}

async fn open_pull(
    git: &RepoStore,
    github: &GithubClient,
    chat: &WorktreeName,
) -> Result<GithubPull, PullError> {
    let branch = pushed_branch(git, chat).await;
    match github.find_pull(&chat.repo, branch.as_str()).await? {
        Some(pull) if pull.state == "open" => Ok(pull),
        _ => Err(PullError::NotFound(format!(
            "the chat has no open pull request (branch {branch})"
        ))),
    }
}

async fn describe(
    github: &GithubClient,
    chat: &WorktreeName,
    settings: &RepoSettings,
    pull: GithubPull,
) -> Result<PullRequest, PullError> {
    let checks = github.checks(&chat.repo, &pull.head.sha).await?;
    let merged = pull.merged || pull.merged_at.is_some();
    Ok(PullRequest {
        number: pull.number,
        title: pull.title,
        body: pull.body.unwrap_or_default(),
        state: match (merged, pull.state.as_str()) {
            (true, _) => PullRequestState::Merged,
            (false, "open") => PullRequestState::Open,
            _ => PullRequestState::Closed,
        },
        draft: pull.draft,
        html_url: pull.html_url,
        head: pull.head.name,
        base: pull.base.name,
        head_sha: pull.head.sha,
        checks,
        merge_methods: settings.merge_methods(),
    })
}

fn pushed_file(git: &RepoStore, chat: &WorktreeName) -> PathBuf {
    git.layout().pushed_record(chat)
}

/// The branch the chat was last pushed under, else `pocketcode/<chat id>`.
async fn pushed_branch(git: &RepoStore, chat: &WorktreeName) -> BranchName {
    tokio::fs::read_to_string(pushed_file(git, chat))
        .await
        .ok()
        .and_then(|text| BranchName::parse(text.trim()).ok())
        .unwrap_or_else(|| BranchName::for_chat(&chat.chat))
}

async fn remember_branch(
    git: &RepoStore,
    chat: &WorktreeName,
    branch: &BranchName,
) -> Result<(), PullError> {
    let file = pushed_file(git, chat);
    if let Some(dir) = file.parent() {
        tokio::fs::create_dir_all(dir)
            .await
            .map_err(|e| GitError::io(dir.display(), e))?;
    }
    tokio::fs::write(&file, branch.as_str())
        .await
        .map_err(|e| GitError::io(file.display(), e))?;
    Ok(())
}
