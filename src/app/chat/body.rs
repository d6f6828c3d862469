//! An open chat's body: its transcript, queue and asks (later parts: their
//! code comes after hydration, see `app::later`) and the composer, which
//! answers at once.
//!
//! The page's own code never reads the transcript: the composer starts from
//! what the server says of it ([`ChatOpening`]), and the transcript's part
//! keeps the composer's `busy` current once built.

use leptos::prelude::*;

use super::ChatKey;
use super::asks::asks_part;
use super::composer::Composer;
use super::live_transcript::transcript_part;
use super::queue::queue_part;
use crate::app::later::LaterPart;
use crate::app::use_chat_events;
use crate::model::chats::ChatOpening;
use crate::model::deferred::Deferred;
use crate::opencode::{Choices, PendingAsks, Transcript};

#[component]
pub fn ChatBody(
    key: ChatKey,
    opening: ChatOpening,
    transcript: Deferred<Transcript>,
    asks: Deferred<PendingAsks>,
    choices: Option<Choices>,
    /// Set once an event of the chat came: what the server rendered may be
    /// out of date then (see `header`). A resync does not set it: each part
    /// that hears the chat's events loads again on one itself.
    heard: RwSignal<bool>,
) -> impl IntoView {
    let initial_pick = super::pickers::initial_pick(choices.as_ref(), &opening);
    let busy = RwSignal::new(opening.busy);
    // What may have changed the asks (their part counts on it, see `asks`);
    // the transcript's part, which hears the chat's events, ticks it.
    let asks_changed = RwSignal::new(0_u32);
    use_chat_events(
        &key.session_id,
        &key.directory,
        move |_| {
            if !heard.get_untracked() {
                heard.set(true);
            }
        },
        || {},
    );
    let part = {
        let key = key.clone();
        move || transcript_part(key.clone(), transcript.clone(), busy, asks_changed)
    };
    let queue_key = key.clone();
    let asks_key = key.clone();
    view! {
        <LaterPart label="transcript" load=part />
        <LaterPart label="queue" load=move || queue_part(queue_key.clone()) />
        <LaterPart label="asks" load=move || asks_part(asks_key.clone(), asks.clone(), asks_changed.read_only()) />
        <Composer key busy=busy.into() choices initial_pick />
        <super::follow::ScrollToEndOnLoad />
    }
}
