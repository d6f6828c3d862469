//! The chat's queued prompts as pending bubbles under the transcript: each
//! can be edited, moved up or down, or deleted until pocketcode sends it
//! (when the agent is next idle). A bubble names the slash command its
//! prompt runs and the `@` files it sends. The queue lives on the server;
//! this view refetches it whenever the live stream says it changed, so
//! every tab shows the same queue. Why the head could not be sent is shown
//! above it.

use crate::app::resource::json_resource;
use leptos::prelude::*;

use crate::app::call::Call;

use super::ChatKey;
use crate::api::{DeleteQueued, EditQueued, MoveQueued, get_queue};
use crate::app::erase::Erase;
use crate::app::lazy::Loaded;
use crate::app::use_chat_events;
use crate::model::queue::{PromptQueue, QueuedPrompt};
use crate::opencode::Event;

/// The changes a bubble can ask for, shared by every bubble.
#[derive(Clone, Copy)]
struct Changes {
    chat: StoredValue<ChatKey>,
    edit: Call<EditQueued>,
    moved: Call<MoveQueued>,
    delete: Call<DeleteQueued>,
}

impl Changes {
    fn names(self) -> (String, String) {
        self.chat
            .with_value(|k| (k.repo.clone(), k.chat_id.clone()))
    }

    fn edit(self, id: u64, text: String) {
        let (repo, chat_id) = self.names();
        self.edit.dispatch(EditQueued {
            repo,
            chat_id,
            id,
            text,
        });
    }

    fn move_to(self, id: u64, to: u32) {
        let (repo, chat_id) = self.names();
        self.moved.dispatch(MoveQueued {
            repo,
            chat_id,
            id,
            to,
        });
    }

    fn delete(self, id: u64) {
        let (repo, chat_id) = self.names();
        self.delete.dispatch(DeleteQueued { repo, chat_id, id });
    }

    /// The last change's error, if it failed.
    fn error(self) -> Option<String> {
        let failed = |value: Option<Result<PromptQueue, crate::api::AppError>>| {
            value.and_then(Result::err).map(|e| e.to_string())
        };
        failed(self.edit.value().get())
            .or_else(|| failed(self.moved.value().get()))
            .or_else(|| failed(self.delete.value().get()))
    }
}

/// The queue, in the WASM chunk `later` (see `app::later`): the server's
/// bubbles until the chunk has come after hydration.
#[leptos::wasm_split::wasm_split(later, wasm_split_path = ::leptos::wasm_split, fallible)]
pub fn queue_part(key: ChatKey) -> Loaded {
    Ok(view! { <QueuedPrompts key /> }.erase())
}

/// The queue of a local chat (a remote chat has none: nothing is shown).
#[component]
fn QueuedPrompts(key: ChatKey) -> impl IntoView {
    if crate::model::remotes::remote_name(&key.repo).is_some() {
        return ().erase();
    }
    let chat = StoredValue::new(key.clone());
    let queue = json_resource(
        || (),
        move |()| {
            let (repo, chat_id) = chat.with_value(|k| (k.repo.clone(), k.chat_id.clone()));
            get_queue(repo, chat_id)
        },
    );
    use_chat_events(
        &key.session_id,
        &key.directory,
        move |event: &Event| {
            if matches!(event, Event::QueueUpdated { .. }) {
                queue.refetch();
            }
        },
        move || queue.refetch(),
    );
    let changes = Changes {
        chat,
        edit: Call::new(),
        moved: Call::new(),
        delete: Call::new(),
    };
    view! {
        <Transition fallback=|| ()>
            {move || {
                queue
                    .get()
                    .map(|loaded| match loaded {
                        Ok(queue) => view! { <QueueList queue changes /> }.erase(),
                        Err(e) => {
                            view! {
                                <p role="alert" class="px-3 text-red-400">
                                    {format!("The queue could not be loaded: {e}")}
                                </p>
                            }
                                .erase()
                        }
                    })
            }}
        </Transition>
        {move || changes.error().map(|e| view! { <p role="alert" class="px-3 text-red-400">{e}</p> })}
    }
    .erase()
}

#[component]
fn QueueList(queue: PromptQueue, changes: Changes) -> impl IntoView {
    if queue.prompts.is_empty() {
        return ().erase();
    }
    let last = queue.prompts.len() - 1;
    let bubbles = queue
        .prompts
        .into_iter()
        .enumerate()
        .map(|(at, prompt)| view! { <Bubble prompt at last changes /> })
        .collect_view();
    view! {
        <section aria-label="Queue" class="max-h-[35dvh] overflow-y-auto border-t border-neutral-900 px-3 py-2">
            {queue.error.map(|e| view! { <p role="alert" class="mb-2 text-red-400">{e}</p> })}
            <ol aria-label="Queued prompts" class="space-y-2">
                {bubbles}
            </ol>
        </section>
    }
    .erase()
}

/// One queued prompt: its text, or the box editing it.
#[component]
fn Bubble(prompt: QueuedPrompt, at: usize, last: usize, changes: Changes) -> impl IntoView {
    let id = prompt.id;
    // Whether the box is open, apart from its text: typing must not
    // rebuild the box (it would lose the focus).
    let editing = RwSignal::new(false);
    let draft = RwSignal::new(String::new());
    let text = prompt.text.clone();
    let position = |i: usize| u32::try_from(i).unwrap_or(u32::MAX);
    let button = "min-h-11 min-w-11 border border-neutral-700 px-3 text-neutral-300 hover:bg-neutral-900 disabled:text-neutral-700";
    let shown = move || {
        if editing.get() {
            view! {
                <label for=format!("queued-{id}") class="sr-only">
                    "Queued prompt"
                </label>
                <textarea
                    id=format!("queued-{id}")
                    rows="2"
                    class="block w-full border border-neutral-700 bg-black p-2 text-base text-neutral-100"
                    prop:value=move || draft.get_untracked()
                    on:input:target=move |ev| draft.set(ev.target().value())
                ></textarea>
                <div class="mt-1 flex flex-wrap gap-2">
                    <button
                        type="button"
                        class=button
                        on:click=move |_| {
                            changes.edit(id, draft.get_untracked());
                            editing.set(false);
                        }
                    >
                        "Save"
                    </button>
                    <button type="button" class=button on:click=move |_| editing.set(false)>
                        "Cancel"
                    </button>
                </div>
            }
            .erase()
        } else {
            view! { <p class="whitespace-pre-wrap break-words text-neutral-200">{text.clone()}</p> }
                .erase()
        }
    };
    let original = prompt.text;
    let has_files = !prompt.files.is_empty();
    let note = move || {
        (has_files && editing.get()).then(|| {
            view! {
                <p class="mt-1 text-xs text-neutral-400">
                    "A file goes with the prompt while its @path stays in the text."
                </p>
            }
        })
    };
    view! {
        <li class="border border-dashed border-neutral-600 p-2" data-testid="queued-prompt">
            <p class="mb-1 text-xs text-neutral-400">{format!("Queued #{}", at + 1)}</p>
            {shown}
            {note}
            <Extras command=prompt.command files=prompt.files />
            <div class="mt-1 flex flex-wrap justify-end gap-2">
                <button type="button" class=button on:click=move |_| {
                    draft.set(original.clone());
                    editing.set(true);
                }>
                    "Edit"
                </button>
                <button
                    type="button"
                    class=button
                    aria-label="Move up"
                    prop:disabled=at == 0
                    on:click=move |_| changes.move_to(id, position(at.saturating_sub(1)))
                >
                    "↑"
                </button>
                <button
                    type="button"
                    class=button
                    aria-label="Move down"
                    prop:disabled=at == last
                    on:click=move |_| changes.move_to(id, position(at + 1))
                >
                    "↓"
                </button>
                <button type="button" class=button on:click=move |_| changes.delete(id)>
                    "Delete"
                </button>
            </div>
        </li>
    }
}

/// What goes with a queued prompt besides its text: the command it runs
/// and the files it sends, as Send would.
#[component]
fn Extras(command: Option<String>, files: Vec<String>) -> impl IntoView {
    let command = command.map(|name| {
        view! { <p class="mt-1 text-xs text-sky-300">{format!("Runs the command /{name}")}</p> }
    });
    let files = (!files.is_empty()).then(|| {
        let chips = files
            .into_iter()
            .map(|file| {
                view! {
                    <li class="break-all border border-neutral-700 px-2 py-0.5 text-xs text-neutral-300">
                        {format!("@{file}")}
                    </li>
                }
            })
            .collect_view();
        view! {
            <ul aria-label="Files sent with it" class="mt-1 flex flex-wrap gap-1">
                {chips}
            </ul>
        }
    });
    view! { {command} {files} }
}
