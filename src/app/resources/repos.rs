//! The clones, with their size; delete one (with its chats when it has any).

use crate::app::resource::{JsonResource, json_resource};
use leptos::prelude::*;

use super::disk::size_of;
use super::{ConfirmButton, ResourcesChanged, facts};
use crate::api::{AppError, DeleteRepo, list_repos};
use crate::app::erase::Erase;
use crate::app::error_list::ErrorList;
use crate::model::disk::DiskUsage;
use crate::model::repos::RepoInfo;

#[component]
pub fn Repos(disk: JsonResource<Result<DiskUsage, AppError>>) -> impl IntoView {
    let changed = expect_context::<ResourcesChanged>();
    let repos = json_resource(move || changed.version(), |_| list_repos());
    view! {
        <Transition fallback=|| view! { <p class="text-neutral-500">"Loading repos…"</p> }>
            <ErrorBoundary fallback=|errors| view! { <ErrorList errors /> }>
                {move || Suspend::new(async move {
                    let list = repos.await?;
                    let usage = disk.await.ok();
                    Ok::<_, AppError>(
                        if list.repos.is_empty() {
                            view! { <p class="text-neutral-500">"No repos."</p> }.erase()
                        } else {
                            list.repos
                                .into_iter()
                                .map(|repo| {
                                    let size = size_of(usage.as_ref(), false, &repo.name);
                                    view! { <RepoRow repo size /> }
                                })
                                .collect_view()
                                .erase()
                        },
                    )
                })}
            </ErrorBoundary>
        </Transition>
    }
}

#[component]
fn RepoRow(repo: RepoInfo, size: Option<String>) -> impl IntoView {
    let changed = expect_context::<ResourcesChanged>();
    let delete_repo = ServerAction::<DeleteRepo>::new();
    Effect::new(move |_| {
        if let Some(Ok(_)) = delete_repo.value().get() {
            changed.notify();
        }
    });
    let error = move || {
        delete_repo
            .value()
            .get()
            .and_then(Result::err)
            .map(|e| e.to_string())
    };
    let chats = repo.worktrees;
    let facts = facts([
        Some(repo.default_branch.clone()),
        Some(match chats {
            1 => "1 chat".to_owned(),
            n => format!("{n} chats"),
        }),
        size,
    ]);
    let delete = {
        let name = repo.name.clone();
        move || {
            delete_repo.dispatch(DeleteRepo {
                repo: name.clone(),
                force: chats > 0,
            });
        }
    };
    let confirm = if chats > 0 {
        format!("Tap again: delete it and its {chats} chat(s)")
    } else {
        "Tap again to delete".to_owned()
    };
    view! {
        <div role="group" aria-label=format!("repo {}", repo.name) class="border-b border-neutral-900 py-2">
            <div class="flex items-center gap-2">
                <div class="min-w-0 flex-1">
                    <p class="truncate text-neutral-100">{repo.name.clone()}</p>
                    <p class="text-xs text-neutral-500">{facts}</p>
                    <p class="truncate text-xs text-neutral-500">{repo.origin.clone()}</p>
                </div>
                <ConfirmButton label="Delete".into() confirm disabled=delete_repo.pending() on_confirm=delete />
            </div>
            {move || error().map(|e| view! { <p role="alert" class="text-red-400">{e}</p> })}
        </div>
    }
}
