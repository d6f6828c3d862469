//! Finding text in every chat's messages: what a search answers.

use serde::{Deserialize, Serialize};

/// The longest search accepted, in bytes.
pub const MAX_SEARCH_BYTES: usize = 200;
/// The fewest characters a search may have (one letter matches everything).
pub const MIN_SEARCH_CHARS: usize = 2;
/// The most hits one chat contributes (its newest).
pub const HITS_PER_CHAT: usize = 3;
/// The most hits a search answers.
pub const MAX_HITS: usize = 100;

/// A message of a chat that holds the searched text.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct SearchHit {
    /// `owner/name` of the chat's repo.
    pub repo: String,
    pub chat_id: String,
    /// The chat's title (empty when it has none yet).
    pub title: String,
    pub message_id: String,
    /// `user` or `assistant`.
    pub role: String,
    /// Milliseconds since the Unix epoch when the message was written.
    pub created: u64,
    /// The text around the match: `before`, the match as written, `after`.
    pub before: String,
    pub matched: String,
    pub after: String,
}

/// Every hit of one search, newest chat first.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct SearchResults {
    /// The search as it was run (trimmed).
    pub query: String,
    pub hits: Vec<SearchHit>,
    /// Local chats whose messages were read.
    pub chats_searched: u32,
    /// Chats whose messages could not be read (left out, logged).
    pub chats_failed: u32,
    /// Whether more hits exist than [`MAX_HITS`].
    pub truncated: bool,
}
