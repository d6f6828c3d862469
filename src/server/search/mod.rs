//! Finding text in every local chat's messages. opencode keeps the
//! messages; they are read through the workspace's instance (a session's
//! messages are answered from any directory), so a search brings back no
//! chat's instance that pocketcode let go. Chats are read a few at a time,
//! newest first, and each is scanned as it arrives.

mod scan;

use futures::StreamExt;

use crate::model::search::{
    HITS_PER_CHAT, MAX_HITS, MAX_SEARCH_BYTES, MIN_SEARCH_CHARS, SearchHit, SearchResults,
};
use crate::opencode::{MessageWithParts, PartBody, Role};
use crate::server::chats::ChatError;
use crate::server::opencode_client::OpencodeClientError;
use crate::server::state::AppState;

#[derive(Debug, thiserror::Error)]
pub enum SearchError {
    #[error("the search is too short: type at least {MIN_SEARCH_CHARS} characters")]
    Short,
    #[error("the search is too long (at most {MAX_SEARCH_BYTES} bytes)")]
    Long,
    #[error("the search must be one line of text")]
    Control,
    #[error(transparent)]
    Chat(#[from] ChatError),
}

impl SearchError {
    pub fn status(&self) -> u16 {
        match self {
            Self::Short | Self::Long | Self::Control => 400,
            Self::Chat(e) => e.status(),
        }
    }
}

impl From<OpencodeClientError> for SearchError {
    fn from(error: OpencodeClientError) -> Self {
        Self::Chat(error.into())
    }
}

/// A search as typed, checked: trimmed, one line, 2 characters to 200 bytes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SearchQuery(String);

impl SearchQuery {
    pub fn parse(raw: &str) -> Result<Self, SearchError> {
        let text = raw.trim();
        if text.len() > MAX_SEARCH_BYTES {
            return Err(SearchError::Long);
        }
        if text.chars().any(char::is_control) {
            return Err(SearchError::Control);
        }
        if text.chars().count() < MIN_SEARCH_CHARS {
            return Err(SearchError::Short);
        }
        Ok(Self(text.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// The messages of every local chat that hold `query` (case ignored):
/// each chat's newest [`HITS_PER_CHAT`], chats most recently active
/// first, at most [`MAX_HITS`] in all.
pub async fn search(state: &AppState, query: &SearchQuery) -> Result<SearchResults, SearchError> {
    let needle = query.as_str().to_lowercase();
    let mut reads = crate::server::chats::every_chat_messages(state).await?;
    let mut results = SearchResults {
        query: query.as_str().to_owned(),
        hits: Vec::new(),
        chats_searched: 0,
        chats_failed: 0,
        truncated: false,
    };
    while let Some((chat, messages)) = reads.next().await {
        let messages = match messages {
            Ok(messages) => messages,
            Err(error) => {
                tracing::warn!(chat = %chat.worktree.chat_id, %error, "search: messages not read");
                results.chats_failed += 1;
                continue;
            }
        };
        results.chats_searched += 1;
        for (message, range, text) in matches(&messages, &needle).take(HITS_PER_CHAT) {
            if results.hits.len() == MAX_HITS {
                results.truncated = true;
                break;
            }
            let (before, matched, after) = scan::snippet(text, range);
            results.hits.push(SearchHit {
                repo: chat.worktree.repo.clone(),
                chat_id: chat.worktree.chat_id.clone(),
                title: chat.title.clone(),
                message_id: message.info.id.clone(),
                role: match message.info.role {
                    Role::User => "user",
                    _ => "assistant",
                }
                .to_owned(),
                created: message.info.time.created,
                before,
                matched,
                after,
            });
        }
    }
    Ok(results)
}

/// Each message (newest first) with its first text part holding `needle`:
/// what was typed or answered, not text opencode added itself.
fn matches<'a>(
    messages: &'a [MessageWithParts],
    needle: &'a str,
) -> impl Iterator<Item = (&'a MessageWithParts, (usize, usize), &'a str)> + 'a {
    messages.iter().rev().filter_map(move |message| {
        message.parts.iter().find_map(|part| match &part.body {
            PartBody::Text {
                text,
                synthetic: false,
            } => scan::find(text, needle).map(|range| (message, range, text.as_str())),
            _ => None,
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_search_is_trimmed_one_line_and_two_characters_to_200_bytes() {
        assert_eq!(
            SearchQuery::parse("  zebra ").expect("ok").as_str(),
            "zebra"
        );
        assert!(matches!(SearchQuery::parse(""), Err(SearchError::Short)));
        assert!(matches!(SearchQuery::parse(" z "), Err(SearchError::Short)));
        assert!(matches!(
            SearchQuery::parse("a\nb"),
            Err(SearchError::Control)
        ));
        assert!(matches!(
            SearchQuery::parse(&"x".repeat(201)),
            Err(SearchError::Long)
        ));
        assert!(SearchQuery::parse(&"x".repeat(200)).is_ok());
        assert_eq!(SearchError::Short.status(), 400);
    }
}
