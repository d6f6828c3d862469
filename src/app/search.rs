//! The search page (`/search?q=…`): finds text in every local chat's
//! messages and links to each chat. A plain GET form, so it also works
//! with JavaScript off (the route renders in order).

use crate::app::resource::json_resource;
use leptos::prelude::*;
use leptos_router::components::Form;
use leptos_router::hooks::use_query_map;

use super::erase::Erase;
use super::error_list::error_note;
use crate::api::search_messages;
use crate::model::search::{SearchHit, SearchResults};

#[component]
pub fn SearchPage() -> impl IntoView {
    let params = use_query_map();
    let query = move || params.read().get("q").unwrap_or_default();
    let results = json_resource(query, |q| async move {
        if q.trim().is_empty() {
            Ok(None)
        } else {
            search_messages(q).await.map(Some)
        }
    });
    view! {
        <div class="min-h-0 flex-1 overflow-y-auto p-3 pb-[max(0.75rem,env(safe-area-inset-bottom))]">
            <h2 class="mb-3 text-neutral-100">"Search messages"</h2>
            <Form method="GET" action="/search">
                <div class="flex gap-2" role="search">
                    <label for="search-query" class="sr-only">"Text to find in every chat"</label>
                    <input
                        id="search-query"
                        name="q"
                        type="search"
                        autocomplete="off"
                        enterkeyhint="search"
                        placeholder="Words from any chat…"
                        class="block min-h-11 min-w-0 flex-1 border border-neutral-700 bg-black px-2 text-base text-neutral-100 placeholder:text-neutral-500 focus:border-neutral-400 focus:outline-none"
                        prop:value=query
                    />
                    <button type="submit" class="min-h-11 border border-neutral-600 px-4 text-neutral-100">
                        "Search"
                    </button>
                </div>
            </Form>
            <Transition fallback=|| view! { <p class="mt-3 text-neutral-500">"Searching…"</p> }>
                {move || Suspend::new(async move {
                    match results.await {
                        Ok(Some(found)) => view! { <Results found /> }.erase(),
                        Ok(None) => ().erase(),
                        Err(error) => error_note(&error),
                    }
                })}
            </Transition>
        </div>
    }
}

/// What a search found: a count, then each hit linking to its chat.
#[component]
fn Results(found: SearchResults) -> impl IntoView {
    let summary = match (found.hits.len(), found.truncated) {
        (0, _) => format!(
            "Nothing in {} chat(s) says “{}”.",
            found.chats_searched, found.query
        ),
        (n, false) => format!(
            "{n} message(s) in {} chat(s) searched.",
            found.chats_searched
        ),
        (n, true) => format!("The first {n} messages; narrow the search to see the rest."),
    };
    let failed = (found.chats_failed > 0).then(|| {
        view! {
            <p role="alert" class="text-amber-300">
                {format!("{} chat(s) could not be read and were left out.", found.chats_failed)}
            </p>
        }
    });
    view! {
        <p role="status" data-testid="search-summary" class="mt-3 text-neutral-400">{summary}</p>
        {failed}
        <ol aria-label="Search results" class="mt-2 divide-y divide-neutral-800">
            {found.hits.into_iter().map(|hit| view! { <Hit hit /> }).collect_view()}
        </ol>
    }
}

#[component]
fn Hit(hit: SearchHit) -> impl IntoView {
    let href = format!("/chat/{}/{}", hit.repo, hit.chat_id);
    let title = if hit.title.is_empty() {
        format!("Chat {}", hit.chat_id)
    } else {
        hit.title.clone()
    };
    let who = if hit.role == "user" { "you" } else { "agent" };
    view! {
        <li>
            <a href=href class="block min-h-11 py-2">
                <span class="block truncate text-neutral-100">{title}</span>
                <span class="block text-xs text-neutral-500">{format!("{} · {who}", hit.repo)}</span>
                <span class="block break-words text-sm text-neutral-300">
                    {hit.before}
                    <mark class="bg-amber-300 text-black">{hit.matched}</mark>
                    {hit.after}
                </span>
            </a>
        </li>
    }
}
