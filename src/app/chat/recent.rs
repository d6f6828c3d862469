//! The chats this tab showed last, as they were when it left them: switching
//! back to one from the sidebar paints its latest messages at once, from
//! this copy, while the chat is opened again; the opened chat (fresh
//! transcript, asks, pickers, composer) then takes the copy's place.

use std::any::Any;
use std::sync::Arc;

use leptos::prelude::*;

use super::follow::Follow;
use super::message::MessageView;
use crate::app::erase::Erase;
use crate::app::lazy::Loaded;
use crate::opencode::Transcript;

/// How many chats are kept.
const KEPT: usize = 8;
/// How many of a kept chat's latest messages are painted: more than a
/// phone's screenful, few enough to paint in a frame or two.
const PREVIEW_MESSAGES: usize = 30;

/// A kept copy: a [`Transcript`], read only by the code of the chunk
/// `later` (the page's own code only asks whether there is one).
type Kept = Arc<dyn Any + Send + Sync>;

/// The chat page's copies, newest first, by `(repo, chat id)`.
#[derive(Clone, Copy)]
pub struct RecentChats(StoredValue<Vec<((String, String), Kept)>>);

impl RecentChats {
    /// The chat page's: one for as long as the page shows chats.
    pub fn provide() -> Self {
        let recent = Self(StoredValue::new(Vec::new()));
        provide_context(recent);
        recent
    }

    /// Chat `chat_id`'s copy, if one is kept.
    pub fn get(self, repo: &str, chat_id: &str) -> Option<Kept> {
        self.0
            .try_with_value(|list| {
                list.iter()
                    .find(|((r, c), _)| r == repo && c == chat_id)
                    .map(|(_, t)| t.clone())
            })
            .flatten()
    }
}

/// Keeps `transcript`'s latest messages as chat `chat_id`'s copy.
pub fn keep(recent: RecentChats, repo: &str, chat_id: &str, mut transcript: Transcript) {
    let left_out = transcript.messages.len().saturating_sub(PREVIEW_MESSAGES);
    transcript.messages.drain(..left_out);
    let key = (repo.to_owned(), chat_id.to_owned());
    recent.0.try_update_value(|list| {
        list.retain(|(k, _)| *k != key);
        list.insert(0, (key, Arc::new(transcript) as Kept));
        list.truncate(KEPT);
    });
}

/// A kept copy's preview, in the chunk `later` (it is there by the time a
/// chat is left: see `app::later`).
#[leptos::wasm_split::wasm_split(later, wasm_split_path = ::leptos::wasm_split, fallible)]
pub fn preview_part(kept: Kept) -> Loaded {
    Ok(match kept.downcast_ref::<Transcript>() {
        Some(transcript) => view! { <ChatPreview transcript=transcript.clone() /> }.erase(),
        None => ().erase(),
    })
}

/// A kept chat's messages, painted while the chat opens: the transcript's
/// look (at its end), with nothing to act on yet.
#[component]
fn ChatPreview(transcript: Transcript) -> impl IntoView {
    let ids = transcript
        .messages
        .iter()
        .filter(|m| !super::undo::is_undone(&transcript, &m.info.id))
        .map(|m| m.info.id.clone())
        .collect::<Vec<_>>();
    let title = transcript.session.title.clone();
    let store = RwSignal::new(transcript);
    let follow = Follow::new(|| ());
    view! {
        <div class="min-h-11 border-b border-neutral-900" aria-hidden="true"></div>
        <div
            class="min-h-0 flex-1 overflow-y-auto overscroll-contain px-3 pt-2 pb-4"
            data-testid="chat-preview"
            aria-busy="true"
            node_ref=follow.scroller
        >
            <h2 class="mb-3 truncate text-neutral-100">{title}</h2>
            <ol aria-label="Transcript" class="space-y-4">
                {ids
                    .into_iter()
                    .map(|message_id| view! { <MessageView store message_id /> })
                    .collect_view()}
            </ol>
        </div>
    }
}
