//! The menu's items and what they do.

use leptos::prelude::*;

use crate::app::call::Call;
use leptos_router::NavigateOptions;
use leptos_router::hooks::use_navigate;

use super::note::Note;
use super::{MenuChat, Panel};
use crate::api::{DeleteChat, ShareChat};
use crate::app::chat_list::ChatList;
use crate::app::confirm::ConfirmButton;
use crate::app::web::clipboard::copy_text;

const ITEM: &str = "flex min-h-11 w-full items-center gap-2 px-3 text-left text-sm text-neutral-200 active:bg-neutral-900 disabled:text-neutral-600";

/// What the items start on the server or in the browser. Made with the
/// menu's button, not its items: an answer still lands after the menu
/// closed, and the note stays for the next opening.
#[derive(Clone, Copy)]
pub struct MenuActions {
    copy: Action<String, Result<String, String>>,
    share: Call<ShareChat>,
    delete: Call<DeleteChat>,
}

impl MenuActions {
    pub fn new(chat: StoredValue<MenuChat>, note: RwSignal<Option<Note>>) -> Self {
        Self {
            copy: use_copy_branch(note),
            share: use_share(note),
            delete: use_delete(chat, note),
        }
    }

    fn share(self, chat: StoredValue<MenuChat>, on: bool) {
        let MenuChat {
            repo,
            chat_id,
            session_id,
            ..
        } = chat.get_value();
        self.share.dispatch(ShareChat {
            repo,
            chat_id,
            session_id,
            share: on,
        });
    }

    /// The second tap said it: uncommitted changes go too.
    fn delete(self, chat: StoredValue<MenuChat>) {
        let MenuChat { repo, chat_id, .. } = chat.get_value();
        self.delete.dispatch(DeleteChat {
            repo,
            chat_id,
            force: true,
            delete_branch: false,
        });
    }
}

#[component]
pub fn MenuItems(
    chat: StoredValue<MenuChat>,
    actions: MenuActions,
    open: RwSignal<bool>,
    panel: RwSignal<Panel>,
) -> impl IntoView {
    let remote = chat.with_value(|c| c.remote);
    let MenuActions { copy, .. } = actions;
    let share = move |on: bool| actions.share(chat, on);
    let delete = move || actions.delete(chat);
    let show = move |shown: Panel| {
        move |_| {
            panel.set(shown);
            open.set(false);
        }
    };
    let confirm = if remote {
        "Tap again: delete this session (the remote's files stay)"
    } else {
        "Tap again: delete it and any uncommitted changes"
    };
    view! {
        <div role="menu" aria-label="Chat menu">
            {(!remote).then(|| view! {
                <button type="button" role="menuitem" class=ITEM on:click=move |_| {
                    copy.dispatch_local(chat.with_value(|c| c.branch.clone()));
                }>
                    "Copy branch"
                    <code class="min-w-0 truncate text-neutral-400">{chat.with_value(|c| c.branch.clone())}</code>
                </button>
            })}
            <button type="button" role="menuitem" class=ITEM on:click=show(Panel::Rename)>
                "Rename"
            </button>
            {(!remote).then(|| view! {
                <button type="button" role="menuitem" class=ITEM on:click=show(Panel::Changes)>
                    "Changes (diff)"
                </button>
            })}
            <button type="button" role="menuitem" class=ITEM on:click=show(Panel::Files)>
                "Files"
                <span class="text-neutral-500">"browse, download, upload"</span>
            </button>
            {(!remote).then(|| view! {
                <button type="button" role="menuitem" class=ITEM on:click=show(Panel::Review)>
                    "Review"
                    <span class="text-neutral-500">"comment on the diff"</span>
                </button>
            })}
            <button type="button" role="menuitem" class=ITEM on:click=show(Panel::Terminal)>
                "Terminal"
                <span class="text-neutral-500">"a shell in its worktree"</span>
            </button>
            {(!remote).then(|| view! {
                <button type="button" role="menuitem" class=ITEM on:click=show(Panel::Browser)>
                    "Browser"
                    <span class="text-neutral-500">"shared with the agent"</span>
                </button>
            })}
            <button type="button" role="menuitem" class=ITEM on:click=move |_| share(true)>
                "Share"
            </button>
            <button type="button" role="menuitem" class=ITEM on:click=move |_| share(false)>
                "Unshare"
            </button>
            <div role="none" class="px-3 py-1">
                <ConfirmButton
                    label="Delete chat".into()
                    confirm=confirm.into()
                    disabled=Signal::derive(|| false)
                    on_confirm=delete
                    role="menuitem"
                />
            </div>
        </div>
    }
}

/// Copies the branch name it is given; the note says how it went.
fn use_copy_branch(note: RwSignal<Option<Note>>) -> Action<String, Result<String, String>> {
    let copy = Action::new_local(|branch: &String| {
        let branch = branch.clone();
        async move {
            copy_text(&branch)
                .await
                .map(|()| format!("Copied {branch}"))
        }
    });
    Effect::new(move |_| {
        if let Some(result) = copy.value().get() {
            note.set(Some(result.map_or_else(Note::Failed, Note::Done)));
        }
    });
    copy
}

/// Shares or unshares the chat's session; the note shows the link.
fn use_share(note: RwSignal<Option<Note>>) -> Call<ShareChat> {
    let share = Call::<ShareChat>::new();
    Effect::new(move |_| {
        let Some(result) = share.value().get() else {
            return;
        };
        note.set(Some(match result {
            Ok(Some(url)) => Note::Shared(url),
            Ok(None) => Note::Done("No longer shared.".into()),
            Err(e) => Note::Failed(format!("Sharing failed: {e}")),
        }));
    });
    share
}

/// Deletes the chat, then goes home.
fn use_delete(chat: StoredValue<MenuChat>, note: RwSignal<Option<Note>>) -> Call<DeleteChat> {
    let delete = Call::<DeleteChat>::new();
    let chat_list = expect_context::<ChatList>();
    let navigate = use_navigate();
    Effect::new(move |_| match delete.value().get() {
        // Untracked: forgetting reads the list it trims.
        Some(Ok(_)) => untrack(|| {
            chat.with_value(|c| chat_list.forget(&c.repo, &c.chat_id));
            navigate("/", NavigateOptions::default());
        }),
        Some(Err(e)) => note.set(Some(Note::Failed(format!("Could not delete: {e}")))),
        None => {}
    });
    delete
}
