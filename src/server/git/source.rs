//! Where a repo is cloned from: `owner/name` on GitHub, any https git URL,
//! or a local path / `file://` URL (offline use and tests).

use std::path::{Path, PathBuf};

use reqwest::Url;

use super::GitError;
use super::github_host::GithubHost;
use super::names::RepoName;

/// The longest source string accepted.
pub const MAX_SOURCE: usize = 2048;
/// The owner given to repos cloned from a local path.
pub const LOCAL_OWNER: &str = "local";

/// A validated clone source and the name its clone gets.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RepoSource {
    /// `https://github.com/owner/name.git`, with `GITHUB_TOKEN` when set.
    GitHub(RepoName),
    /// Any other https URL, cloned anonymously.
    Https { url: Url, name: RepoName },
    /// A repository on this machine.
    Local { path: PathBuf, name: RepoName },
}

impl RepoSource {
    pub fn parse(text: &str) -> Result<Self, GitError> {
        let text = text.trim();
        let bad = |why: &str| Err(invalid(text, why));
        if text.is_empty() || text.len() > MAX_SOURCE {
            return bad("must be 1 to 2048 characters");
        }
        if text.chars().any(char::is_control) {
            return bad("must not contain control characters");
        }
        if let Some(rest) = text.strip_prefix("file://") {
            return Self::local(Path::new(rest));
        }
        if text.starts_with('/') {
            return Self::local(Path::new(text));
        }
        if text.starts_with("https://") {
            return Self::https(text);
        }
        if text.contains("://") || text.starts_with("git@") {
            return bad("only https URLs, file:// URLs, local paths and owner/name are supported");
        }
        if text.starts_with('-') || text.starts_with('.') || text.contains('\\') {
            return bad("expected owner/name, an https URL or an absolute path");
        }
        Ok(Self::GitHub(RepoName::parse(text)?))
    }

    fn https(text: &str) -> Result<Self, GitError> {
        let url = Url::parse(text).map_err(|e| invalid(text, &e.to_string()))?;
        if !url.username().is_empty() || url.password().is_some() {
            // It would end up in the clone's config; GITHUB_TOKEN is the way.
            return Err(invalid(text, "credentials in the URL are not accepted"));
        }
        if url.query().is_some() || url.fragment().is_some() {
            return Err(invalid(text, "a query or fragment is not a repository"));
        }
        let segments: Vec<&str> = url
            .path_segments()
            .map(|s| s.filter(|p| !p.is_empty()).collect())
            .unwrap_or_default();
        let [.., owner, name] = segments.as_slice() else {
            return Err(invalid(text, "the URL must end in /owner/name"));
        };
        let name = RepoName::new(owner, name.strip_suffix(".git").unwrap_or(name))?;
        if url.host_str() == Some("github.com") && segments.len() == 2 {
            return Ok(Self::GitHub(name));
        }
        Ok(Self::Https { url, name })
    }

    fn local(path: &Path) -> Result<Self, GitError> {
        let shown = path.display().to_string();
        if !path.is_absolute() {
            return Err(invalid(&shown, "a local path must be absolute"));
        }
        // `Path::components` would silently drop `.` parts: look at the text.
        if shown.split('/').any(|part| part == "." || part == "..") {
            return Err(invalid(&shown, "a local path must not contain `.` or `..`"));
        }
        let base = path
            .file_name()
            .and_then(|n| n.to_str())
            .ok_or_else(|| invalid(&shown, "the path has no directory name"))?;
        let name = RepoName::new(LOCAL_OWNER, base.strip_suffix(".git").unwrap_or(base))?;
        Ok(Self::Local {
            path: path.to_path_buf(),
            name,
        })
    }

    /// The name the clone gets (and its directory, `owner__name`).
    pub fn repo_name(&self) -> &RepoName {
        match self {
            Self::GitHub(name) | Self::Https { name, .. } | Self::Local { name, .. } => name,
        }
    }

    /// The same source, cloned under another name.
    pub fn renamed(self, name: RepoName) -> Self {
        match self {
            Self::GitHub(_) => Self::GitHub(name),
            Self::Https { url, .. } => Self::Https { url, name },
            Self::Local { path, .. } => Self::Local { path, name },
        }
    }

    /// What libgit2 clones from; stored as the `origin` URL (never with
    /// credentials). `owner/name` is on GitHub's git host (`--github-api`).
    pub fn clone_url(&self, github: &GithubHost) -> String {
        match self {
            Self::GitHub(name) => github.repo_url(name),
            Self::Https { url, .. } => url.to_string(),
            Self::Local { path, .. } => path.display().to_string(),
        }
    }
}

fn invalid(text: &str, why: &str) -> GitError {
    let shown: String = text.chars().take(80).collect();
    GitError::InvalidSource(format!("cannot clone {shown:?}: {why}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn name(source: &str) -> String {
        RepoSource::parse(source)
            .expect("valid source")
            .repo_name()
            .to_string()
    }

    #[test]
    fn github_names_and_urls_become_github_sources() {
        let source = RepoSource::parse("rust-lang/git2-rs").expect("valid");
        let github = GithubHost::default();
        assert_eq!(
            source.clone_url(&github),
            "https://github.com/rust-lang/git2-rs.git"
        );
        assert!(github.owns(&source.clone_url(&github)));
        assert_eq!(
            RepoSource::parse("https://github.com/rust-lang/git2-rs.git").ok(),
            Some(source)
        );
    }

    #[test]
    fn other_urls_and_local_paths_are_named_after_their_last_parts() {
        assert_eq!(name("https://gitlab.com/group/sub/proj.git"), "sub/proj");
        assert_eq!(name("/srv/git/widgets.git"), "local/widgets");
        assert_eq!(name("file:///srv/git/widgets"), "local/widgets");
        let renamed = RepoSource::parse("/srv/git/widgets")
            .expect("valid")
            .renamed(RepoName::parse("me/w").expect("name"));
        assert_eq!(renamed.repo_name().to_string(), "me/w");
    }

    #[test]
    fn unsafe_or_unsupported_sources_are_refused() {
        for bad in [
            "",
            "   ",
            "widgets",
            "./widgets",
            "../widgets",
            "relative/../x",
            "-u/x",
            "/srv/../etc",
            "/srv/./x",
            "/",
            "file://relative/x",
            "http://example.com/a/b.git",
            "ssh://example.com/a/b.git",
            "git@github.com:a/b.git",
            "https://user:pw@example.com/a/b.git",
            "https://token@github.com/a/b.git",
            "https://example.com/b.git",
            "https://example.com/a/b.git?x=1",
            "https://github.com/a/-b",
            "/srv/with space/x y",
            "a/\nb",
            "a\\b/c",
            &format!("a/{}", "b".repeat(MAX_SOURCE)),
        ] {
            assert!(RepoSource::parse(bad).is_err(), "{bad:?} accepted");
        }
    }
}
