//! The user's GitHub repos (with `GITHUB_TOKEN` set), each with "New chat"
//! (which clones it first); without a token, how to set one.

use crate::app::resource::json_resource;
use leptos::prelude::*;

use crate::app::call::Call;

use crate::api::{NewChat, list_github_repos};
use crate::app::erase::Erase;
use crate::app::error_list::error_note;
use crate::app::new_chat::{StartChatIn, use_start_chat};
use crate::model::repos::GithubListing;

#[component]
pub fn GithubRepos() -> impl IntoView {
    let listing = json_resource(|| (), |_| list_github_repos());
    let start = use_start_chat();
    view! {
        <Transition fallback=|| view! { <p class="text-neutral-500">"Asking GitHub…"</p> }>
            {move || Suspend::new(async move {
                match listing.await {
                    Ok(listing) => view! { <Listing listing start /> }.erase(),
                    Err(error) => error_note(&error),
                }
            })}
        </Transition>
    }
}

#[component]
fn Listing(listing: GithubListing, start: Call<NewChat>) -> impl IntoView {
    let message = listing
        .message
        .clone()
        .map(|message| view! { <p role="note" class="mb-2 text-neutral-500">{message}</p> });
    let repos = listing
        .repos
        .into_iter()
        .map(|repo| {
            let name = repo.full_name.clone();
            view! {
                <li class="flex items-center gap-2 border-b border-neutral-900 py-2">
                    <div class="min-w-0 flex-1">
                        <p class="truncate text-neutral-100">
                            {repo.full_name.clone()}
                            {repo.private.then(|| view! { <span class="ml-2 text-xs text-neutral-500">"private"</span> })}
                        </p>
                        <p class="truncate text-xs text-neutral-500">{repo.description.clone().unwrap_or_default()}</p>
                    </div>
                    <StartChatIn repo=name start />
                </li>
            }
        })
        .collect_view();
    view! {
        {message}
        <ul>{repos}</ul>
    }
}
