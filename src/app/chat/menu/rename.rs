//! Renaming the chat: a title field under the header.

use leptos::prelude::*;

use crate::app::call::Call;

use super::{MenuChat, Panel};
use crate::api::RenameChat;

#[component]
pub fn Rename(chat: StoredValue<MenuChat>, panel: RwSignal<Panel>) -> impl IntoView {
    let title = RwSignal::new(String::new());
    let rename = Call::<RenameChat>::new();
    Effect::new(move |_| {
        if let Some(Ok(_)) = rename.value().get() {
            panel.set(Panel::None);
        }
    });
    let error = move || {
        rename
            .value()
            .get()
            .and_then(Result::err)
            .map(|e| e.to_string())
    };
    let save = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let MenuChat {
            repo,
            chat_id,
            session_id,
            ..
        } = chat.get_value();
        rename.dispatch(RenameChat {
            repo,
            chat_id,
            session_id,
            title: title.get_untracked(),
        });
    };
    view! {
        <form
            class="absolute top-full right-0 left-0 z-20 flex flex-wrap gap-2 border-b border-neutral-700 bg-black p-2"
            on:submit=save
        >
            <label for="chat-title" class="sr-only">"New title"</label>
            <input
                id="chat-title"
                type="text"
                required
                maxlength="200"
                placeholder="New title"
                class="min-h-11 min-w-0 flex-1 border border-neutral-700 bg-black px-2 text-base text-neutral-100"
                on:input:target=move |ev| title.set(ev.target().value())
            />
            <button type="submit" class="min-h-11 border border-neutral-500 px-3 text-neutral-100">"Save"</button>
            <button type="button" class="min-h-11 border border-neutral-700 px-3" on:click=move |_| panel.set(Panel::None)>
                "Cancel"
            </button>
            {move || error().map(|e| view! { <p role="alert" class="w-full text-red-400">{e}</p> })}
        </form>
    }
}
