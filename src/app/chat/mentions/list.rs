//! The pickers' listbox, in the WASM chunk `composer` (see `app::lazy`;
//! with what a tap on the mic runs, `voice::run`): it shows only once `/`
//! or `@` is typed. The chunk is compiled the first time the list opens (or
//! the mic is tapped), from the bytes the start script fetched once the page
//! was idle (`app::chunk_prefetch`).

use leptos::prelude::*;

use super::{LISTBOX_ID, Mentions, Suggestion, option_id};
use crate::app::erase::Erase;
use crate::app::lazy::Loaded;
use crate::model::mentions::Mention;

/// The open list of suggestions, following them as they change.
#[leptos::wasm_split::wasm_split(composer, wasm_split_path = ::leptos::wasm_split, fallible)]
pub(super) fn mention_list(mentions: Mentions) -> Loaded {
    Ok(view! { <Listbox mentions /> }.erase())
}

#[component]
fn Listbox(mentions: Mentions) -> impl IntoView {
    // The textbox points at the listbox only while it is in the page.
    Effect::new(move |_| mentions.listed.set(true));
    on_cleanup(move || {
        let _ = mentions.listed.try_set(false);
    });
    let label = move || match mentions.open_mention() {
        Some(Mention::Command { .. }) => "Commands",
        _ => "Files",
    };
    move || {
        let suggestions = mentions.suggestions();
        (!suggestions.is_empty()).then(|| {
            let options = suggestions
                .into_iter()
                .enumerate()
                .map(|(index, s)| view! { <MentionOption mentions index suggestion=s /> })
                .collect_view();
            view! {
                <ul
                    id=LISTBOX_ID
                    role="listbox"
                    aria-label=label
                    class="mb-2 max-h-[40dvh] overflow-y-auto border border-neutral-700 bg-neutral-950"
                >
                    {options}
                </ul>
            }
        })
    }
}

#[component]
fn MentionOption(mentions: Mentions, index: usize, suggestion: Suggestion) -> impl IntoView {
    let selected = move || mentions.active.get() == index;
    let detail = suggestion
        .detail
        .map(|d| view! { <span class="block truncate text-sm text-neutral-400">{d}</span> });
    view! {
        <li
            id=option_id(index)
            role="option"
            aria-selected=move || selected().to_string()
            class="flex min-h-11 cursor-pointer flex-col justify-center px-3 py-1 text-neutral-100 aria-selected:bg-neutral-800"
            // Keeps the focus (and the phone's keyboard) in the prompt.
            on:mousedown=|ev| ev.prevent_default()
            on:click=move |_| mentions.choose(index)
        >
            <span class="truncate font-mono">{suggestion.label}</span>
            {detail}
        </li>
    }
}
