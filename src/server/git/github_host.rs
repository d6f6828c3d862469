//! GitHub's git host, derived from `--github-api`: the clone URL of
//! `owner/name` sources and the only place `GITHUB_TOKEN` is ever sent.
//! `https://api.github.com` → `https://github.com`; GitHub Enterprise's
//! `http(s)://HOST[:PORT]/api/v3` (any other API URL too) →
//! `http(s)://HOST[:PORT]`. Plain http
//! only for loopback (a test's stand-in), never across a network.

use reqwest::Url;

use super::GitError;
use super::names::RepoName;

/// `scheme://host[:port]`, without a trailing slash.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GithubHost {
    base: String,
}

impl Default for GithubHost {
    fn default() -> Self {
        Self {
            base: "https://github.com".into(),
        }
    }
}

impl GithubHost {
    /// The git host of the GitHub API at `api`.
    pub fn from_api(api: &str) -> Result<Self, GitError> {
        let bad = |why: &str| GitError::InvalidSource(format!("--github-api {api:?}: {why}"));
        let url = Url::parse(api.trim()).map_err(|e| bad(&e.to_string()))?;
        let host = url.host_str().ok_or_else(|| bad("no host"))?;
        if !url.username().is_empty() || url.password().is_some() || url.query().is_some() {
            return Err(bad("no credentials or query in the API URL"));
        }
        match url.scheme() {
            "https" => {}
            "http" if is_loopback(host) => {}
            _ => return Err(bad("must be https (plain http only for loopback)")),
        }
        if host == "api.github.com" {
            return Ok(Self::default());
        }
        // GitHub Enterprise serves git at the API's host (its API under /api/v3).
        let port = url.port().map(|p| format!(":{p}")).unwrap_or_default();
        Ok(Self {
            base: format!("{}://{host}{port}", url.scheme()),
        })
    }

    /// `https://github.com/owner/name.git`
    pub fn repo_url(&self, name: &RepoName) -> String {
        format!("{}/{}/{}.git", self.base, name.owner(), name.name())
    }

    /// Whether `url` is on this host (so the token may go with it).
    pub fn owns(&self, url: &str) -> bool {
        url.strip_prefix(&self.base)
            .is_some_and(|rest| rest.starts_with('/'))
    }

    pub fn base(&self) -> &str {
        &self.base
    }
}

fn is_loopback(host: &str) -> bool {
    let host = host.trim_start_matches('[').trim_end_matches(']');
    host == "localhost"
        || host
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn github_and_enterprise_apis_give_their_git_hosts() {
        let name = RepoName::parse("octo/app").expect("name");
        let github = GithubHost::from_api("https://api.github.com").expect("github");
        assert_eq!(github.repo_url(&name), "https://github.com/octo/app.git");
        let enterprise =
            GithubHost::from_api("https://git.corp.example:8443/api/v3/").expect("ghe");
        assert_eq!(
            enterprise.repo_url(&name),
            "https://git.corp.example:8443/octo/app.git"
        );
        let local = GithubHost::from_api("http://127.0.0.1:4567/api/v3").expect("loopback");
        assert_eq!(local.base(), "http://127.0.0.1:4567");
        assert!(local.owns("http://127.0.0.1:4567/octo/app.git"));
        assert!(!local.owns("http://127.0.0.1:45678/octo/app.git"));
        assert!(!github.owns("https://github.com.evil.example/octo/app.git"));
        assert!(!github.owns("https://gitlab.com/octo/app.git"));
    }

    #[test]
    fn plain_http_across_a_network_and_odd_urls_are_refused() {
        for bad in [
            "http://api.github.com",
            "http://10.0.0.2/api/v3",
            "http://localhost.example.com/api/v3",
            "https://user:pw@example.com/api/v3",
            "ftp://127.0.0.1/api/v3",
            "not a url",
        ] {
            assert!(GithubHost::from_api(bad).is_err(), "{bad}");
        }
    }
}
