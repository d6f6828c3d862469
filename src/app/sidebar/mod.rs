//! The sidebar: every chat across repos with its live status, title, repo,
//! age and unread mark; tap to open. On phones it is a drawer (the top
//! bar's button, an edge swipe to open, a swipe back or a tap outside to
//! close); from `md` up it is a column beside the page. A box above the
//! list filters it by title as you type.

mod filter;
mod item;
mod notifications;
mod swipe;

pub use item::status_label;

use leptos::prelude::*;

use crate::app::chat_list::ChatList;
use crate::app::erase::Erase;
use crate::app::lazy::Loaded;
use filter::ChatFilter;
use item::ChatItem;
use notifications::NotificationsToggle;

/// Whether the drawer is open, shared by the top bar's button and the sidebar.
#[derive(Clone, Copy)]
pub struct SidebarOpen(pub RwSignal<bool>);

/// The sidebar, in the WASM chunk `later` (see `app::later`): the page
/// shows the server's until the chunk has come after hydration.
#[leptos::wasm_split::wasm_split(later, wasm_split_path = ::leptos::wasm_split, fallible)]
pub fn sidebar() -> Loaded {
    Ok(view! { <Sidebar /> }.erase())
}

#[component]
fn Sidebar() -> impl IntoView {
    let SidebarOpen(open) = expect_context::<SidebarOpen>();
    let chat_list = expect_context::<ChatList>();
    swipe::use_edge_swipe(open);
    let close = move |_| open.set(false);
    let query = RwSignal::new(String::new());
    view! {
        <div
            class="fixed inset-0 z-20 bg-black/70 md:hidden"
            class:hidden=move || !open.get()
            aria-hidden="true"
            on:click=close
        ></div>
        <nav
            id="sidebar"
            aria-label="Chats"
            data-open=move || open.get().to_string()
            class="invisible fixed inset-y-0 left-0 z-30 flex w-80 max-w-[85vw] -translate-x-full flex-col border-r border-neutral-800 bg-black pt-[env(safe-area-inset-top)] pb-[env(safe-area-inset-bottom)] pl-[env(safe-area-inset-left)] transition-[transform,visibility] duration-200 data-[open=true]:visible data-[open=true]:translate-x-0 md:visible md:static md:z-auto md:w-72 md:max-w-none md:translate-x-0 md:shrink-0 md:transition-none"
        >
            <div class="flex items-center justify-between border-b border-neutral-800 px-3 py-1">
                <h2 class="text-sm text-neutral-400 uppercase">"Chats"</h2>
                <button
                    type="button"
                    class="min-h-11 min-w-11 text-neutral-400 md:hidden"
                    aria-label="Close the chat list"
                    on:click=close
                >
                    "✕"
                </button>
            </div>
            <ChatFilter query />
            <div class="min-h-0 flex-1 overflow-y-auto overscroll-contain">
                <Transition fallback=|| {
                    view! { <p class="p-3 text-neutral-500">"Loading chats…"</p> }
                }>
                    // A failed load is shown by the items (see `error_list`).
                    {move || Suspend::new(async move {
                        let _ = chat_list.loaded().await;
                        view! { <ChatItems query /> }
                    })}
                </Transition>
            </div>
            <ul class="border-t border-neutral-800 text-sm">
                <li>
                    <a href="/search" class="flex min-h-11 items-center px-3" on:click=close>
                        "Search messages"
                    </a>
                </li>
                <li>
                    <a href="/repos" class="flex min-h-11 items-center px-3" on:click=close>
                        "Repos"
                    </a>
                </li>
                <li>
                    <a href="/resources" class="flex min-h-11 items-center px-3" on:click=close>
                        "Resources"
                    </a>
                </li>
                <li>
                    <a href="/connections" class="flex min-h-11 items-center px-3" on:click=close>
                        "Connections"
                    </a>
                </li>
                <NotificationsToggle />
                <li>
                    // A full page load: the logout page is served by the server.
                    <a href="/logout" rel="external" class="flex min-h-11 items-center px-3">
                        "Log out"
                    </a>
                </li>
            </ul>
        </nav>
    }
}

/// The chats matching the filter, most recently active first; when the
/// list could not be loaded, why, and "Try again".
#[component]
fn ChatItems(query: RwSignal<String>) -> impl IntoView {
    let chat_list = expect_context::<ChatList>();
    let failed = Memo::new(move |_| {
        chat_list
            .entries()
            .and_then(Result::err)
            .map(|e| e.to_string())
    });
    let failure = move || {
        failed.get().map(|error| {
            view! {
                <div role="alert" class="m-3 border border-red-900 px-3 py-2 text-red-400">
                    <p>{format!("The chat list could not be loaded: {error}")}</p>
                    <button
                        type="button"
                        class="mt-1 min-h-11 underline"
                        on:click=move |_| chat_list.refresh()
                    >
                        "Try again"
                    </button>
                </div>
            }
        })
    };
    let all = Memo::new(move |_| chat_list.entries().and_then(Result::ok).unwrap_or_default());
    let entries = Memo::new(move |_| {
        let mut list = all.get();
        query.with(|q| list.retain(|entry| filter::matches(entry, q)));
        list
    });
    let no_match = move || {
        entries.with(Vec::is_empty).then(|| {
            let query = query.get();
            view! {
                <p role="status" class="p-3 text-neutral-500">
                    {format!("No chat matches “{}”.", query.trim())}
                </p>
            }
        })
    };
    view! {
        {failure}
        <Show
            when=move || !all.with(Vec::is_empty)
            fallback=move || {
                (failed.with(Option::is_none)).then(|| view! {
                    <p class="p-3 text-neutral-500">
                        "No chats yet. "
                        <a href="/repos" class="underline">
                            "Pick a repo"
                        </a>
                        " to start one."
                    </p>
                })
            }
        >
            {no_match}
            <ul>
                // Keyed by chat: an item stays put (and tappable) while its
                // status, title and age change underneath.
                <For
                    each=move || entries.get()
                    key=|entry| (entry.repo.clone(), entry.chat_id.clone())
                    children=move |entry| {
                        let (repo, chat_id) = (entry.repo, entry.chat_id);
                        let entry = Memo::new(move |_| {
                            entries
                                .with(|list| {
                                    list.iter().find(|e| e.repo == repo && e.chat_id == chat_id).cloned()
                                })
                        });
                        view! { <ChatItem entry /> }
                    }
                />
            </ul>
        </Show>
    }
}
