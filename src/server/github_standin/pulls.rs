//! Pull requests, kept in memory: list (by `head=owner:branch`, `state`),
//! create, get, update (close, reopen, retitle), merge — in GitHub's
//! documented shapes and with its refusals (422 Validation Failed, 405 not
//! mergeable).

use std::collections::HashMap;
use std::path::Path as FsPath;
use std::sync::{Arc, Mutex, PoisonError};

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use serde_json::{Value, json};

use super::StandIn;
use super::api::{Authorized, RepoSettings, Shared, error, repo_dir};
use super::git_cmd::branch_sha;
use super::merge::{Merged, merge as merge_branches};

#[derive(Clone, Debug)]
struct Pull {
    number: u64,
    title: String,
    body: String,
    open: bool,
    draft: bool,
    merged_at: Option<String>,
    head: String,
    base: String,
    /// The head's commit when it was last seen (kept once merged).
    head_sha: String,
}

/// Every repo's pull requests, by `owner/name`.
#[derive(Default)]
pub struct PullStore {
    repos: Mutex<HashMap<String, Vec<Pull>>>,
}

impl PullStore {
    fn with<T>(&self, repo: &str, f: impl FnOnce(&mut Vec<Pull>) -> T) -> T {
        let mut repos = self.repos.lock().unwrap_or_else(PoisonError::into_inner);
        f(repos.entry(repo.to_owned()).or_default())
    }
}

#[derive(Debug, Deserialize)]
pub struct ListQuery {
    head: Option<String>,
    state: Option<String>,
}

#[derive(Debug, Deserialize)]
pub struct NewPull {
    title: String,
    head: String,
    base: String,
    #[serde(default)]
    body: Option<String>,
    #[serde(default)]
    draft: bool,
}

#[derive(Debug, Deserialize)]
pub struct PullUpdate {
    state: Option<String>,
    title: Option<String>,
    body: Option<String>,
}

#[derive(Debug, Deserialize)]
pub struct MergeRequest {
    merge_method: Option<String>,
    commit_title: Option<String>,
}

type RepoPath = Path<(String, String)>;
type PullPath = Path<(String, String, u64)>;

pub async fn list(
    State(standin): Shared,
    _: Authorized,
    Path((owner, repo)): RepoPath,
    Query(query): Query<ListQuery>,
) -> Response {
    let dir = match repo_dir(&standin, &owner, &repo) {
        Ok(dir) => dir,
        Err(missing) => return missing.into_response(),
    };
    let state = query.state.unwrap_or_else(|| "open".into());
    let head = query.head.map(|h| match h.split_once(':') {
        Some((who, branch)) if who == owner => branch.to_owned(),
        // Another owner's fork: none here.
        _ => String::from("\0"),
    });
    let pulls = standin.pulls.with(&full(&owner, &repo), |pulls| {
        pulls
            .iter()
            .rev()
            .filter(|p| head.as_ref().is_none_or(|h| &p.head == h))
            .filter(|p| state == "all" || (state == "open") == p.open)
            .cloned()
            .collect::<Vec<_>>()
    });
    let mut shown = Vec::new();
    for pull in pulls {
        shown.push(render(&standin, &owner, &repo, &dir, pull, false).await);
    }
    Json(Value::Array(shown)).into_response()
}

pub async fn create(
    State(standin): Shared,
    _: Authorized,
    Path((owner, repo)): RepoPath,
    Json(new): Json<NewPull>,
) -> Response {
    let dir = match repo_dir(&standin, &owner, &repo) {
        Ok(dir) => dir,
        Err(missing) => return missing.into_response(),
    };
    let head = new
        .head
        .split_once(':')
        .map_or(new.head.as_str(), |(_, b)| b)
        .to_owned();
    let (Ok(Some(head_sha)), Ok(Some(base_sha))) = (
        branch_sha(&dir, &head).await,
        branch_sha(&dir, &new.base).await,
    ) else {
        return invalid("field", "head or base does not exist");
    };
    if new.title.trim().is_empty() {
        return invalid("missing_field", "title");
    }
    let contained = super::git_cmd::git(
        &dir,
        &["merge-base", "--is-ancestor", &head_sha, &base_sha],
        &[],
    )
    .await;
    if contained.is_ok_and(|o| o.success) {
        return invalid(
            "custom",
            &format!("No commits between {} and {head}", new.base),
        );
    }
    let created = standin.pulls.with(&full(&owner, &repo), |pulls| {
        if pulls.iter().any(|p| p.open && p.head == head) {
            return None;
        }
        let pull = Pull {
            number: pulls.len() as u64 + 1,
            title: new.title,
            body: new.body.unwrap_or_default(),
            open: true,
            draft: new.draft,
            merged_at: None,
            head: head.clone(),
            base: new.base,
            head_sha,
        };
        pulls.push(pull.clone());
        Some(pull)
    });
    match created {
        Some(pull) => {
            let body = render(&standin, &owner, &repo, &dir, pull, true).await;
            (StatusCode::CREATED, Json(body)).into_response()
        }
        None => invalid(
            "custom",
            &format!("A pull request already exists for {owner}:{head}."),
        ),
    }
}

pub async fn get_one(
    State(standin): Shared,
    _: Authorized,
    Path((owner, repo, number)): PullPath,
) -> Response {
    let dir = match repo_dir(&standin, &owner, &repo) {
        Ok(dir) => dir,
        Err(missing) => return missing.into_response(),
    };
    match find(&standin, &owner, &repo, number) {
        Some(pull) => Json(render(&standin, &owner, &repo, &dir, pull, true).await).into_response(),
        None => error(StatusCode::NOT_FOUND, "Not Found"),
    }
}

pub async fn update(
    State(standin): Shared,
    _: Authorized,
    Path((owner, repo, number)): PullPath,
    Json(update): Json<PullUpdate>,
) -> Response {
    let dir = match repo_dir(&standin, &owner, &repo) {
        Ok(dir) => dir,
        Err(missing) => return missing.into_response(),
    };
    let open = match update.state.as_deref() {
        None => None,
        Some("open") => Some(true),
        Some("closed") => Some(false),
        Some(_) => return invalid("invalid", "state"),
    };
    let updated = standin.pulls.with(&full(&owner, &repo), |pulls| {
        let pull = pulls.iter_mut().find(|p| p.number == number)?;
        if pull.merged_at.is_none() {
            pull.open = open.unwrap_or(pull.open);
        }
        pull.title = update.title.unwrap_or_else(|| pull.title.clone());
        pull.body = update.body.unwrap_or_else(|| pull.body.clone());
        Some(pull.clone())
    });
    match updated {
        Some(pull) => Json(render(&standin, &owner, &repo, &dir, pull, true).await).into_response(),
        None => error(StatusCode::NOT_FOUND, "Not Found"),
    }
}

pub async fn merge(
    State(standin): Shared,
    _: Authorized,
    Path((owner, repo, number)): PullPath,
    Json(request): Json<MergeRequest>,
) -> Response {
    let dir = match repo_dir(&standin, &owner, &repo) {
        Ok(dir) => dir,
        Err(missing) => return missing.into_response(),
    };
    let Some(pull) = find(&standin, &owner, &repo, number) else {
        return error(StatusCode::NOT_FOUND, "Not Found");
    };
    let method = request.merge_method.unwrap_or_else(|| "merge".into());
    if !["merge", "squash", "rebase"].contains(&method.as_str()) {
        return invalid("invalid", "merge_method");
    }
    if !RepoSettings::read(&dir).allows(&method) {
        return error(
            StatusCode::METHOD_NOT_ALLOWED,
            &format!("{method} merges are not allowed on this repository."),
        );
    }
    if !pull.open || pull.draft {
        return error(
            StatusCode::METHOD_NOT_ALLOWED,
            "Pull Request is not mergeable",
        );
    }
    let head_sha = match branch_sha(&dir, &pull.head).await {
        Ok(Some(sha)) => sha,
        _ => {
            return error(
                StatusCode::METHOD_NOT_ALLOWED,
                "Pull Request is not mergeable",
            );
        }
    };
    let title = request
        .commit_title
        .unwrap_or_else(|| match method.as_str() {
            "squash" => format!("{} (#{number})", pull.title),
            _ => format!(
                "Merge pull request #{number} from {owner}/{}\n\n{}",
                pull.head, pull.title
            ),
        });
    match merge_branches(&dir, &pull.base, &head_sha, &method, &title).await {
        Ok(Merged::Done(sha)) => {
            standin.pulls.with(&full(&owner, &repo), |pulls| {
                if let Some(p) = pulls.iter_mut().find(|p| p.number == number) {
                    p.open = false;
                    p.head_sha = head_sha;
                    p.merged_at = Some(now());
                }
            });
            Json(json!({"sha": sha, "merged": true, "message": "Pull Request successfully merged"}))
                .into_response()
        }
        Ok(Merged::Conflict) => error(
            StatusCode::METHOD_NOT_ALLOWED,
            "Pull Request is not mergeable",
        ),
        Err(e) => error(StatusCode::INTERNAL_SERVER_ERROR, &e.to_string()),
    }
}

fn find(standin: &StandIn, owner: &str, repo: &str, number: u64) -> Option<Pull> {
    standin.pulls.with(&full(owner, repo), |pulls| {
        pulls.iter().find(|p| p.number == number).cloned()
    })
}

/// A pull request as GitHub shows it (`merged` only in single answers, as GitHub does).
async fn render(
    standin: &Arc<StandIn>,
    owner: &str,
    repo: &str,
    dir: &FsPath,
    pull: Pull,
    single: bool,
) -> Value {
    let head_sha = match (&pull.merged_at, branch_sha(dir, &pull.head).await) {
        (None, Ok(Some(sha))) => sha,
        _ => pull.head_sha.clone(),
    };
    let base_sha = branch_sha(dir, &pull.base)
        .await
        .ok()
        .flatten()
        .unwrap_or_default();
    let repo_json =
        json!({"full_name": full(owner, repo), "name": repo, "owner": {"login": owner}});
    let mut value = json!({
        "id": pull.number,
        "number": pull.number,
        "state": if pull.open { "open" } else { "closed" },
        "title": pull.title,
        "body": if pull.body.is_empty() { Value::Null } else { json!(pull.body) },
        "draft": pull.draft,
        "merged_at": pull.merged_at,
        "html_url": format!("{}/{owner}/{repo}/pull/{}", standin.base_url, pull.number),
        "user": {"login": standin.settings.login},
        "head": {"ref": pull.head, "sha": head_sha, "label": format!("{owner}:{}", pull.head), "repo": repo_json},
        "base": {"ref": pull.base, "sha": base_sha, "label": format!("{owner}:{}", pull.base), "repo": repo_json},
    });
    if single {
        value["merged"] = json!(pull.merged_at.is_some());
        value["mergeable"] = json!(pull.open);
    }
    value
}

fn invalid(code: &str, what: &str) -> Response {
    let body = json!({
        "message": "Validation Failed",
        "errors": [{"resource": "PullRequest", "code": code, "message": what}],
        "documentation_url": "https://docs.github.com/rest/pulls/pulls",
        "status": "422",
    });
    (StatusCode::UNPROCESSABLE_ENTITY, Json(body)).into_response()
}

fn full(owner: &str, repo: &str) -> String {
    format!("{owner}/{repo}")
}

/// Now in GitHub's format, `2026-12-04T12:34:00Z` (to the minute).
fn now() -> String {
    let ms = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX));
    let shown = crate::app::timestamp::utc_minutes(ms);
    format!("{}T{}:00Z", &shown[..10], &shown[11..16])
}
