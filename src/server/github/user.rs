//! The GitHub user behind `GITHUB_TOKEN`, as the default author of
//! pocketcode's commits: their profile name (their login without one) and
//! their public email, or else GitHub's no-reply address for them
//! (`<id>+<login>@users.noreply.github.com`), which GitHub links to the
//! account without showing the real one.

use reqwest::Method;
use serde::Deserialize;

use super::{GithubClient, GithubError};
use crate::server::git::GitAuthor;

/// `GET /user`, the parts that name a committer.
#[derive(Debug, Deserialize)]
struct GithubUser {
    login: String,
    id: u64,
    #[serde(default)]
    name: Option<String>,
    #[serde(default)]
    email: Option<String>,
}

impl GithubUser {
    fn author(self) -> GitAuthor {
        let name = self.name.filter(|n| !n.trim().is_empty());
        let email = self.email.filter(|e| !e.trim().is_empty());
        GitAuthor::new(
            Some(name.unwrap_or_else(|| self.login.clone())),
            Some(
                email.unwrap_or_else(|| {
                    format!("{}+{}@users.noreply.github.com", self.id, self.login)
                }),
            ),
        )
    }
}

impl GithubClient {
    /// The token's user as an author, asked once (a failure is asked again
    /// next time); `NoToken` without a token.
    pub async fn user_author(&self) -> Result<GitAuthor, GithubError> {
        self.user_author
            .get_or_try_init(|| async {
                let user: GithubUser = self.send(self.call(Method::GET, "/user").await?).await?;
                Ok(user.author())
            })
            .await
            .cloned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_profile_wins_then_the_login_and_the_no_reply_address() {
        let full: GithubUser = serde_json::from_str(
            r#"{"login":"octo","id":42,"name":"Octo Cat","email":"octo@example.com"}"#,
        )
        .expect("user");
        assert_eq!(
            full.author(),
            GitAuthor::new(Some("Octo Cat".into()), Some("octo@example.com".into()))
        );
        let bare: GithubUser =
            serde_json::from_str(r#"{"login":"octo","id":42,"name":null,"email":" "}"#)
                .expect("user");
        assert_eq!(
            bare.author(),
            GitAuthor::new(
                Some("octo".into()),
                Some("42+octo@users.noreply.github.com".into())
            )
        );
    }
}
