//! The files not committed, each with +/- and a checkbox (all checked),
//! a message box prefilled from the chat's title (or written by the agent
//! on request), and Commit.

use leptos::prelude::*;

use super::ChatShipping;
use crate::api::{CommitChat, WriteCommitMessage};
use crate::app::erase::Erase;
use crate::model::changes::ChatChanges;
use crate::model::chats::FileChange;

#[component]
pub fn CommitForm(shipping: ChatShipping, changes: ChatChanges) -> impl IntoView {
    if changes.files.is_empty() {
        return view! { <p class="mt-2 text-neutral-500" data-testid="nothing-to-commit">"Nothing to commit."</p> }
            .erase();
    }
    let all: Vec<String> = changes.files.iter().map(|f| f.path.clone()).collect();
    let count = all.len();
    let picked = RwSignal::new(all.clone());
    let message = shipping.message;
    let pending = shipping.commit.pending();
    let files = changes
        .files
        .into_iter()
        .map(|file| view! { <FileRow file picked /> })
        .collect_view();
    let commit = move |_| {
        let picked = picked.get_untracked();
        let chat = shipping.chat.get_value();
        shipping.commit.dispatch(CommitChat {
            repo: chat.repo,
            chat_id: chat.chat_id,
            message: message.get_untracked(),
            paths: (picked.len() != count).then_some(picked),
        });
    };
    let error =
        move || {
            shipping.commit.value().get().and_then(Result::err).map(|e| {
            view! { <p role="alert" class="text-red-400">{format!("Not committed: {e}")}</p> }
        })
        };
    view! {
        <h4 class="mt-2 text-neutral-100">{format!("Not committed ({count})")}</h4>
        <ul aria-label="Uncommitted files">{files}</ul>
        <label class="mt-2 block">
            <span class="text-neutral-400">"Commit message"</span>
            <textarea
                rows="3"
                class="mt-1 block w-full border border-neutral-700 bg-neutral-950 p-2 text-neutral-100"
                prop:value=move || message.get()
                on:input=move |ev| message.set(event_target_value(&ev))
            ></textarea>
        </label>
        <WriteButton shipping />
        <button
            type="button"
            class="mt-2 min-h-11 w-full border border-emerald-600 px-3 text-emerald-200 disabled:text-neutral-600"
            prop:disabled=move || pending.get() || picked.with(Vec::is_empty) || message.with(|m| m.trim().is_empty())
            on:click=commit
        >
            {move || {
                let n = picked.with(Vec::len);
                if pending.get() { "Committing…".to_owned() } else { format!("Commit {n} file(s)") }
            }}
        </button>
        {error}
    }
    .erase()
}

/// "Ask the agent to write it": the chat's model writes the message (asked
/// aside, the transcript stays as it is); the box gets its answer.
#[component]
fn WriteButton(shipping: ChatShipping) -> impl IntoView {
    let write = shipping.write;
    let pending = write.pending();
    let ask = move |_| {
        let chat = shipping.chat.get_value();
        write.dispatch(WriteCommitMessage {
            repo: chat.repo,
            chat_id: chat.chat_id,
        });
    };
    let error = move || {
        write.value().get().and_then(Result::err).map(|e| {
            view! { <p role="alert" class="text-red-400">{format!("No message written: {e}")}</p> }
        })
    };
    view! {
        <button
            type="button"
            class="mt-2 min-h-11 w-full border border-neutral-600 px-3 text-neutral-200 disabled:text-neutral-600"
            prop:disabled=move || pending.get()
            on:click=ask
        >
            {move || if pending.get() { "The agent is writing it…" } else { "Ask the agent to write it" }}
        </button>
        {error}
    }
}

/// One uncommitted file: its checkbox, path, status and +/-.
#[component]
fn FileRow(file: FileChange, picked: RwSignal<Vec<String>>) -> impl IntoView {
    let path = StoredValue::new(file.path.clone());
    let checked = move || picked.with(|p| p.contains(&path.get_value()));
    let toggle = move |_| {
        let path = path.get_value();
        picked.update(|p| match p.iter().position(|x| *x == path) {
            Some(at) => {
                p.remove(at);
            }
            None => p.push(path),
        });
    };
    view! {
        <li>
            <label class="flex min-h-11 items-center gap-2">
                <input type="checkbox" class="size-6 shrink-0" prop:checked=checked on:change=toggle />
                <span class="min-w-0 flex-1 truncate" title=file.status.clone()>{file.path}</span>
                <span class="text-xs text-neutral-500">{file.status}</span>
                <span class="text-green-400">{format!("+{}", file.insertions)}</span>
                <span class="text-red-400">{format!("−{}", file.deletions)}</span>
            </label>
        </li>
    }
}
