//! The few GitHub REST calls a chat's pull request needs, in GitHub's
//! documented shapes (only the fields pocketcode reads): a repo's settings,
//! pull requests (find by head branch, get, open, close, merge) and the
//! check runs of a commit.

use reqwest::{Method, RequestBuilder};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use super::{GithubClient, GithubError, TIMEOUT};
use crate::model::pull_request::{ChecksSummary, MergeMethod};
use crate::server::git::RepoName;

/// `GET /repos/{owner}/{repo}`, the parts that matter here.
#[derive(Clone, Debug, Deserialize)]
pub struct RepoSettings {
    pub default_branch: String,
    #[serde(default = "yes")]
    pub allow_merge_commit: bool,
    #[serde(default = "yes")]
    pub allow_squash_merge: bool,
    #[serde(default = "yes")]
    pub allow_rebase_merge: bool,
}

fn yes() -> bool {
    true
}

impl RepoSettings {
    /// The merge methods the repo allows, in GitHub's order.
    pub fn merge_methods(&self) -> Vec<MergeMethod> {
        [
            (self.allow_merge_commit, MergeMethod::Merge),
            (self.allow_squash_merge, MergeMethod::Squash),
            (self.allow_rebase_merge, MergeMethod::Rebase),
        ]
        .into_iter()
        .filter_map(|(allowed, method)| allowed.then_some(method))
        .collect()
    }
}

/// A pull request as GitHub answers it.
#[derive(Clone, Debug, Deserialize)]
pub struct GithubPull {
    pub number: u64,
    pub state: String,
    #[serde(default)]
    pub title: String,
    #[serde(default)]
    pub body: Option<String>,
    #[serde(default)]
    pub draft: bool,
    /// Only in single-pull answers; `merged_at` is in both.
    #[serde(default)]
    pub merged: bool,
    #[serde(default)]
    pub merged_at: Option<String>,
    pub html_url: String,
    pub head: GithubRef,
    pub base: GithubRef,
}

#[derive(Clone, Debug, Deserialize)]
pub struct GithubRef {
    #[serde(rename = "ref")]
    pub name: String,
    pub sha: String,
}

/// `POST /repos/{owner}/{repo}/pulls`
#[derive(Clone, Debug, Serialize)]
pub struct NewPull {
    pub title: String,
    pub body: String,
    pub head: String,
    pub base: String,
    pub draft: bool,
}

#[derive(Debug, Deserialize)]
struct CheckRuns {
    check_runs: Vec<CheckRun>,
}

#[derive(Debug, Deserialize)]
struct CheckRun {
    status: String,
    conclusion: Option<String>,
}

#[derive(Debug, Deserialize)]
struct GithubMessage {
    message: String,
    #[serde(default)]
    errors: Vec<serde_json::Value>,
}

impl GithubClient {
    pub async fn repo_settings(&self, repo: &RepoName) -> Result<RepoSettings, GithubError> {
        self.send(self.call(Method::GET, &repo_path(repo, "")).await?)
            .await
    }

    /// The newest pull request (any state) whose head is `branch` of `repo`.
    pub async fn find_pull(
        &self,
        repo: &RepoName,
        branch: &str,
    ) -> Result<Option<GithubPull>, GithubError> {
        let head = format!("{}:{branch}", repo.owner());
        let request = self
            .call(Method::GET, &repo_path(repo, "/pulls"))
            .await?
            .query(&[
                ("head", head.as_str()),
                ("state", "all"),
                ("per_page", "10"),
            ]);
        let pulls: Vec<GithubPull> = self.send(request).await?;
        Ok(pulls.into_iter().max_by_key(|p| p.number))
    }

    pub async fn pull(&self, repo: &RepoName, number: u64) -> Result<GithubPull, GithubError> {
        let path = repo_path(repo, &format!("/pulls/{number}"));
        self.send(self.call(Method::GET, &path).await?).await
    }

    pub async fn create_pull(
        &self,
        repo: &RepoName,
        pull: &NewPull,
    ) -> Result<GithubPull, GithubError> {
        let request = self.call(Method::POST, &repo_path(repo, "/pulls")).await?;
        self.send(request.json(pull)).await
    }

    pub async fn close_pull(
        &self,
        repo: &RepoName,
        number: u64,
    ) -> Result<GithubPull, GithubError> {
        let path = repo_path(repo, &format!("/pulls/{number}"));
        let request = self.call(Method::PATCH, &path).await?;
        self.send(request.json(&serde_json::json!({"state": "closed"})))
            .await
    }

    pub async fn merge_pull(
        &self,
        repo: &RepoName,
        number: u64,
        method: MergeMethod,
    ) -> Result<(), GithubError> {
        let path = repo_path(repo, &format!("/pulls/{number}/merge"));
        let request = self.call(Method::PUT, &path).await?;
        let _: serde_json::Value = self
            .send(request.json(&serde_json::json!({"merge_method": method.as_str()})))
            .await?;
        Ok(())
    }

    /// The check runs of `sha`, counted.
    pub async fn checks(&self, repo: &RepoName, sha: &str) -> Result<ChecksSummary, GithubError> {
        let path = repo_path(repo, &format!("/commits/{sha}/check-runs"));
        let request = self
            .call(Method::GET, &path)
            .await?
            .query(&[("per_page", "100")]);
        let runs: CheckRuns = self.send(request).await?;
        let mut summary = ChecksSummary::default();
        for run in runs.check_runs {
            summary.total += 1;
            match (run.status.as_str(), run.conclusion.as_deref()) {
                ("completed", Some("success" | "neutral" | "skipped")) => summary.passed += 1,
                ("completed", _) => summary.failed += 1,
                _ => summary.pending += 1,
            }
        }
        Ok(summary)
    }

    /// A request to the API with the token; `NoToken` without one.
    pub(super) async fn call(
        &self,
        method: Method,
        path: &str,
    ) -> Result<RequestBuilder, GithubError> {
        let token = self.token.as_ref().ok_or(GithubError::NoToken)?;
        Ok(self
            .http
            .request(method, format!("{}{path}", self.api))
            .bearer_auth(token.expose())
            .header("accept", "application/vnd.github+json")
            .header("user-agent", "pocketcode")
            .header("x-github-api-version", "2022-11-28")
            .timeout(TIMEOUT))
    }

    pub(super) async fn send<T: DeserializeOwned>(
        &self,
        request: RequestBuilder,
    ) -> Result<T, GithubError> {
        let response = request.send().await.map_err(GithubError::Transport)?;
        let status = response.status().as_u16();
        if response.status().is_success() {
            return response.json().await.map_err(GithubError::Decode);
        }
        if status == 401 {
            return Err(GithubError::Status(status));
        }
        let message = match response.json::<GithubMessage>().await {
            Ok(body) => explain(body),
            Err(_) => format!("status {status}"),
        };
        Err(GithubError::Refused { status, message })
    }
}

/// GitHub's message, with the details of a validation failure.
fn explain(body: GithubMessage) -> String {
    let details: Vec<String> = body
        .errors
        .iter()
        .filter_map(|e| e["message"].as_str().or(e["code"].as_str()))
        .map(str::to_owned)
        .collect();
    if details.is_empty() {
        body.message
    } else {
        format!("{}: {}", body.message, details.join("; "))
    }
}

fn repo_path(repo: &RepoName, rest: &str) -> String {
    format!("/repos/{}/{}{rest}", repo.owner(), repo.name())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_githubs_pull_and_repo_shapes() {
        let json = r#"{"number":7,"state":"closed","title":"t","body":null,"draft":false,
            "merged":true,"merged_at":"2026-01-01T00:00:00Z","html_url":"https://github.com/o/r/pull/7",
            "head":{"ref":"pocketcode/abcd","sha":"aa","label":"o:pocketcode/abcd"},
            "base":{"ref":"main","sha":"bb"},"user":{"login":"o"}}"#;
        let pull: GithubPull = serde_json::from_str(json).expect("pull");
        assert_eq!((pull.number, pull.merged), (7, true));
        assert_eq!(pull.head.name, "pocketcode/abcd");
        let repo: RepoSettings = serde_json::from_str(
            r#"{"default_branch":"trunk","allow_merge_commit":false,"allow_squash_merge":true}"#,
        )
        .expect("repo");
        assert_eq!(
            repo.merge_methods(),
            [MergeMethod::Squash, MergeMethod::Rebase]
        );
    }

    #[tokio::test]
    async fn without_a_token_no_call_is_made_and_it_says_to_set_it() {
        // Nothing listens there: a call would fail differently.
        let client = GithubClient::new(
            reqwest::Client::new(),
            "http://127.0.0.1:9".into(),
            None,
            None,
        );
        let repo = RepoName::parse("octo/app").expect("name");
        let error = client.repo_settings(&repo).await.expect_err("no token");
        assert!(matches!(error, GithubError::NoToken), "{error:?}");
        assert_eq!(error.status(), 409);
        assert!(error.to_string().contains("set it"), "{error}");
        assert_eq!(
            GithubError::Refused {
                status: 405,
                message: "Pull Request is not mergeable".into()
            }
            .status(),
            409
        );
        assert_eq!(GithubError::Status(401).status(), 502);
    }

    #[test]
    fn validation_failures_carry_their_details() {
        let body: GithubMessage = serde_json::from_str(
            r#"{"message":"Validation Failed","errors":[{"resource":"PullRequest","code":"custom","message":"A pull request already exists for o:b."}]}"#,
        )
        .expect("body");
        assert_eq!(
            explain(body),
            "Validation Failed: A pull request already exists for o:b."
        );
    }
}
