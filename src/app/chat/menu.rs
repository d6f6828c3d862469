//! The chat's ⋯ menu: copy the branch name (shown inline), rename, share
//! or unshare, the changes (diff stat, tap through to the full diff), and
//! delete the chat with its worktree. A remote's chat (`@<connection>`)
//! has no branch or diff here: rename, share and delete its session.

use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::NavigateOptions;
use leptos_router::hooks::use_navigate;

use super::browser::BrowserPanel;
use super::changes::Changes;
use crate::api::{delete_chat, rename_chat, share_chat};
use crate::app::confirm::ConfirmButton;
use crate::app::directory::ChatDirectory;
use crate::app::web::clipboard::copy_text;
use crate::repos::ChatSummary;

const ITEM: &str = "flex min-h-11 w-full items-center gap-2 px-3 text-left text-sm text-neutral-200 active:bg-neutral-900 disabled:text-neutral-600";

#[component]
pub fn ChatMenu(chat: ChatSummary) -> impl IntoView {
    let open = RwSignal::new(false);
    let note = RwSignal::new(None::<Note>);
    let panel = RwSignal::new(Panel::None);
    let repo = chat.worktree.repo.clone();
    let chat_id = chat.worktree.chat_id.clone();
    let session = chat.session_id.clone().unwrap_or_default();
    let branch = chat.worktree.branch.clone().unwrap_or_default();
    // A remote's chat has chat features only: no branch, no diff here.
    let remote = crate::remotes::remote_connection(&repo).is_some();
    let report = move |result: Result<String, String>| {
        note.try_set(Some(result.map_or_else(Note::Failed, Note::Done)));
    };

    let copy = {
        let branch = branch.clone();
        move |_| {
            let branch = branch.clone();
            spawn_local(async move {
                report(
                    copy_text(&branch)
                        .await
                        .map(|()| format!("Copied {branch}")),
                );
            });
        }
    };
    let share = {
        let (repo, chat_id, session) = (repo.clone(), chat_id.clone(), session.clone());
        move |on: bool| {
            let (repo, chat_id, session) = (repo.clone(), chat_id.clone(), session.clone());
            spawn_local(async move {
                note.try_set(Some(match share_chat(repo, chat_id, session, on).await {
                    Ok(Some(url)) => Note::Shared(url),
                    Ok(None) => Note::Done("No longer shared.".into()),
                    Err(e) => Note::Failed(format!("Sharing failed: {e}")),
                }));
            });
        }
    };
    let directory = expect_context::<ChatDirectory>();
    let navigate = use_navigate();
    let delete = {
        let (repo, chat_id) = (repo.clone(), chat_id.clone());
        move || {
            let (repo, chat_id, navigate) = (repo.clone(), chat_id.clone(), navigate.clone());
            spawn_local(async move {
                // The second tap said it: uncommitted changes go too (`force`).
                match delete_chat(repo.clone(), chat_id.clone(), true, false).await {
                    Ok(_) => {
                        directory.forget(&repo, &chat_id);
                        navigate("/", NavigateOptions::default());
                    }
                    Err(e) => report(Err(format!("Could not delete: {e}"))),
                }
            });
        }
    };
    let share_on = share.clone();
    let confirm = if remote {
        "Tap again: delete this session (the remote's files stay)"
    } else {
        "Tap again: delete it and any uncommitted changes"
    };
    view! {
        <button
            type="button"
            class="min-h-11 min-w-11 text-lg text-neutral-300"
            aria-label="Chat menu"
            aria-haspopup="menu"
            aria-expanded=move || open.get().to_string()
            on:click=move |_| open.update(|o| *o = !*o)
        >
            "⋯"
        </button>
        <Show when=move || open.get()>
            <div class="absolute top-full right-0 z-20 w-72 max-w-[calc(100vw-1rem)] border border-neutral-700 bg-black py-1 shadow-lg">
            <div role="menu" aria-label="Chat menu">
                {(!remote).then(|| view! {
                    <button type="button" role="menuitem" class=ITEM on:click=copy.clone()>
                        "Copy branch"
                        <code class="min-w-0 truncate text-neutral-400">{branch.clone()}</code>
                    </button>
                })}
                <button type="button" role="menuitem" class=ITEM on:click=move |_| {
                    panel.set(Panel::Rename);
                    open.set(false);
                }>
                    "Rename"
                </button>
                {(!remote).then(|| view! {
                    <button type="button" role="menuitem" class=ITEM on:click=move |_| {
                        panel.set(Panel::Changes);
                        open.set(false);
                    }>
                        "Changes (diff)"
                    </button>
                })}
                {(!remote).then(|| view! {
                    <button type="button" role="menuitem" class=ITEM on:click=move |_| {
                        panel.set(Panel::Browser);
                        open.set(false);
                    }>
                        "Browser"
                        <span class="text-neutral-500">"shared with the agent"</span>
                    </button>
                })}
                <button type="button" role="menuitem" class=ITEM on:click={
                    let share_on = share_on.clone();
                    move |_| share_on(true)
                }>
                    "Share"
                </button>
                <button type="button" role="menuitem" class=ITEM on:click={
                    let share = share.clone();
                    move |_| share(false)
                }>
                    "Unshare"
                </button>
                <div role="none" class="px-3 py-1">
                    <ConfirmButton
                        label="Delete chat".into()
                        confirm=confirm.into()
                        disabled=Signal::derive(|| false)
                        on_confirm=delete.clone()
                        role="menuitem"
                    />
                </div>
            </div>
                {move || {
                    note.get()
                        .map(|n| match n {
                            Note::Done(text) => view! { <p role="status" class="px-3 py-1 break-all text-neutral-300">{text}</p> }.into_any(),
                            Note::Shared(url) => view! { <SharedLink url note /> }.into_any(),
                            Note::Failed(text) => view! { <p role="alert" class="px-3 py-1 text-red-400">{text}</p> }.into_any(),
                        })
                }}
            </div>
        </Show>
        {
            let (repo, chat_id, session) = (repo.clone(), chat_id.clone(), session.clone());
            move || match panel.get() {
                Panel::None => ().into_any(),
                Panel::Rename => {
                    view! { <Rename repo=repo.clone() chat_id=chat_id.clone() session=session.clone() panel /> }
                        .into_any()
                }
                Panel::Changes => {
                    view! { <Changes repo=repo.clone() chat_id=chat_id.clone() on_close=move || panel.set(Panel::None) /> }
                        .into_any()
                }
                Panel::Browser => {
                    view! { <BrowserPanel repo=repo.clone() chat_id=chat_id.clone() on_close=move || panel.set(Panel::None) /> }
                        .into_any()
                }
            }
        }
    }
}

/// The line under the menu after an action.
#[derive(Clone)]
enum Note {
    Done(String),
    /// The session's public link.
    Shared(String),
    Failed(String),
}

/// The share link, opened in a new tab, with a button that copies it.
#[component]
fn SharedLink(url: String, note: RwSignal<Option<Note>>) -> impl IntoView {
    let copy = {
        let url = url.clone();
        move |_| {
            let url = url.clone();
            spawn_local(async move {
                if let Err(e) = copy_text(&url).await {
                    note.try_set(Some(Note::Failed(e)));
                }
            });
        }
    };
    view! {
        <div role="status" class="flex flex-wrap items-center gap-2 px-3 py-1 text-neutral-300">
            "Shared: "
            <a href=url.clone() target="_blank" rel="noopener noreferrer" class="break-all text-neutral-100 underline">
                {url.clone()}
            </a>
            <button type="button" class="min-h-11 border border-neutral-700 px-3 text-sm" on:click=copy>
                "Copy link"
            </button>
        </div>
    }
}

/// What opens below the header from the menu.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Panel {
    None,
    Rename,
    Changes,
    Browser,
}

#[component]
fn Rename(repo: String, chat_id: String, session: String, panel: RwSignal<Panel>) -> impl IntoView {
    let title = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    let save = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let (repo, chat_id, session) = (repo.clone(), chat_id.clone(), session.clone());
        spawn_local(async move {
            match rename_chat(repo, chat_id, session, title.get_untracked()).await {
                Ok(_) => {
                    panel.try_set(Panel::None);
                }
                Err(e) => {
                    error.try_set(Some(e.to_string()));
                }
            }
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
            {move || error.get().map(|e| view! { <p role="alert" class="w-full text-red-400">{e}</p> })}
        </form>
    }
}
