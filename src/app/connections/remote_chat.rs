//! "New chat on <connection>": a chat in a directory on a connected remote.
//! The server checks the directory exists there before making the session.

use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::NavigateOptions;
use leptos_router::hooks::use_navigate;

use crate::api::new_remote_chat;
use crate::app::directory::{ChatDirectory, chat_href};

#[component]
pub fn NewRemoteChat(connection: String) -> impl IntoView {
    let directory = expect_context::<ChatDirectory>();
    let navigate = use_navigate();
    let path = RwSignal::new(String::new());
    let busy = RwSignal::new(false);
    let error = RwSignal::new(None::<String>);
    let start = {
        let connection = connection.clone();
        move |ev: leptos::ev::SubmitEvent| {
            ev.prevent_default();
            let (connection, navigate) = (connection.clone(), navigate.clone());
            busy.set(true);
            error.set(None);
            spawn_local(async move {
                match new_remote_chat(connection, path.get_untracked()).await {
                    Ok(chat) => {
                        directory.refresh();
                        let href = chat_href(&chat.worktree.repo, &chat.worktree.chat_id);
                        navigate(&href, NavigateOptions::default());
                    }
                    Err(e) => {
                        error.try_set(Some(e.to_string()));
                    }
                }
                busy.try_set(false);
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
            {move || error.get().map(|text| view! {
                <p role="alert" class="w-full text-sm break-words text-red-400">{text}</p>
            })}
        </form>
    }
}
