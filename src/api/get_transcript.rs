//! `POST /pocket/fn/get_transcript`: a chat's session with its latest
//! messages and run state (what the chat refetches when it settles or
//! resyncs, and when the user asks for earlier messages).

use leptos::prelude::*;

use super::AppError;
use crate::opencode::Transcript;

/// `limit`: how many of the latest messages (default
/// [`crate::opencode::TRANSCRIPT_PAGE`], at most 100,000).
#[server(prefix = "/pocket/fn", endpoint = "get_transcript")]
pub async fn get_transcript(
    repo: String,
    chat_id: String,
    session_id: String,
    // A string, so that a malformed number is our 400, not a decoding 500.
    #[server(default)] limit: Option<String>,
) -> Result<Transcript, AppError> {
    /// The most messages one load may ask for.
    const MAX_TRANSCRIPT_LIMIT: u32 = 100_000;
    super::context::respond(async {
        let id = super::validate::session_id(&session_id)?;
        let limit = match limit.as_deref().map(str::parse::<u32>) {
            None => crate::opencode::TRANSCRIPT_PAGE,
            Some(Ok(n @ 1..=MAX_TRANSCRIPT_LIMIT)) => n as usize,
            Some(_) => {
                return Err(AppError::BadRequest(format!(
                    "limit {:?} is not a number of messages from 1 to {MAX_TRANSCRIPT_LIMIT}",
                    limit.unwrap_or_default()
                )));
            }
        };
        let (state, chat) = super::context::chat(&repo, &chat_id).await?;
        Ok(crate::server::chats::transcript(&state.events, &chat, id, limit).await?)
    })
    .await
}
