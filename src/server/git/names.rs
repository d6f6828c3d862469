//! Validated names: what may become a directory, a branch or a git argument.
//! Each check refuses `..`, absolute paths, a leading `-` (option injection)
//! and slashes inside a name (libgit2 uses worktree names as directories).

use std::fmt;

use super::GitError;

/// The longest owner or repository name accepted (GitHub allows 100).
pub const MAX_SEGMENT: usize = 100;
/// The longest branch name accepted.
pub const MAX_BRANCH: usize = 200;

/// Separates the parts of directory names (`owner__name__chat`), so no
/// part may contain it.
pub const SEPARATOR: &str = "__";

/// `owner/name` of a repository.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct RepoName {
    owner: String,
    name: String,
}

impl RepoName {
    pub fn new(owner: &str, name: &str) -> Result<Self, GitError> {
        Ok(Self {
            owner: segment("owner", owner)?.to_owned(),
            name: segment("repository name", name)?.to_owned(),
        })
    }

    /// Parses `owner/name`.
    pub fn parse(text: &str) -> Result<Self, GitError> {
        match text.split_once('/') {
            Some((owner, name)) => Self::new(owner, name),
            None => Err(invalid("repository", text, "expected owner/name")),
        }
    }

    /// Parses a directory name made by [`Self::dir_name`].
    pub fn from_dir_name(dir: &str) -> Result<Self, GitError> {
        match dir.split_once(SEPARATOR) {
            Some((owner, name)) => Self::new(owner, name),
            None => Err(invalid("repository directory", dir, "expected owner__name")),
        }
    }

    pub fn owner(&self) -> &str {
        &self.owner
    }

    pub fn name(&self) -> &str {
        &self.name
    }

    /// `owner__name`: one path component.
    pub fn dir_name(&self) -> String {
        format!("{}{SEPARATOR}{}", self.owner, self.name)
    }
}

impl fmt::Display for RepoName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.owner, self.name)
    }
}

/// A local branch name (without `refs/heads/`).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct BranchName(String);

impl BranchName {
    /// Git's ref-name rules, plus: no leading `-` in any component.
    pub fn parse(text: &str) -> Result<Self, GitError> {
        let bad = |why: &str| Err(invalid("branch name", text, why));
        if text.is_empty() || text.len() > MAX_BRANCH {
            return bad("must be 1 to 200 characters");
        }
        if text.starts_with('/') || text.ends_with('/') || text.ends_with(".lock") {
            return bad("must not start or end with `/` or end with `.lock`");
        }
        if text.contains("..") || text.contains("@{") || text == "@" {
            return bad("must not contain `..` or `@{`");
        }
        if text
            .chars()
            .any(|c| c.is_control() || " ~^:?*[\\".contains(c))
        {
            return bad("must not contain spaces, control characters or any of ~^:?*[\\");
        }
        for part in text.split('/') {
            if part.is_empty() || part.starts_with(['.', '-']) || part.ends_with('.') {
                return bad(
                    "each part must be non-empty and not start with `.`/`-` or end with `.`",
                );
            }
        }
        Ok(Self(text.to_owned()))
    }

    /// The branch pocketcode makes for a chat.
    pub fn for_chat(chat: &super::ChatId) -> Self {
        Self(format!("pocketcode/{chat}"))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for BranchName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// One safe path component: ASCII letters, digits, `-`, `_`, `.`; not
/// starting with `-` or `.` (so never `..`), no `__`, not too long.
fn segment<'a>(what: &str, text: &'a str) -> Result<&'a str, GitError> {
    if text.is_empty() || text.len() > MAX_SEGMENT {
        return Err(invalid(what, text, "must be 1 to 100 characters"));
    }
    if !text
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || b"-_.".contains(&b))
    {
        return Err(invalid(
            what,
            text,
            "only letters, digits, `-`, `_` and `.` are allowed",
        ));
    }
    if text.starts_with(['-', '.']) {
        return Err(invalid(what, text, "must not start with `-` or `.`"));
    }
    if text.contains(SEPARATOR) {
        return Err(invalid(what, text, "must not contain `__`"));
    }
    Ok(text)
}

/// An [`GitError::InvalidName`] quoting (a bounded part of) the input.
pub(super) fn invalid(what: &str, text: &str, why: &str) -> GitError {
    let shown: String = text.chars().take(60).collect();
    let more = if text.chars().count() > 60 { "…" } else { "" };
    GitError::InvalidName(format!("invalid {what} {shown:?}{more}: {why}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repo_names_are_two_safe_segments() {
        let name = RepoName::parse("rust-lang/git2-rs").expect("valid");
        assert_eq!(name.owner(), "rust-lang");
        assert_eq!(name.dir_name(), "rust-lang__git2-rs");
        assert_eq!(
            RepoName::from_dir_name("rust-lang__git2-rs").ok(),
            Some(name)
        );
        assert!(RepoName::parse("a_b/c.d").is_ok());
        let long = "x".repeat(MAX_SEGMENT + 1);
        for bad in [
            "",
            "owner",
            "/name",
            "owner/",
            "a/b/c",
            "../name",
            "owner/..",
            "owner/.git",
            "-rf/name",
            "owner/-n",
            "/etc/passwd",
            "own er/name",
            "owner/na\nme",
            "a__b/c",
            "owner/ä",
            &format!("owner/{long}"),
        ] {
            assert!(RepoName::parse(bad).is_err(), "{bad:?} accepted");
        }
    }

    #[test]
    fn branch_names_follow_git_rules_and_refuse_options() {
        for good in ["main", "pocketcode/abc123", "feature/x-1", "v1.2"] {
            assert!(BranchName::parse(good).is_ok(), "{good:?} refused");
        }
        for bad in [
            "",
            "-b",
            "a/-b",
            "a..b",
            "/a",
            "a/",
            "a//b",
            ".hidden",
            "a.lock",
            "a b",
            "a~1",
            "a:b",
            "@",
            "a@{1}",
            "a.",
            &"x".repeat(MAX_BRANCH + 1),
        ] {
            assert!(BranchName::parse(bad).is_err(), "{bad:?} accepted");
        }
    }

    #[test]
    fn errors_quote_a_bounded_part_of_the_input() {
        let huge = "y".repeat(10_000);
        let message = RepoName::parse(&huge).expect_err("refused").to_string();
        assert!(message.len() < 300, "{message}");
    }
}
