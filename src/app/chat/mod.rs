//! One session's chat: its transcript (loaded on the server, then live) and
//! the composer.

mod composer;
mod live_transcript;
mod message;
mod part;

use leptos::prelude::*;

use crate::api::get_transcript;
use crate::app::error_list::ErrorList;
use live_transcript::LiveTranscript;

#[component]
pub fn Chat(session_id: String) -> impl IntoView {
    let transcript = Resource::new(|| (), move |_| get_transcript(session_id.clone()));
    view! {
        <Suspense fallback=|| view! { <p class="text-neutral-500">"Loading the transcript…"</p> }>
            <ErrorBoundary fallback=|errors| view! { <ErrorList errors /> }>
                {move || Suspend::new(async move {
                    transcript.await.map(|initial| view! { <LiveTranscript initial /> })
                })}
            </ErrorBoundary>
        </Suspense>
    }
}
