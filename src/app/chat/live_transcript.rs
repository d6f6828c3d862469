//! The transcript kept current by opencode's events, a later part (see
//! `app::later`): the server renders it, and its code comes after
//! hydration.
//!
//! The server-rendered load seeds a signal; each event of this session from
//! the tab's live stream is applied to it (`message.part.delta` appends
//! text, `message.part.updated` and `message.updated` replace,
//! `session.status` sets busy). When the session goes idle, or the stream
//! says this chat may have missed something (a resync), the transcript is
//! loaded again and merged in. Built after the stream opened, it hears a
//! resync at once, so nothing said before it was built is missed.

use leptos::prelude::*;

use super::ChatKey;
use super::follow::Follow;
use super::message::MessageView;
use crate::api::{AppError, get_transcript};
use crate::app::erase::Erase;
use crate::app::lazy::Loaded;
use crate::app::reload::Reload;
use crate::app::use_chat_events;
use crate::model::deferred::Deferred;
use crate::opencode::{Event, SessionStatus, TRANSCRIPT_PAGE, Transcript};

/// A transcript load: how many of the latest messages, and whether it was
/// asked for by "Show earlier messages" (its button waits for it).
type Load = (usize, bool);

/// The transcript part: it keeps `busy` (the composer's) current and ticks
/// `asks_changed` on what may have changed the asks.
#[leptos::wasm_split::wasm_split(later, wasm_split_path = ::leptos::wasm_split, fallible)]
pub fn transcript_part(
    key: ChatKey,
    initial: Deferred<Transcript>,
    busy: RwSignal<bool>,
    asks_changed: RwSignal<u32>,
) -> Loaded {
    Ok(match initial.read() {
        Ok(initial) => view! { <LiveTranscript key initial busy asks_changed /> }.erase(),
        Err(error) => view! {
            <p role="alert" class="min-h-0 flex-1 p-3 text-red-400">
                {format!("This chat's transcript could not be read ({error}): reload the page.")}
            </p>
        }
        .erase(),
    })
}

#[component]
fn LiveTranscript(
    key: ChatKey,
    initial: Transcript,
    busy: RwSignal<bool>,
    asks_changed: RwSignal<u32>,
) -> impl IntoView {
    let (session_id, directory) = (key.session_id.clone(), key.directory.clone());
    let store = RwSignal::new(initial);
    // Left for another chat: its messages are kept to paint on the way back.
    if let Some(recent) = use_context::<super::recent::RecentChats>() {
        let (repo, chat_id) = (key.repo.clone(), key.chat_id.clone());
        on_cleanup(move || {
            if let Some(transcript) = store.try_get_untracked() {
                super::recent::keep(recent, &repo, &chat_id, transcript);
            }
        });
    }
    if let Some(browsing) = use_context::<super::browser::AgentBrowsing>() {
        Effect::new(move |_| browsing.0.set(store.with(Transcript::browser_tool_running)));
    }
    Effect::new(move |_| {
        let working = store.with(|t| t.busy);
        if busy.get_untracked() != working {
            busy.set(working);
        }
    });
    let reload = use_reload(StoredValue::new(key.clone()), store);
    use_chat_events(
        &session_id.clone(),
        &directory,
        move |event: &Event| {
            let settled = matches!(
                event,
                Event::SessionIdle { .. }
                    | Event::SessionStatus {
                        status: SessionStatus::Idle,
                        ..
                    }
            );
            let mine = event.session_id() == Some(session_id.as_str());
            store.maybe_update(|t| t.apply(event));
            if settled && mine {
                reload.again();
            }
            if matches!(event, Event::AsksChanged { .. } | Event::SessionIdle { .. }) {
                asks_changed.update(|n| *n += 1);
            }
        },
        move || {
            reload.again();
            asks_changed.update(|n| *n += 1);
        },
    );
    super::undo::UndoActions::provide(key, store);
    view! { <TranscriptScroll store reload /> }
}

/// The transcript's loads: the latest wins and is merged into the store.
#[derive(Clone, Copy)]
struct TranscriptReload {
    reload: Reload<Load, Result<Transcript, AppError>>,
    /// How many of the latest messages the loads bring: a long chat opens
    /// at its end, and "Show earlier messages" asks for a page more.
    limit: RwSignal<usize>,
}

impl TranscriptReload {
    /// Whether an "earlier messages" load is under way.
    fn loading_earlier(self) -> bool {
        let input = self.reload.action.input();
        input.with(|load| load.is_some_and(|(_, earlier)| earlier))
    }

    /// Loads again as much as is shown (a replaced "earlier" load's wait
    /// goes on in this one).
    fn again(self) {
        let earlier = self
            .reload
            .action
            .input()
            .with_untracked(|load| load.is_some_and(|(_, earlier)| earlier));
        if let Some(limit) = self.limit.try_get_untracked() {
            self.reload.run((limit, earlier));
        }
    }

    fn earlier(self) {
        self.limit.update(|n| *n += TRANSCRIPT_PAGE);
        self.reload.run((self.limit.get_untracked(), true));
    }
}

fn use_reload(key: StoredValue<ChatKey>, store: RwSignal<Transcript>) -> TranscriptReload {
    let reload = Reload::new(Action::new(move |(limit, _): &Load| {
        let ChatKey {
            repo,
            chat_id,
            session_id,
            ..
        } = key.get_value();
        get_transcript(repo, chat_id, session_id, Some(limit.to_string()))
    }));
    Effect::new(move |_| {
        if let Some(Ok(fresh)) = reload.action.value().get() {
            store.update(|t| t.merge_snapshot(fresh));
        }
    });
    TranscriptReload {
        reload,
        limit: RwSignal::new(TRANSCRIPT_PAGE),
    }
}

/// The scroll box: title, "Show earlier messages", the messages, and what
/// the agent is doing; it follows new content while at the bottom.
#[component]
fn TranscriptScroll(store: RwSignal<Transcript>, reload: TranscriptReload) -> impl IntoView {
    let earlier = Memo::new(move |_| store.with(|t| t.earlier));
    let message_ids = Memo::new(move |_| {
        store.with(|t| {
            t.messages
                .iter()
                .filter(|m| !super::undo::is_undone(t, &m.info.id))
                .map(|m| m.info.id.clone())
                .collect::<Vec<_>>()
        })
    });
    let busy = Memo::new(move |_| store.with(|t| t.busy));
    // A reply is coming: its text will want the markdown chunk.
    Effect::new(move |_| {
        if busy.get() {
            super::markdown_view::prepare();
        }
    });
    let error = Memo::new(move |_| store.with(|t| t.error.clone()));
    let title = Memo::new(move |_| store.with(|t| t.session.title.clone()));
    let follow = Follow::starting_at(super::follow::server_box_left_at(), move || store.track());
    view! {
        <div
            class="min-h-0 flex-1 overflow-y-auto overscroll-contain px-3 pt-2 pb-4"
            data-testid="transcript-scroll"
            node_ref=follow.scroller
            on:scroll=move |_| follow.on_scroll()
        >
            <h2 class="mb-3 truncate text-neutral-100">{title}</h2>
            <Show when=move || earlier.get()>
                <button
                    type="button"
                    class="mb-3 min-h-11 w-full border border-neutral-800 text-neutral-300 hover:bg-neutral-900 disabled:text-neutral-500"
                    prop:disabled=move || reload.loading_earlier()
                    on:click=move |_| reload.earlier()
                >
                    {move || {
                        if reload.loading_earlier() {
                            "Loading earlier messages…"
                        } else {
                            "Show earlier messages"
                        }
                    }}
                </button>
            </Show>
            <ol aria-label="Transcript" class="space-y-4">
                <For
                    each=move || message_ids.get()
                    key=|id| id.clone()
                    children=move |message_id| view! { <MessageView store message_id /> }
                />
            </ol>
            <super::undo::UndoneBar store />
            {move || {
                busy.get()
                    .then(|| view! { <p role="status" class="mt-3 text-neutral-500">"working…"</p> })
            }}
            {move || {
                error.get().map(|error| view! { <p role="alert" class="mt-3 text-red-400">{error}</p> })
            }}
        </div>
        <div class="relative">
            <Show when=move || !follow.pinned.get()>
                <button
                    type="button"
                    class="absolute -top-14 right-3 z-10 min-h-11 border border-neutral-600 bg-black px-3 text-neutral-200 shadow"
                    on:click=move |_| follow.jump_to_bottom()
                >
                    "↓ Scroll to bottom"
                </button>
            </Show>
        </div>
    }
}
