//! The short id pocketcode gives each chat, and the worktree name built
//! from it (`owner__name__<chat id>`: one path component, no slashes).

use std::fmt;

use rand::Rng;

use super::GitError;
use super::names::{RepoName, SEPARATOR, invalid};

/// Letters and digits that cannot be confused with one another.
const ALPHABET: &[u8] = b"abcdefghijkmnpqrstuvwxyz23456789";
/// Length of a generated id: 32^10 ≈ 10^15 ids.
const GENERATED_LEN: usize = 10;
const MIN_LEN: usize = 4;
const MAX_LEN: usize = 32;

/// A chat's id: lowercase ASCII letters and digits.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ChatId(String);

impl ChatId {
    pub fn generate() -> Self {
        let mut rng = rand::rng();
        let id = (0..GENERATED_LEN)
            .map(|_| char::from(ALPHABET[rng.random_range(0..ALPHABET.len())]))
            .collect();
        Self(id)
    }

    pub fn parse(text: &str) -> Result<Self, GitError> {
        let valid = (MIN_LEN..=MAX_LEN).contains(&text.len())
            && text
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit());
        if valid {
            Ok(Self(text.to_owned()))
        } else {
            Err(invalid(
                "chat id",
                text,
                "expected 4 to 32 lowercase letters and digits",
            ))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for ChatId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// The name of a chat's worktree, for libgit2 and on disk.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct WorktreeName {
    pub repo: RepoName,
    pub chat: ChatId,
}

impl WorktreeName {
    pub fn new(repo: RepoName, chat: ChatId) -> Self {
        Self { repo, chat }
    }

    /// Parses `owner__name__<chat id>` (owner and name never contain `__`).
    pub fn parse(text: &str) -> Result<Self, GitError> {
        let Some((repo, chat)) = text.rsplit_once(SEPARATOR) else {
            return Err(invalid(
                "worktree name",
                text,
                "expected owner__name__chatid",
            ));
        };
        Ok(Self {
            repo: RepoName::from_dir_name(repo)?,
            chat: ChatId::parse(chat)?,
        })
    }

    pub fn as_string(&self) -> String {
        format!("{}{SEPARATOR}{}", self.repo.dir_name(), self.chat)
    }
}

impl fmt::Display for WorktreeName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.as_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_ids_are_valid_and_distinct() {
        let ids: std::collections::HashSet<_> = (0..1000).map(|_| ChatId::generate()).collect();
        assert_eq!(ids.len(), 1000);
        for id in ids {
            assert_eq!(ChatId::parse(id.as_str()).ok(), Some(id));
        }
    }

    #[test]
    fn chat_ids_refuse_anything_but_short_lowercase_words() {
        for bad in [
            "",
            "abc",
            "ABCDEF",
            "abc-def",
            "-abcdef",
            "../abcd",
            "abcd/ef",
            "/abcdef",
            "abc def",
            "ses_abc",
            &"a".repeat(33),
        ] {
            assert!(ChatId::parse(bad).is_err(), "{bad:?} accepted");
        }
    }

    #[test]
    fn worktree_names_round_trip_and_have_no_slashes() {
        let name = WorktreeName::new(
            RepoName::parse("my_org/app.rs").expect("repo"),
            ChatId::parse("k3x9mq2p7a").expect("chat"),
        );
        let text = name.as_string();
        assert_eq!(text, "my_org__app.rs__k3x9mq2p7a");
        assert!(!text.contains('/'));
        assert_eq!(WorktreeName::parse(&text).ok(), Some(name));
        for bad in [
            "owner__name",
            "a/b__c__abcdef",
            "o__n__ABCDEF",
            "__n__abcdef",
            "o____abcdef",
        ] {
            assert!(WorktreeName::parse(bad).is_err(), "{bad:?} accepted");
        }
    }
}
