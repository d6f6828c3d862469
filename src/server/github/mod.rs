//! The GitHub API: for the repo picker, the repos `GITHUB_TOKEN` can see
//! (optionally only `GITHUB_USER`'s), most recently updated first; a chat's
//! pull request (`pulls.rs`), pushing and shipping a chat through it
//! (`chat_pull.rs`), and the token's user as the default author (`user.rs`).

mod chat_pull;
mod pulls;
mod user;

pub use chat_pull::{
    PullError, close_pull_request, get_pull_request, merge_pull_request, open_pull_request,
    push_chat,
};
pub use pulls::{NewPull, RepoSettings};

use std::time::Duration;

use crate::model::repos::{GithubListing, GithubRepo};
use crate::server::git::GithubToken;

/// One page is plenty for a phone's picker.
const PER_PAGE: u32 = 100;
const TIMEOUT: Duration = Duration::from_secs(15);

#[derive(Debug, thiserror::Error)]
pub enum GithubError {
    #[error("cannot reach GitHub: {0}")]
    Transport(#[source] reqwest::Error),
    #[error("GitHub answered {0}; check GITHUB_TOKEN")]
    Status(u16),
    #[error("unexpected answer from GitHub: {0}")]
    Decode(#[source] reqwest::Error),
    #[error("GITHUB_TOKEN is not set: set it to push to GitHub and open pull requests")]
    NoToken,
    /// GitHub understood and refused (`status`, GitHub's own message).
    #[error("GitHub refused ({status}): {message}")]
    Refused { status: u16, message: String },
}

impl GithubError {
    /// The HTTP status this deserves at pocketcode's boundary: GitHub's
    /// refusals of a valid request (not mergeable, already exists) are
    /// conflicts; GitHub failing is a bad gateway.
    pub fn status(&self) -> u16 {
        match self {
            Self::NoToken => 409,
            Self::Refused {
                status: 405 | 409 | 422,
                ..
            } => 409,
            Self::Refused { status: 404, .. } => 404,
            _ => 502,
        }
    }
}

#[derive(Clone, Debug)]
pub struct GithubClient {
    http: reqwest::Client,
    api: String,
    token: Option<GithubToken>,
    user: Option<String>,
    /// The token's user as a commit author, once GitHub said who it is.
    user_author: std::sync::Arc<tokio::sync::OnceCell<crate::server::git::GitAuthor>>,
}

impl GithubClient {
    pub fn new(
        http: reqwest::Client,
        api: String,
        token: Option<GithubToken>,
        user: Option<String>,
    ) -> Self {
        let api = api.trim_end_matches('/').to_owned();
        let user = user.filter(|u| !u.trim().is_empty());
        Self {
            http,
            api,
            token,
            user,
            user_author: Default::default(),
        }
    }

    pub async fn list_repos(&self) -> Result<GithubListing, GithubError> {
        let Some(token) = &self.token else {
            return Ok(GithubListing {
                configured: false,
                message: Some(
                    "GITHUB_TOKEN is not set: set it to list your GitHub repos (and clone private ones)."
                        .into(),
                ),
                repos: Vec::new(),
            });
        };
        let response = self
            .http
            .get(format!("{}/user/repos", self.api))
            .query(&[
                ("per_page", PER_PAGE.to_string().as_str()),
                ("sort", "updated"),
            ])
            .bearer_auth(token.expose())
            .header("accept", "application/vnd.github+json")
            .header("user-agent", "pocketcode")
            .header("x-github-api-version", "2022-11-28")
            .timeout(TIMEOUT)
            .send()
            .await
            .map_err(GithubError::Transport)?;
        if !response.status().is_success() {
            return Err(GithubError::Status(response.status().as_u16()));
        }
        let mut repos: Vec<GithubRepo> = response.json().await.map_err(GithubError::Decode)?;
        if let Some(user) = &self.user {
            let prefix = format!("{}/", user.to_lowercase());
            repos.retain(|r| r.full_name.to_lowercase().starts_with(&prefix));
        }
        Ok(GithubListing {
            configured: true,
            message: None,
            repos,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn without_a_token_it_says_so_and_calls_nothing() {
        // An address nothing listens on: any request would fail.
        let client = GithubClient::new(
            reqwest::Client::new(),
            "http://127.0.0.1:9".into(),
            None,
            None,
        );
        let listing = client.list_repos().await.expect("no call needed");
        assert!(!listing.configured);
        assert!(listing.message.is_some_and(|m| m.contains("GITHUB_TOKEN")));
        assert!(listing.repos.is_empty());
    }

    #[test]
    fn parses_githubs_repo_objects() {
        let json = r#"[{"id":1,"full_name":"octo/hello","private":true,"description":null,
            "default_branch":"main","updated_at":"2026-01-02T03:04:05Z","owner":{"login":"octo"}}]"#;
        let repos: Vec<GithubRepo> = serde_json::from_str(json).expect("repos");
        assert_eq!(repos[0].full_name, "octo/hello");
        assert!(repos[0].private);
    }
}
