//! The transcript kept current by opencode's events.
//!
//! The server-rendered load seeds a signal; each event of this session from
//! the tab's live stream is applied to it (`message.part.delta` appends
//! text, `message.part.updated` and `message.updated` replace,
//! `session.status` sets busy). When the session goes idle, or the stream
//! says this chat may have missed something (a resync), the transcript is
//! loaded again and merged in.

use leptos::prelude::*;
use leptos::task::spawn_local;

use super::ChatKey;
use super::asks::Asks;
use super::composer::Composer;
use super::follow::Follow;
use super::message::MessageView;
use crate::api::get_transcript;
use crate::app::use_chat_events;
use crate::opencode::{Choices, Event, PendingAsks, SessionStatus, TRANSCRIPT_PAGE, Transcript};

#[component]
pub fn LiveTranscript(
    key: ChatKey,
    initial: Transcript,
    asks: PendingAsks,
    choices: Option<Choices>,
) -> impl IntoView {
    let initial_pick = super::pickers::initial_pick(choices.as_ref(), &initial);
    let session_id = initial.session.id.clone();
    let directory = initial.session.directory.clone();
    let store = RwSignal::new(initial);
    if let Some(browsing) = use_context::<super::browser::AgentBrowsing>() {
        Effect::new(move |_| browsing.0.set(store.with(Transcript::browser_tool_running)));
    }
    // How many of the latest messages the loads bring: a long chat opens at
    // its end, and "Show earlier messages" asks for a page more.
    let limit = RwSignal::new(TRANSCRIPT_PAGE);
    let loading_earlier = RwSignal::new(false);

    // Loads started later win; an older load finishing late is dropped.
    let generation = StoredValue::new(0_u64);
    let reload = {
        let key = key.clone();
        move || {
            let key = key.clone();
            let Some(mine) = generation.try_update_value(|g| {
                *g += 1;
                *g
            }) else {
                return;
            };
            let Some(wanted) = limit.try_get_untracked() else {
                return;
            };
            spawn_local(async move {
                let fresh = get_transcript(
                    key.repo,
                    key.chat_id,
                    key.session_id,
                    Some(wanted.to_string()),
                )
                .await;
                if generation.try_get_value() != Some(mine) {
                    return;
                }
                loading_earlier.try_set(false);
                if let Ok(fresh) = fresh {
                    store.try_update(|t| t.merge_snapshot(fresh));
                }
            });
        }
    };

    use_chat_events(
        &session_id,
        &directory,
        {
            let reload = reload.clone();
            let session_id = session_id.clone();
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
                    reload();
                }
            }
        },
        reload.clone(),
    );

    let earlier = Memo::new(move |_| store.with(|t| t.earlier));
    let show_earlier = move |_| {
        limit.update(|n| *n += TRANSCRIPT_PAGE);
        loading_earlier.set(true);
        reload();
    };
    let message_ids = Memo::new(move |_| {
        store.with(|t| {
            t.messages
                .iter()
                .map(|m| m.info.id.clone())
                .collect::<Vec<_>>()
        })
    });
    let busy = Signal::derive(move || store.with(|t| t.busy));
    let error = Memo::new(move |_| store.with(|t| t.error.clone()));
    let title = Memo::new(move |_| store.with(|t| t.session.title.clone()));
    let follow = Follow::new(move || store.track());

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
                    prop:disabled=move || loading_earlier.get()
                    on:click=show_earlier.clone()
                >
                    {move || {
                        if loading_earlier.get() {
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
        <Asks key=key.clone() initial=asks />
        <Composer key busy choices initial_pick />
    }
}
