//! Who pocketcode's commits (a chat's commit, a local merge) are by.

use git2::{Repository, Signature};

use super::GitError;

/// The author the server was configured with (`--git-author-name`,
/// `--git-author-email`); either may be unset.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct GitAuthor {
    pub name: Option<String>,
    pub email: Option<String>,
}

/// Used when neither the flags nor the clone's git config name anyone.
const FALLBACK_NAME: &str = "pocketcode";
const FALLBACK_EMAIL: &str = "pocketcode@localhost";

impl GitAuthor {
    pub fn new(name: Option<String>, email: Option<String>) -> Self {
        let keep =
            |value: Option<String>| value.map(|v| v.trim().to_owned()).filter(|v| !v.is_empty());
        Self {
            name: keep(name),
            email: keep(email),
        }
    }

    /// Whether both name and email are set (nothing left to default).
    pub fn is_complete(&self) -> bool {
        self.name.is_some() && self.email.is_some()
    }

    /// This author, with what it leaves unset taken from `default`.
    pub fn or(&self, default: GitAuthor) -> GitAuthor {
        GitAuthor {
            name: self.name.clone().or(default.name),
            email: self.email.clone().or(default.email),
        }
    }
}

/// The signature of a commit made in `clone` (the main clone, or a chat's
/// worktree of it): `configured` (the flags, then the GitHub user: see
/// [`GitAuthor::or`]); what is unset there comes from the repo's
/// `user.name` / `user.email` (its own config, then the user's), then
/// `pocketcode <pocketcode@localhost>`.
pub fn commit_author(
    clone: &Repository,
    configured: &GitAuthor,
) -> Result<Signature<'static>, GitError> {
    let config = clone.config().ok();
    let from_config = |key: &str| {
        config
            .as_ref()
            .and_then(|c| c.get_string(key).ok())
            .map(|v| v.trim().to_owned())
            .filter(|v| !v.is_empty())
    };
    let name = configured
        .name
        .clone()
        .or_else(|| from_config("user.name"))
        .unwrap_or_else(|| FALLBACK_NAME.to_owned());
    let email = configured
        .email
        .clone()
        .or_else(|| from_config("user.email"))
        .unwrap_or_else(|| FALLBACK_EMAIL.to_owned());
    Signature::now(&name, &email).map_err(|e| {
        GitError::Conflict(format!(
            "the commit author {name} <{email}> is not usable: {}",
            e.message()
        ))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flags_win_then_the_repo_config_then_pocketcode() {
        let dir = std::env::temp_dir().join(format!("pocketcode-author-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let repo = Repository::init(&dir).expect("init");
        let mut config = repo.config().expect("config");
        config.set_str("user.name", "Repo Person").expect("name");
        config
            .set_str("user.email", "repo@example.com")
            .expect("email");

        let configured = GitAuthor::new(Some("Flag Person".into()), Some(" ".into()));
        let signature = commit_author(&repo, &configured).expect("signature");
        assert_eq!(signature.name(), Some("Flag Person"));
        assert_eq!(
            signature.email(),
            Some("repo@example.com"),
            "a blank flag is unset"
        );

        let signature = commit_author(&repo, &GitAuthor::default()).expect("signature");
        assert_eq!(signature.name(), Some("Repo Person"));
        std::fs::remove_dir_all(&dir).expect("cleanup");
    }
}
