//! The banner of a chat whose run was lost when opencode was restarted,
//! with a one-tap "Continue": the prompt `continue`, sent like any other
//! (with the chat's mode and model picks), after which the chat streams as
//! usual. The server keeps the chat interrupted until it runs again or the
//! user sends something, so the banner survives reloads.

use leptos::prelude::*;

use super::ChatKey;
use crate::api::SendPrompt;
use crate::app::chat_list::ChatList;
use crate::app::erase::Erase;
use crate::app::lazy::Loaded;
use crate::app::storage::Pick;
use crate::model::live::ChatStatus;

/// What Continue sends.
pub const CONTINUE_PROMPT: &str = "continue";

/// The banner, in the WASM chunk `later` (see `app::later`): the server's
/// until the chunk has come after hydration.
#[leptos::wasm_split::wasm_split(later, wasm_split_path = ::leptos::wasm_split, fallible)]
pub fn interrupted_part(key: ChatKey, pick: RwSignal<Pick>, busy: Signal<bool>) -> Loaded {
    Ok(view! { <InterruptedBanner key pick busy /> }.erase())
}

#[component]
fn InterruptedBanner(key: ChatKey, pick: RwSignal<Pick>, busy: Signal<bool>) -> impl IntoView {
    let chat_list = expect_context::<ChatList>();
    let send = ServerAction::<SendPrompt>::new();
    let session = key.session_id.clone();
    // Busy: the transcript already heard the new run start.
    let shown = move || !busy.get() && chat_list.status(&session) == Some(ChatStatus::Interrupted);
    let pending = send.pending();
    let go = move |_| {
        let pick = pick.get_untracked();
        send.dispatch(SendPrompt {
            repo: key.repo.clone(),
            chat_id: key.chat_id.clone(),
            session_id: key.session_id.clone(),
            text: CONTINUE_PROMPT.to_owned(),
            model: pick.model,
            agent: pick.agent,
            attachments: None,
            files: None,
        });
    };
    let error = move || {
        send.value()
            .get()
            .and_then(Result::err)
            .map(|e| view! { <p role="alert" class="text-red-400">{format!("Could not continue: {e}")}</p> })
    };
    view! {
        <Show when=shown>
            <div
                role="status"
                data-testid="interrupted"
                class="mb-2 flex flex-wrap items-center gap-2 border border-amber-700 bg-amber-950/40 p-2 text-sm text-amber-200"
            >
                <p class="min-w-0 flex-1">"opencode was restarted while this chat was working."</p>
                <button
                    type="button"
                    class="min-h-11 min-w-11 border border-amber-500 px-4 text-amber-100 hover:bg-amber-900/40 disabled:text-amber-500"
                    prop:disabled=move || pending.get()
                    on:click=go.clone()
                >
                    {move || if pending.get() { "Continuing…" } else { "Continue" }}
                </button>
                {error}
            </div>
        </Show>
    }
}
