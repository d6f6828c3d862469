//! The chats with their worktrees (branch, uncommitted changes, size,
//! status; open or delete), and the sessions running right now.

use crate::app::resource::{JsonResource, json_resource};
use leptos::prelude::*;

use super::disk::size_of;
use super::{ConfirmButton, ResourcesChanged, facts};
use crate::api::{AppError, DeleteChat, list_chats};
use crate::app::chat_list::{ChatEntry, ChatList};
use crate::app::erase::Erase;
use crate::app::sidebar::status_label;
use crate::model::chats::ChatSummary;
use crate::model::disk::DiskUsage;
use crate::model::live::ChatStatus;

#[component]
pub fn RunningSessions() -> impl IntoView {
    let chat_list = expect_context::<ChatList>();
    view! {
        <Suspense fallback=|| view! { <p class="text-neutral-500">"Loading…"</p> }>
            {move || Suspend::new(async move {
                let _ = chat_list.loaded().await;
                view! { <Running /> }
            })}
        </Suspense>
    }
}

#[component]
fn Running() -> impl IntoView {
    let chat_list = expect_context::<ChatList>();
    let running = Memo::new(move |_| {
        chat_list
            .entries()
            .and_then(Result::ok)
            .unwrap_or_default()
            .into_iter()
            .filter(|e| e.status != ChatStatus::Idle)
            .collect::<Vec<ChatEntry>>()
    });
    view! {
        <Show
            when=move || !running.with(Vec::is_empty)
            fallback=|| view! { <p class="text-neutral-500">"Nothing is running."</p> }
        >
            <ul>
                {move || {
                    running
                        .get()
                        .into_iter()
                        .map(|entry| {
                            let (label, colour) = status_label(entry.status).unwrap_or(("idle", ""));
                            view! {
                                <li class="flex gap-2 py-1">
                                    <a href=entry.href() class="min-w-0 flex-1 truncate underline">
                                        {entry.title.clone()}
                                    </a>
                                    <span class=colour>{label}</span>
                                </li>
                            }
                        })
                        .collect_view()
                }}
            </ul>
        </Show>
    }
}

/// Its own list (not the sidebar's): rows stay put while the sidebar
/// refetches on live events, so a half-confirmed Delete is not reset.
#[component]
pub fn Chats(disk: JsonResource<Result<DiskUsage, AppError>>) -> impl IntoView {
    let changed = expect_context::<ResourcesChanged>();
    let chats = json_resource(move || changed.version(), |_| list_chats());
    view! {
        <Transition fallback=|| view! { <p class="text-neutral-500">"Loading chats…"</p> }>
            {move || Suspend::new(async move {
                let chats = chats.await;
                let usage = disk.await.ok();
                // Worktrees on this machine: a remote's chats are not here.
                let chats = chats.map(|mut chats| {
                    chats.retain(|c| crate::model::remotes::remote_name(&c.worktree.repo).is_none());
                    chats
                });
                match chats {
                    Ok(chats) if chats.is_empty() => {
                        view! { <p class="text-neutral-500">"No chats."</p> }.erase()
                    }
                    Ok(chats) => {
                        chats
                            .into_iter()
                            .map(|chat| {
                                let size = size_of(
                                    usage.as_ref(),
                                    true,
                                    &format!("{}/{}", chat.worktree.repo, chat.worktree.chat_id),
                                );
                                view! { <ChatRow chat size /> }
                            })
                            .collect_view()
                            .erase()
                    }
                    Err(error) => {
                        view! { <p role="alert" class="text-red-400">{error.to_string()}</p> }
                            .erase()
                    }
                }
            })}
        </Transition>
    }
}

#[component]
fn ChatRow(chat: ChatSummary, size: Option<String>) -> impl IntoView {
    let chat_list = expect_context::<ChatList>();
    let delete_chat = use_delete_chat();
    let error = move || {
        delete_chat
            .value()
            .get()
            .and_then(Result::err)
            .map(|e| e.to_string())
    };
    let worktree = chat.worktree.clone();
    // Always a text node, filled in from the live summaries: the server may
    // render it before they load, and text may differ at hydration.
    let status = {
        let session = chat.session_id.clone();
        move || {
            let status = chat_list
                .live()
                .and_then(Result::ok)
                .and_then(|live| {
                    live.into_iter()
                        .find(|s| Some(&s.session_id) == session.as_ref())
                })
                .map(|s| s.status)
                .unwrap_or_default();
            status_label(status).map_or("idle", |(label, _)| label)
        }
    };
    let title = if chat.title.is_empty() {
        "(new chat)".to_owned()
    } else {
        chat.title.clone()
    };
    let href = crate::app::chat_list::chat_href(&worktree.repo, &worktree.chat_id);
    let facts = facts([
        Some(worktree.repo.clone()),
        worktree.branch.clone(),
        worktree.dirty.then(|| "uncommitted changes".to_owned()),
        chat.session_id.is_none().then(|| "session gone".to_owned()),
        size,
    ]);
    let delete = {
        let (repo, chat_id, dirty) = (
            worktree.repo.clone(),
            worktree.chat_id.clone(),
            worktree.dirty,
        );
        move || {
            delete_chat.dispatch(DeleteChat {
                repo: repo.clone(),
                chat_id: chat_id.clone(),
                force: dirty,
                delete_branch: false,
            });
        }
    };
    let confirm = if worktree.dirty {
        "Tap again: lose its uncommitted changes"
    } else {
        "Tap again to delete"
    };
    view! {
        <div role="group" aria-label=format!("chat {}", worktree.chat_id) class="border-b border-neutral-900 py-2">
            <div class="flex items-center gap-2">
                <div class="min-w-0 flex-1">
                    <a href=href class="block truncate text-neutral-100 underline">{title}</a>
                    <p class="text-xs break-words text-neutral-500">{facts}</p>
                    <p class="truncate text-xs text-neutral-500" title="worktree">{worktree.path.clone()}</p>
                    <p class="text-xs text-neutral-400" data-testid="chat-status">{status}</p>
                </div>
                <ConfirmButton label="Delete".into() confirm=confirm.into() disabled=delete_chat.pending() on_confirm=delete />
            </div>
            {move || error().map(|e| view! { <p role="alert" class="text-red-400">{e}</p> })}
        </div>
    }
}

/// Deleting a chat here; the page's lists reload after it.
fn use_delete_chat() -> ServerAction<DeleteChat> {
    let changed = expect_context::<ResourcesChanged>();
    let delete_chat = ServerAction::<DeleteChat>::new();
    Effect::new(move |_| {
        if let Some(Ok(_)) = delete_chat.value().get() {
            untrack(|| changed.notify());
        }
    });
    delete_chat
}
