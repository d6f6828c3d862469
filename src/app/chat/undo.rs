//! Undo, redo and fork from one of the user's messages. Each user bubble
//! has a `⋯` button (44 px, one thumb) opening "Undo from here" and "Fork
//! from here". While the chat is undone, the messages from that point on
//! are set aside and a bar under the transcript offers Redo. Fork opens
//! the new chat. The server answers with the session as it is now, and the
//! live stream tells other tabs (`session.updated`).

use leptos::prelude::*;

use crate::app::call::Call;
use leptos_router::NavigateOptions;
use leptos_router::hooks::use_navigate;

use super::ChatKey;
use crate::api::{ForkChat, RedoUndone, UndoFrom};
use crate::app::chat_list::{ChatList, chat_href};
use crate::app::erase::Erase;
use crate::opencode::{Session, Transcript};

/// The undo, redo and fork actions of the chat on screen, shared by every
/// bubble and the undone bar.
#[derive(Clone, Copy)]
pub struct UndoActions {
    key: StoredValue<ChatKey>,
    undo: Call<UndoFrom>,
    redo: Call<RedoUndone>,
    fork: Call<ForkChat>,
}

impl UndoActions {
    /// Made once per chat view; put in context for the bubbles.
    pub fn provide(key: ChatKey, store: RwSignal<Transcript>) -> Self {
        let actions = Self {
            key: StoredValue::new(key),
            undo: Call::new(),
            redo: Call::new(),
            fork: Call::new(),
        };
        let apply = move |session: Option<Result<Session, crate::api::AppError>>| {
            if let Some(Ok(session)) = session {
                store.update(|t| t.session = session);
            }
        };
        Effect::new(move |_| apply(actions.undo.value().get()));
        Effect::new(move |_| apply(actions.redo.value().get()));
        let navigate = use_navigate();
        let chat_list = use_context::<ChatList>();
        Effect::new(move |_| {
            if let Some(Ok(chat)) = actions.fork.value().get() {
                if let Some(list) = chat_list {
                    list.refresh();
                }
                let href = chat_href(&chat.worktree.repo, &chat.worktree.chat_id);
                navigate(&href, NavigateOptions::default());
            }
        });
        provide_context(actions);
        actions
    }

    fn names(self) -> (String, String, String) {
        self.key
            .with_value(|k| (k.repo.clone(), k.chat_id.clone(), k.session_id.clone()))
    }

    fn pending(self) -> bool {
        self.undo.pending().get() || self.redo.pending().get() || self.fork.pending().get()
    }

    /// Whether this chat can be forked (a remote chat has no worktree).
    fn can_fork(self) -> bool {
        self.key
            .with_value(|k| crate::model::remotes::remote_name(&k.repo).is_none())
    }

    /// The last action's error, if it failed.
    fn error(self) -> Option<String> {
        let undo = self.undo.value().get().and_then(Result::err);
        let redo = self.redo.value().get().and_then(Result::err);
        let fork = self.fork.value().get().and_then(Result::err);
        undo.or(redo).or(fork).map(|e| e.to_string())
    }
}

/// The `⋯` of a user bubble and its menu.
#[component]
pub fn MessageActions(message_id: String) -> impl IntoView {
    let Some(actions) = use_context::<UndoActions>() else {
        return ().erase();
    };
    let open = RwSignal::new(false);
    let message = StoredValue::new(message_id);
    let undo = move |_| {
        open.set(false);
        let (repo, chat_id, session_id) = actions.names();
        let message_id = message.get_value();
        actions.undo.dispatch(UndoFrom {
            repo,
            chat_id,
            session_id,
            message_id,
        });
    };
    let fork = move |_| {
        open.set(false);
        let (repo, chat_id, session_id) = actions.names();
        let message_id = message.get_value();
        actions.fork.dispatch(ForkChat {
            repo,
            chat_id,
            session_id,
            message_id,
        });
    };
    let item = "min-h-11 border border-neutral-700 px-3 text-left text-neutral-100 hover:bg-neutral-900 disabled:text-neutral-500";
    view! {
        <div class="float-right -mt-3 flex flex-col items-end">
            <button
                type="button"
                class="min-h-11 min-w-11 text-neutral-400 hover:text-neutral-100"
                aria-label="Message actions"
                aria-expanded=move || open.get().to_string()
                on:click=move |_| open.update(|o| *o = !*o)
            >
                "⋯"
            </button>
            <Show when=move || open.get()>
                <div role="group" aria-label="Message actions" class="flex flex-col gap-1 bg-black">
                    <button type="button" class=item disabled=move || actions.pending() on:click=undo>
                        "Undo from here"
                    </button>
                    <Show when=move || actions.can_fork()>
                        <button type="button" class=item disabled=move || actions.pending() on:click=fork>
                            "Fork from here"
                        </button>
                    </Show>
                </div>
            </Show>
        </div>
    }
    .erase()
}

/// "Undone from here — Redo" while the chat is undone; the last action's
/// error either way.
#[component]
pub fn UndoneBar(store: RwSignal<Transcript>) -> impl IntoView {
    let Some(actions) = use_context::<UndoActions>() else {
        return ().erase();
    };
    let undone = Memo::new(move |_| store.with(|t| t.session.revert.is_some()));
    let redo = move |_| {
        let (repo, chat_id, session_id) = actions.names();
        actions.redo.dispatch(RedoUndone {
            repo,
            chat_id,
            session_id,
        });
    };
    view! {
        <Show when=move || undone.get()>
            <div
                role="status"
                aria-label="Undone"
                class="mt-3 flex items-center justify-between gap-2 border border-amber-700 px-3 py-1 text-amber-200"
            >
                <span>"Undone from here — the agent's file changes too."</span>
                <button
                    type="button"
                    class="min-h-11 min-w-11 shrink-0 border border-amber-600 px-3 text-neutral-100 disabled:text-neutral-500"
                    disabled=move || actions.pending()
                    on:click=redo
                >
                    "Redo"
                </button>
            </div>
        </Show>
        {move || actions.error().map(|e| view! { <p role="alert" class="mt-3 text-red-400">{e}</p> })}
    }
    .erase()
}

/// Whether message `id` is set aside by an undo: it is the message the
/// session is undone from, or later (opencode's ids sort in time order).
pub fn is_undone(transcript: &Transcript, id: &str) -> bool {
    transcript
        .session
        .revert
        .as_ref()
        .is_some_and(|r| id >= r.message_id.as_str())
}
