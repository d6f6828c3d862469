//! Opening a chat for the chat page: the chat with its transcript, what
//! it waits on the user for and its pickers; a page of its transcript; and
//! the page's "still shown" beacon.

use std::path::Path;

use super::chat_ref::{existing_worktree, no_chat, not_this_chats};
use super::{ChatError, ChatRef, ChatTarget};
use crate::model::chats::{ChatOpening, OpenedChat};
use crate::model::deferred::Deferred;
use crate::opencode::{SessionStatus, TRANSCRIPT_PAGE, Transcript};
use crate::server::events::EventHub;
use crate::server::state::AppState;
use crate::server::usage;

/// The chat (worktree, branch, session; or a remote's session) with its
/// latest messages, for the chat page's first paint. A local chat's agent
/// is offered its tools (browser, push) in the background.
///
/// The pickers are asked for at once, beside the chat: on a chat whose
/// instance was disposed, both wait for opencode to load it, and the
/// pickers' provider list takes longest to load after it. The header's
/// context gauge is added up beside the transcript and measured against
/// the pickers' models, so the page needs no second call for it.
pub async fn open_chat(state: &AppState, target: &ChatTarget) -> Result<OpenedChat, ChatError> {
    let ChatTarget { chat, client, dir } = target;
    let opened = async {
        let chat = match chat {
            ChatRef::Remote { remote, session } => {
                crate::server::ssh::as_chat(remote, client.find_session(session).await?)
            }
            ChatRef::Local(name) => {
                super::offer_agent_tools(state, name, dir.clone());
                super::chat(&state.git, client, name)
                    .await?
                    .ok_or_else(|| no_chat(name))?
            }
        };
        let (transcript, asks, tally) = match &chat.session_id {
            Some(id) => {
                let (transcript, asks, tally) = tokio::join!(
                    transcript(&state.events, target, id, TRANSCRIPT_PAGE),
                    client.pending_asks(dir, id),
                    usage::session_tally(&state.usage_tallies, client, dir, id)
                );
                // Without it the gauge loads it itself.
                let tally = tally
                    .inspect_err(|e| tracing::warn!(error = %e, "usage not added up"))
                    .ok();
                (Some(transcript?), asks?, tally)
            }
            None => (None, Default::default(), None),
        };
        Ok::<_, ChatError>((chat, transcript, asks, tally))
    };
    // Without the pickers the chat still opens (with opencode's defaults).
    let (opened, choices) = tokio::join!(opened, client.choices(dir));
    let (chat, transcript, asks, tally) = opened?;
    let choices = choices
        .inspect_err(|e| tracing::warn!(error = %e, "models and modes unavailable"))
        .ok();
    let usage = match (&chat.session_id, tally, &choices) {
        (Some(id), Some(tally), Some(choices)) => Some(tally.usage(id, choices)),
        _ => None,
    };
    Ok(OpenedChat {
        chat,
        opening: transcript.as_ref().map(ChatOpening::of),
        transcript: transcript.as_ref().map(Deferred::new),
        asks: Deferred::new(&asks),
        choices,
        usage: Deferred::new(&usage),
    })
}

/// Session `id`'s transcript, loaded from the chat's directory (the
/// session must be there): its latest `limit` messages, and whether there
/// are earlier ones. Whether it is busy is what the live stream (`hub`)
/// has said, so that a tab reloading on "idle" reads idle; opencode's own
/// status only when the stream cannot say.
pub async fn transcript(
    hub: &EventHub,
    target: &ChatTarget,
    id: &str,
    limit: usize,
) -> Result<Transcript, ChatError> {
    let ChatTarget { client, dir, .. } = target;
    // One more than shown says whether anything is left out.
    let (session, mut messages, statuses) = tokio::try_join!(
        client.session(dir, id),
        client.messages(dir, id, Some(limit + 1)),
        client.statuses(dir)
    )?;
    let earlier = messages.len() > limit;
    if earlier {
        messages.drain(..messages.len() - limit);
    }
    if Path::new(&session.directory) != dir {
        return Err(not_this_chats(id));
    }
    let busy = hub
        .working(id)
        .unwrap_or_else(|| statuses.get(id).is_some_and(|s| *s != SessionStatus::Idle));
    Ok(Transcript {
        session,
        messages,
        earlier,
        busy,
        error: None,
    })
}

/// A tab shows the chat: a local chat keeps its opencode instance (see
/// `server::instances`); a remote chat's instance is its own opencode's.
pub fn shown(state: &AppState, chat: &ChatRef) -> Result<(), ChatError> {
    if let ChatRef::Local(name) = chat {
        let dir = existing_worktree(state.git.layout(), name)?;
        state.instances.show(&dir);
    }
    Ok(())
}
