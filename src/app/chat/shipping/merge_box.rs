//! "Merge into <default>": the chat's branch into the repo's default
//! branch on the server. On conflict, the files and "Ask the agent to
//! resolve", which sends the chat a prompt naming them.

use leptos::prelude::*;

use super::ChatShipping;
use crate::api::{MergeChat, SendPrompt};
use crate::app::erase::Erase;
use crate::model::changes::{ChatChanges, MergeKind};

/// The prompt that asks the agent to resolve a conflicted merge.
pub fn resolve_prompt(branch: &str, default: &str, files: &[String]) -> String {
    format!(
        "Merging this chat's branch {branch} into {default} conflicts in: {}. \
         In this worktree, merge {default} into {branch} (git merge {default}), \
         resolve the conflicts in those files keeping both sides' intent, \
         commit the merge, and tell me what you decided.",
        files.join(", ")
    )
}

#[component]
pub fn MergeBox(shipping: ChatShipping, changes: ChatChanges) -> impl IntoView {
    let default = changes.default_branch.clone();
    let label = format!("Merge into {default}");
    let note = if changes.uncommitted() {
        Some("Commit first: a merge takes committed work only.".to_owned())
    } else if changes.merge.up_to_date {
        Some(format!("{default} has every commit of this chat."))
    } else {
        None
    };
    let can_merge = note.is_none();
    let pending = shipping.merge.pending();
    let merge = move |_| {
        let chat = shipping.chat.get_value();
        shipping.merge.dispatch(MergeChat {
            repo: chat.repo,
            chat_id: chat.chat_id,
            mode: None,
        });
    };
    let result = move || {
        shipping.merge.value().get().map(|result| match result {
            Ok(outcome) => {
                let how = match outcome.kind {
                    MergeKind::FastForward => "fast-forward",
                    MergeKind::MergeCommit => "merge commit",
                };
                let short: String = outcome.commit.chars().take(7).collect();
                view! {
                    <p role="status" data-testid="merged" class="text-emerald-300">
                        {format!("Merged: {} is now at {short} ({how}).", outcome.default_branch)}
                    </p>
                }
                .erase()
            }
            Err(e) => {
                view! { <p role="alert" class="text-red-400">{format!("Not merged: {e}")}</p> }
                    .erase()
            }
        })
    };
    let conflicts = (!changes.merge.conflicts.is_empty()).then(|| {
        view! { <Conflicts shipping branch=changes.branch.clone() default=default.clone() files=changes.merge.conflicts.clone() /> }
    });
    view! {
        <h4 class="mt-3 text-neutral-100">"Merge on the server"</h4>
        {note.map(|note| view! { <p class="text-neutral-500">{note}</p> })}
        {conflicts}
        <button
            type="button"
            class="mt-2 min-h-11 w-full border border-sky-600 px-3 text-sky-200 disabled:text-neutral-600"
            prop:disabled=move || pending.get() || !can_merge
            on:click=merge
        >
            {move || if pending.get() { "Merging…".to_owned() } else { label.clone() }}
        </button>
        {result}
    }
}

/// The files a merge would conflict on, and the button that hands them to
/// the agent.
#[component]
fn Conflicts(
    shipping: ChatShipping,
    branch: String,
    default: String,
    files: Vec<String>,
) -> impl IntoView {
    let send = shipping.ask;
    let text = resolve_prompt(&branch, &default, &files);
    let ask = move |_| {
        let chat = shipping.chat.get_value();
        send.dispatch(SendPrompt {
            repo: chat.repo,
            chat_id: chat.chat_id,
            session_id: chat.session_id,
            text: text.clone(),
            model: None,
            agent: None,
            attachments: None,
            files: None,
        });
    };
    let sent = move || {
        match send.value().get() {
        Some(Ok(())) => Some(view! { <p role="status" class="text-emerald-300">"Asked the agent: follow it in the chat."</p> }.erase()),
        Some(Err(e)) => Some(view! { <p role="alert" class="text-red-400">{format!("Not sent: {e}")}</p> }.erase()),
        None => None,
    }
    };
    view! {
        <p role="alert" data-testid="merge-conflicts" class="text-amber-300">
            {format!("Merging would conflict in: {}", files.join(", "))}
        </p>
        <button
            type="button"
            class="mt-1 min-h-11 w-full border border-amber-600 px-3 text-amber-200 disabled:text-neutral-600"
            prop:disabled=move || send.pending().get()
            on:click=ask
        >
            "Ask the agent to resolve"
        </button>
        {sent}
    }
}
