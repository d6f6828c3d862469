//! `POST /pocket/fn/get_transcript`: a chat's session with its messages and
//! run state (what the chat refetches when it settles or resyncs).

use leptos::prelude::*;

use super::AppError;
use crate::opencode::Transcript;

#[server(prefix = "/pocket/fn", endpoint = "get_transcript")]
pub async fn get_transcript(
    repo: String,
    chat_id: String,
    session_id: String,
) -> Result<Transcript, AppError> {
    super::context::respond(async {
        let id = super::validate::session_id(&session_id)?;
        let (client, state) = super::context::opencode().await?;
        let dir = super::chat_context::chat_dir(&state, &repo, &chat_id)?;
        super::chat_context::transcript(&client, &dir, id).await
    })
    .await
}
