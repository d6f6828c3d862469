//! The REST calls pocketcode makes, under `/api/v3`: `GET /user`,
//! `GET /repos/{owner}/{repo}`, the check runs of a commit, and the pull
//! request calls (`pulls.rs`). Every call needs `Authorization: Bearer
//! <token>` (or `token <token>`); otherwise 401 as GitHub answers.

use std::path::PathBuf;
use std::sync::Arc;

use axum::Json;
use axum::extract::{FromRequestParts, Path, State};
use axum::http::StatusCode;
use axum::http::request::Parts;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, put};
use serde::Deserialize;
use serde_json::{Value, json};

use super::StandIn;
use super::git_cmd::default_branch;
use super::pulls;

pub type Shared = State<Arc<StandIn>>;

pub fn router() -> axum::Router<Arc<StandIn>> {
    axum::Router::new()
        .route("/user", get(user))
        .route("/repos/{owner}/{repo}", get(repo))
        .route(
            "/repos/{owner}/{repo}/commits/{sha}/check-runs",
            get(check_runs),
        )
        .route(
            "/repos/{owner}/{repo}/pulls",
            get(pulls::list).post(pulls::create),
        )
        .route(
            "/repos/{owner}/{repo}/pulls/{number}",
            get(pulls::get_one).patch(pulls::update),
        )
        .route(
            "/repos/{owner}/{repo}/pulls/{number}/merge",
            put(pulls::merge),
        )
}

/// A request that carried the token.
pub struct Authorized;

impl FromRequestParts<Arc<StandIn>> for Authorized {
    type Rejection = Response;

    async fn from_request_parts(
        parts: &mut Parts,
        standin: &Arc<StandIn>,
    ) -> Result<Self, Self::Rejection> {
        let token = parts
            .headers
            .get("authorization")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| {
                v.strip_prefix("Bearer ")
                    .or_else(|| v.strip_prefix("token "))
            });
        if standin.accepts(token) {
            Ok(Self)
        } else {
            Err(error(StatusCode::UNAUTHORIZED, "Bad credentials"))
        }
    }
}

/// GitHub's error body.
pub fn error(status: StatusCode, message: &str) -> Response {
    let body = json!({
        "message": message,
        "documentation_url": "https://docs.github.com/rest",
        "status": status.as_u16().to_string(),
    });
    (status, Json(body)).into_response()
}

/// GitHub's 404 for a repo it does not have.
pub struct RepoNotFound;

impl IntoResponse for RepoNotFound {
    fn into_response(self) -> Response {
        error(StatusCode::NOT_FOUND, "Not Found")
    }
}

/// The bare repo of `owner/repo`.
pub fn repo_dir(standin: &StandIn, owner: &str, repo: &str) -> Result<PathBuf, RepoNotFound> {
    standin.repo_dir(owner, repo).ok_or(RepoNotFound)
}

/// `standin.json` of a repo: merge settings and check runs.
#[derive(Debug, Deserialize)]
pub struct RepoSettings {
    #[serde(default = "yes")]
    pub allow_merge_commit: bool,
    #[serde(default = "yes")]
    pub allow_squash_merge: bool,
    #[serde(default = "yes")]
    pub allow_rebase_merge: bool,
    #[serde(default)]
    pub check_runs: Vec<Value>,
}

fn yes() -> bool {
    true
}

impl RepoSettings {
    pub fn read(dir: &std::path::Path) -> Self {
        std::fs::read_to_string(dir.join("standin.json"))
            .ok()
            .and_then(|text| serde_json::from_str(&text).ok())
            .unwrap_or(Self {
                allow_merge_commit: true,
                allow_squash_merge: true,
                allow_rebase_merge: true,
                check_runs: Vec::new(),
            })
    }

    pub fn allows(&self, method: &str) -> bool {
        match method {
            "merge" => self.allow_merge_commit,
            "squash" => self.allow_squash_merge,
            "rebase" => self.allow_rebase_merge,
            _ => false,
        }
    }
}

async fn user(State(standin): Shared, _: Authorized) -> Response {
    let login = &standin.settings.login;
    Json(json!({
        "login": login,
        "id": 1,
        "type": "User",
        // As for an account with no profile name and a private email.
        "name": null,
        "email": null,
        "html_url": format!("{}/{login}", standin.base_url),
    }))
    .into_response()
}

async fn repo(
    State(standin): Shared,
    _: Authorized,
    Path((owner, repo)): Path<(String, String)>,
) -> Response {
    let dir = match repo_dir(&standin, &owner, &repo) {
        Ok(dir) => dir,
        Err(missing) => return missing.into_response(),
    };
    let settings = RepoSettings::read(&dir);
    Json(json!({
        "id": 1,
        "name": repo,
        "full_name": format!("{owner}/{repo}"),
        "owner": {"login": owner},
        "private": !standin.settings.public_reads,
        "html_url": format!("{}/{owner}/{repo}", standin.base_url),
        "clone_url": format!("{}/{owner}/{repo}.git", standin.base_url),
        "default_branch": default_branch(&dir),
        "allow_merge_commit": settings.allow_merge_commit,
        "allow_squash_merge": settings.allow_squash_merge,
        "allow_rebase_merge": settings.allow_rebase_merge,
    }))
    .into_response()
}

async fn check_runs(
    State(standin): Shared,
    _: Authorized,
    Path((owner, repo, sha)): Path<(String, String, String)>,
) -> Response {
    let dir = match repo_dir(&standin, &owner, &repo) {
        Ok(dir) => dir,
        Err(missing) => return missing.into_response(),
    };
    let runs: Vec<Value> = RepoSettings::read(&dir)
        .check_runs
        .into_iter()
        .enumerate()
        .map(|(i, mut run)| {
            run["id"] = json!(i + 1);
            run["head_sha"] = json!(sha);
            run
        })
        .collect();
    Json(json!({"total_count": runs.len(), "check_runs": runs})).into_response()
}
