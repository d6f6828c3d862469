//! Sending queued prompts. A task follows the live stream: when a chat's
//! session goes idle (`session.idle`, or `session.status` idle) and the
//! chat has prompts queued, the head is sent. Before sending, opencode is
//! asked whether the session is really idle, and sends of one chat hold its
//! lock, so they never overlap: one prompt per idle, in order. A sweep
//! every few seconds (and after the stream lagged) catches idles missed,
//! e.g. while pocketcode was down. A send that fails leaves the prompt at
//! the head with the error shown; the queue waits for the user's next change.
//! A head goes as Send would send it: its `@` files (checked again) as file
//! parts, a slash command run as a command.

use std::time::Duration;

use tokio::sync::broadcast::error::RecvError;

use crate::model::live::StreamItem;
use crate::model::queue::QueuedPrompt;
use crate::opencode::{Event, SessionStatus};
use crate::server::chats::{ChatRef, ChatTarget, PromptRequest};
use crate::server::git::WorktreeName;
use crate::server::mentions::{self, MentionError};
use crate::server::state::AppState;

/// How often every waiting queue is looked at, idle event or not.
const SWEEP: Duration = Duration::from_secs(10);
/// How long a sent prompt may take to make its session busy (a reply
/// quicker than the polling is over before, and this wait is all it costs).
const TURN_STARTS: Duration = Duration::from_secs(3);

/// Follows `state`'s live events and sends queue heads on idle, until the
/// returned task is aborted.
pub fn drain_on_idle(state: AppState) -> tokio::task::JoinHandle<()> {
    let mut live = state.events.subscribe(None).live;
    tokio::spawn(async move {
        let mut sweep = tokio::time::interval(SWEEP);
        loop {
            tokio::select! {
                item = live.recv() => match item {
                    Ok(stored) => {
                        let key = idle_session(stored.data())
                            .and_then(|session| state.queues.key_of_session(&session));
                        if let Some(key) = key {
                            drain_soon(&state, key);
                        }
                    }
                    Err(RecvError::Lagged(_)) => sweep_all(&state),
                    Err(RecvError::Closed) => return,
                },
                _ = sweep.tick() => sweep_all(&state),
            }
        }
    })
}

fn sweep_all(state: &AppState) {
    for key in state.queues.waiting() {
        drain_soon(state, key);
    }
}

/// Sends chat `key`'s queue head in the background, if its session is idle.
pub fn drain_soon(state: &AppState, key: String) {
    let state = state.clone();
    tokio::spawn(async move { drain(&state, &key).await });
}

async fn drain(state: &AppState, key: &str) {
    let lock = state.queues.sending(key);
    let _sending = lock.lock().await;
    let Some((owner, head)) = state.queues.head(key) else {
        return;
    };
    let target = match ChatRef::parse(&owner.repo, &owner.chat_id) {
        Ok(chat) => chat.resolve(state).await,
        Err(err) => Err(err),
    };
    let sent = match target {
        Ok(target) => {
            match target.client.statuses(&target.dir).await {
                Ok(busy) if !busy.contains_key(&owner.session_id) => {}
                // Working (its idle will come), or opencode is away (the
                // sweep tries again).
                _ => return,
            }
            send_head(state, &target, &owner.session_id, &head).await
        }
        Err(err) => Err(err.into()),
    };
    let changed = match sent {
        Ok(()) => state.queues.sent(key, head.id),
        // opencode is (re)starting: not the prompt's fault, try again later.
        Err(err) if err.status() == 503 => return,
        Err(err) => {
            tracing::warn!(%err, chat = %key, "a queued prompt could not be sent");
            state
                .queues
                .failed(key, format!("The queued prompt was not sent: {err}"))
        }
    };
    if let Err(err) = changed {
        tracing::warn!(%err, chat = %key, "queue not saved");
    }
    if let Ok(name) = WorktreeName::parse(key) {
        super::announce(state, &state.git.layout().worktree(&name), key);
    }
}

/// Sends a queued prompt as Send would: its files checked again (they may
/// have changed since it was queued), a slash command run as a command.
async fn send_head(
    state: &AppState,
    target: &ChatTarget,
    session: &str,
    head: &QueuedPrompt,
) -> Result<(), MentionError> {
    let files = mentions::check_files(target, &head.files).await?;
    let request = PromptRequest {
        text: &head.text,
        model: head.model.as_deref(),
        agent: head.agent.as_deref(),
        images: &[],
        files: &files,
    };
    mentions::send(state, target, session, request).await?;
    turn_started(target, session).await
}

/// Waits (at most [`TURN_STARTS`]) until opencode says `session` is busy.
/// opencode takes a prompt before it marks the session busy: until then, a
/// drain woken by an earlier idle event would find it idle and send the
/// next prompt into this turn (whose reply would then be lost). Called
/// with the chat's send lock held.
pub(super) async fn turn_started(target: &ChatTarget, session: &str) -> Result<(), MentionError> {
    let deadline = tokio::time::Instant::now() + TURN_STARTS;
    while tokio::time::Instant::now() < deadline {
        let statuses = target.client.statuses(&target.dir).await?;
        if statuses.contains_key(session) {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    Ok(())
}

/// The session a stream item says went idle, if it says so.
fn idle_session(data: &str) -> Option<String> {
    if !data.contains("idle") {
        return None;
    }
    let Some(StreamItem::Event {
        session: Some(session),
        event,
        ..
    }) = StreamItem::parse(data)
    else {
        return None;
    };
    match Event::parse(event.get())? {
        Event::SessionIdle { .. }
        | Event::SessionStatus {
            status: SessionStatus::Idle,
            ..
        } => Some(session),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn idle_and_status_idle_name_their_session_and_nothing_else_does() {
        let item = |event: &str| {
            format!(r#"{{"kind":"event","directory":"/w","session":"ses_1","event":{event}}}"#)
        };
        let idle = item(r#"{"type":"session.idle","properties":{"sessionID":"ses_1"}}"#);
        assert_eq!(idle_session(&idle).as_deref(), Some("ses_1"));
        let status = item(
            r#"{"type":"session.status","properties":{"sessionID":"ses_1","status":{"type":"idle"}}}"#,
        );
        assert_eq!(idle_session(&status).as_deref(), Some("ses_1"));
        let busy = item(
            r#"{"type":"session.status","properties":{"sessionID":"ses_1","status":{"type":"busy"}}}"#,
        );
        assert_eq!(idle_session(&busy), None);
        let text = item(
            r#"{"type":"message.part.delta","properties":{"sessionID":"ses_1","messageID":"m","partID":"p","field":"text","delta":"idle"}}"#,
        );
        assert_eq!(idle_session(&text), None);
        assert_eq!(idle_session(r#"{"kind":"heartbeat"}"#), None);
    }
}
