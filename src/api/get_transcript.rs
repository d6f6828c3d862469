//! `POST /pocket/fn/get_transcript`: a session with its messages and run state.

use leptos::prelude::*;

use super::AppError;
use crate::opencode::Transcript;

#[server(prefix = "/pocket/fn", endpoint = "get_transcript")]
pub async fn get_transcript(session_id: String) -> Result<Transcript, AppError> {
    super::context::respond(async {
        let id = super::validate::session_id(&session_id)?;
        let (client, state) = super::context::opencode().await?;
        let dir = &state.workspace;
        let (session, messages, statuses) = tokio::try_join!(
            client.session(dir, id),
            client.messages(dir, id),
            client.statuses(dir)
        )?;
        let busy = statuses
            .get(id)
            .is_some_and(|s| *s != crate::opencode::SessionStatus::Idle);
        Ok(Transcript {
            session,
            messages,
            busy,
            error: None,
        })
    })
    .await
}
