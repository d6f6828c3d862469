//! "New chat on <connection>": a chat in a directory on a connected remote.
//! The server checks the directory exists there before making the session.

use leptos::prelude::*;
use leptos_router::NavigateOptions;
use leptos_router::hooks::use_navigate;

use crate::api::NewRemoteChat as StartRemoteChat;
use crate::app::chat_list::{ChatList, chat_href};

#[component]
pub fn NewRemoteChat(connection: String) -> impl IntoView {
    let chat_list = expect_context::<ChatList>();
    let navigate = use_navigate();
    let path = RwSignal::new(String::new());
    let start_chat = ServerAction::<StartRemoteChat>::new();
    let busy = start_chat.pending();
    Effect::new(move |_| {
        if let Some(Ok(chat)) = start_chat.value().get() {
            let href = chat_href(&chat.worktree.repo, &chat.worktree.chat_id);
            untrack(|| {
                chat_list.refresh();
                navigate(&href, NavigateOptions::default());
            });
        }
    });
    // A new start hides the last one's error.
    let error = move || {
        (!busy.get())
            .then(|| start_chat.value().get().and_then(Result::err))
            .flatten()
            .map(|e| e.to_string())
    };
    let start = {
        let connection = connection.clone();
        move |ev: leptos::ev::SubmitEvent| {
            ev.prevent_default();
            start_chat.dispatch(StartRemoteChat {
                connection: connection.clone(),
                directory: path.get_untracked(),
            });
        }
    };
    view! {
        <form class="mt-2 flex flex-wrap items-end gap-2" on:submit=start>
            <label class="flex min-w-0 flex-1 flex-col text-sm text-neutral-400">
                {format!("New chat in a directory on {connection}")}
                <input
                    type="text"
                    required
                    placeholder="/home/you/project"
                    autocapitalize="off"
                    spellcheck="false"
                    class="mt-1 min-h-11 border border-neutral-700 bg-neutral-950 px-2 text-base text-neutral-100"
                    prop:value=move || path.get()
                    on:input=move |ev| path.set(event_target_value(&ev))
                />
            </label>
            <button
                type="submit"
                class="min-h-11 border border-neutral-500 px-3 text-neutral-100 disabled:text-neutral-600"
                disabled=move || busy.get()
            >
                {move || if busy.get() { "Starting…" } else { "Start chat" }}
            </button>
            {move || error().map(|text| view! {
                <p role="alert" class="w-full text-sm break-words text-red-400">{text}</p>
            })}
        </form>
    }
}
