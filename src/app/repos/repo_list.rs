//! The repos cloned on this server, each with "New chat".

use crate::app::resource::JsonResource;
use leptos::prelude::*;

use crate::app::call::Call;

use crate::api::{AppError, NewChat};
use crate::app::erase::Erase;
use crate::app::error_list::error_note;
use crate::app::new_chat::{StartChatIn, use_start_chat};
use crate::app::trust::TrustSwitch;
use crate::model::repos::{RepoInfo, RepoList as Repos};

#[component]
pub fn RepoList(repos: JsonResource<Result<Repos, AppError>>) -> impl IntoView {
    let start = use_start_chat();
    view! {
        <Transition fallback=|| view! { <p class="text-neutral-500">"Loading repos…"</p> }>
            {move || Suspend::new(async move {
                match repos.await {
                    Ok(list) => view! { <Repos list=list.repos start /> }.erase(),
                    Err(error) => error_note(&error),
                }
            })}
        </Transition>
        {move || {
            start
                .value()
                .get()
                .and_then(Result::err)
                .map(|error| {
                    view! {
                        <p role="alert" class="mt-2 text-red-400">
                            {format!("Could not start a chat: {error}")}
                        </p>
                    }
                })
        }}
    }
}

#[component]
fn Repos(list: Vec<RepoInfo>, start: Call<NewChat>) -> impl IntoView {
    if list.is_empty() {
        return view! { <p class="text-neutral-500">"No repos yet: add one above."</p> }.erase();
    }
    list.into_iter()
        .map(|repo| {
            let name = repo.name.clone();
            let chats = match repo.worktrees {
                1 => "1 chat".to_owned(),
                n => format!("{n} chats"),
            };
            view! {
                <div
                    role="group"
                    aria-label=repo.name.clone()
                    class="flex items-center gap-2 border-b border-neutral-900 py-2"
                >
                    <div class="min-w-0 flex-1">
                        <p class="truncate text-neutral-100">{repo.name.clone()}</p>
                        <p class="truncate text-xs text-neutral-500">
                            {format!("{} · {chats} · {}", repo.default_branch, repo.origin)}
                        </p>
                        <TrustSwitch repo=repo.name.clone() trusted=repo.trusted />
                    </div>
                    <StartChatIn repo=name start />
                </div>
            }
        })
        .collect_view()
        .erase()
}
