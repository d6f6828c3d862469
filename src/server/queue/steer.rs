//! Steering: the user's new instruction replaces what the agent is doing.
//! The running turn is aborted (as Stop does), pocketcode waits until
//! opencode says the session is idle, then sends the prompt as Send does
//! (its `@` files as file parts, a slash command run as a command). The chat's
//! send lock is held throughout, so the queue's head cannot slip in
//! between on the abort's idle: it waits for the steered run to end.

use std::time::Duration;

use crate::server::chats::{ChatRef, ChatTarget, PromptRequest};
use crate::server::mentions::{self, MentionError};
use crate::server::state::AppState;

/// How long an abort may take to leave the session idle.
const ABORT_SETTLES: Duration = Duration::from_secs(10);

/// Aborts session `session` of chat `target` and sends `request` in its place.
pub async fn steer(
    state: &AppState,
    target: &ChatTarget,
    session: &str,
    request: PromptRequest<'_>,
) -> Result<(), MentionError> {
    let key = match &target.chat {
        ChatRef::Local(name) => name.as_string(),
        ChatRef::Remote { remote, session } => format!("@{remote}:{session}"),
    };
    let lock = state.queues.sending(&key);
    let _sending = lock.lock().await;
    target.client.abort(&target.dir, session).await?;
    let deadline = tokio::time::Instant::now() + ABORT_SETTLES;
    while tokio::time::Instant::now() < deadline {
        if !target
            .client
            .statuses(&target.dir)
            .await?
            .contains_key(session)
        {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    mentions::send(state, target, session, request).await?;
    // Held until the steered turn runs, so the queue waits for its end.
    super::drain::turn_started(target, session).await
}
