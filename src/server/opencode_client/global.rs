//! Questions about every directory at once, asked without naming one: a
//! request that names a directory (header or `directory` query) makes
//! opencode load that directory's instance, and these must not revive the
//! idle chats pocketcode let go (see `server::instances`).

use reqwest::Method;

use super::{OpencodeClient, OpencodeClientError, json, send};
use crate::opencode::Session;

/// Sessions per page of `/experimental/session` (opencode's default is 100).
const PAGE: usize = 1000;
/// A bound on pages, against a cursor that never ends.
const MAX_PAGES: usize = 100;

impl OpencodeClient {
    /// Every session of every directory (only top-level ones with
    /// `roots`), newest first, from opencode's database: no instance is
    /// loaded for any of them.
    pub async fn all_sessions(&self, roots: bool) -> Result<Vec<Session>, OpencodeClientError> {
        let mut sessions = Vec::new();
        let mut seen = std::collections::HashSet::new();
        let mut cursor: Option<String> = None;
        for _ in 0..MAX_PAGES {
            // No `directory` parameter: opencode would load that
            // directory's instance to answer.
            let mut query = vec![("limit", PAGE.to_string())];
            if roots {
                query.push(("roots", "true".into()));
            }
            if let Some(cursor) = &cursor {
                query.push(("cursor", cursor.clone()));
            }
            let request = self
                .upstream
                .request(&self.http, Method::GET, "/experimental/session")
                .query(&query);
            let response = send(request).await?;
            // The cursor is the last session's update time, and the next
            // page is what was updated before it: one millisecond later
            // keeps the sessions updated in that same millisecond (seen
            // twice, kept once).
            let next = response
                .headers()
                .get("x-next-cursor")
                .and_then(|v| v.to_str().ok())
                .and_then(|v| v.parse::<u64>().ok())
                .map(|ms| (ms + 1).to_string());
            let page: Vec<Session> = json(response).await?;
            for session in page {
                if seen.insert(session.id.clone()) {
                    sessions.push(session);
                }
            }
            match next {
                Some(next) if Some(&next) != cursor.as_ref() => cursor = Some(next),
                _ => break,
            }
        }
        Ok(sessions)
    }
}
