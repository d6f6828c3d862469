//! `POST /pocket/fn/list_sessions`: the workspace's sessions, newest first.

use leptos::prelude::*;

use super::AppError;
use crate::opencode::Session;

#[server(prefix = "/pocket/fn", endpoint = "list_sessions")]
pub async fn list_sessions() -> Result<Vec<Session>, AppError> {
    super::context::respond(async {
        let (client, state) = super::context::opencode().await?;
        let mut sessions = client.list_sessions(&state.workspace).await?;
        sessions.sort_by(|a, b| {
            b.time
                .updated
                .cmp(&a.time.updated)
                .then_with(|| b.id.cmp(&a.id))
        });
        Ok(sessions)
    })
    .await
}
