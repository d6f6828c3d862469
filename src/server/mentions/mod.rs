//! The composer's mentions: opencode's slash commands for a chat (listed,
//! and run with `POST /session/:id/command` when a prompt starts with one)
//! and the worktree's files (searched by name, and checked before they go
//! with a prompt as file parts).

mod command;
mod files;

pub use command::{called_command, send};
pub use files::check_files;

use crate::model::mentions::{FILE_RESULTS, MAX_QUERY_BYTES, SlashCommand};
use crate::server::chats::{ChatError, ChatTarget};
use crate::server::opencode_client::OpencodeClientError;

#[derive(Debug, thiserror::Error)]
pub enum MentionError {
    #[error("the search is empty: type part of a file's name")]
    EmptyQuery,
    #[error("the search is too long (at most {MAX_QUERY_BYTES} bytes)")]
    LongQuery,
    #[error("the search must be one line of text")]
    ControlInQuery,
    /// A file mention that cannot be sent (why is in the message).
    #[error("{0}")]
    BadFile(String),
    #[error(transparent)]
    Chat(#[from] ChatError),
}

impl MentionError {
    pub fn status(&self) -> u16 {
        match self {
            Self::EmptyQuery | Self::LongQuery | Self::ControlInQuery | Self::BadFile(_) => 400,
            Self::Chat(e) => e.status(),
        }
    }
}

impl From<OpencodeClientError> for MentionError {
    fn from(error: OpencodeClientError) -> Self {
        Self::Chat(error.into())
    }
}

/// The commands opencode offers in the chat's directory, by name.
pub async fn commands(target: &ChatTarget) -> Result<Vec<SlashCommand>, MentionError> {
    let mut commands = target.client.commands(&target.dir).await?;
    commands.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(commands)
}

/// The chat's files whose path matches `query`, best first.
pub async fn find_files(target: &ChatTarget, query: &str) -> Result<Vec<String>, MentionError> {
    let query = check_query(query)?;
    Ok(target
        .client
        .find_files(&target.dir, query, FILE_RESULTS)
        .await?)
}

/// A search: not blank, not long, one line; trimmed.
fn check_query(query: &str) -> Result<&str, MentionError> {
    let query = query.trim();
    if query.is_empty() {
        Err(MentionError::EmptyQuery)
    } else if query.len() > MAX_QUERY_BYTES {
        Err(MentionError::LongQuery)
    } else if query.chars().any(char::is_control) {
        Err(MentionError::ControlInQuery)
    } else {
        Ok(query)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn searches_are_checked() {
        assert_eq!(check_query("  lib ").expect("fine"), "lib");
        for (query, status) in [("", 400), ("  ", 400), ("a\0b", 400), ("a\nb", 400)] {
            let err = check_query(query).expect_err(query);
            assert_eq!(err.status(), status, "{query:?}: {err}");
        }
        let long = "x".repeat(MAX_QUERY_BYTES + 1);
        assert!(matches!(check_query(&long), Err(MentionError::LongQuery)));
    }
}
