//! Shipping a chat's work from the phone: the Changes sheet's commit form
//! (files picked one by one, message prefilled from the chat's title or
//! written by the agent on request),
//! the commits ahead of the default branch, the local merge with "Ask the
//! agent to resolve" on conflict, and the header's badge when work is
//! uncommitted or unpushed.
//!
//! One [`ChatShipping`] per chat page, provided as context by the header:
//! the badge and the sheet read the same changes, which reload after a
//! commit or a merge and whenever the agent's status changes (it may have
//! written files).

mod commit_form;
mod commits;
mod merge_box;
mod pull_form;
mod pull_request;
mod push_box;

use crate::app::resource::{JsonResource, json_resource};
use leptos::prelude::*;

use crate::app::call::Call;

use crate::api::{AppError, CommitChat, MergeChat, SendPrompt, WriteCommitMessage, get_changes};
use crate::app::chat_list::ChatList;
use crate::app::erase::Erase;
use crate::model::changes::ChatChanges;
pub use commit_form::CommitForm;
pub use commits::CommitList;
pub use merge_box::MergeBox;
pub use pull_request::{GithubShip, PullChip};

/// The chat whose work ships, and its actions.
#[derive(Clone, Copy)]
pub struct ChatShipping {
    pub chat: StoredValue<ShippingChat>,
    pub changes: JsonResource<Result<ChatChanges, AppError>>,
    pub commit: Call<CommitChat>,
    pub merge: Call<MergeChat>,
    /// "Ask the agent to resolve": kept here, as the other actions, so its
    /// answer outlives the sheet's reloads (the agent starting is one).
    pub ask: ServerAction<SendPrompt>,
    /// The commit message being written, prefilled with the chat's title.
    pub message: RwSignal<String>,
    /// "Ask the agent to write it": its answer replaces the message.
    pub write: Call<WriteCommitMessage>,
}

/// What the shipping server functions and the agent prompt need.
#[derive(Clone, Debug)]
pub struct ShippingChat {
    pub repo: String,
    pub chat_id: String,
    pub session_id: String,
    pub title: String,
}

/// Makes the chat's [`ChatShipping`] and provides it to the header's
/// children (the ⋯ menu's Changes sheet).
pub fn provide_chat_shipping(chat: ShippingChat) -> ChatShipping {
    let chat_list = use_context::<ChatList>();
    let commit = Call::<CommitChat>::new();
    let merge = Call::<MergeChat>::new();
    let message = RwSignal::new(chat.title.clone());
    let write = Call::<WriteCommitMessage>::new();
    Effect::new(move || {
        if let Some(Ok(written)) = write.value().get() {
            message.set(written);
        }
    });
    let chat = StoredValue::new(chat);
    let session = chat.with_value(|c| c.session_id.clone());
    let changes = json_resource(
        move || {
            let status = chat_list.and_then(|list| list.status(&session));
            (commit.version().get(), merge.version().get(), status)
        },
        move |_| {
            let ShippingChat { repo, chat_id, .. } = chat.get_value();
            get_changes(repo, chat_id)
        },
    );
    let shipping = ChatShipping {
        chat,
        changes,
        commit,
        merge,
        ask: ServerAction::<SendPrompt>::new(),
        message,
        write,
    };
    provide_context(shipping);
    pull_request::provide_chat_github(shipping);
    shipping
}

/// A dot in the header when the chat has work not committed or not pushed.
#[component]
pub fn UnshippedBadge(shipping: ChatShipping) -> impl IntoView {
    let badge = move || {
        let changes = shipping.changes.get()?.ok()?;
        let what = match (changes.uncommitted(), changes.unpushed()) {
            (true, _) => format!("{} uncommitted", changes.files.len()),
            (false, true) => format!("{} unpushed", changes.commits.len()),
            (false, false) => return None,
        };
        Some(view! {
            <span
                data-testid="unshipped"
                // On the narrowest phones it gives way (truncated) before
                // the header's controls would be pushed off the screen.
                class="min-w-0 truncate rounded-full border border-amber-600 px-1.5 py-0.5 text-amber-300 sm:px-2"
                title="Work not shipped yet: ⋯ → Changes"
            >
                {format!("● {what}")}
            </span>
        })
    };
    // The badge stays as it was while the changes load again.
    view! { <Transition fallback=|| ()>{badge}</Transition> }
}

/// The shipping part of the Changes sheet.
#[component]
pub fn ShipWork() -> impl IntoView {
    let Some(shipping) = use_context::<ChatShipping>() else {
        return ().erase();
    };
    view! {
        <Transition fallback=|| view! { <p class="text-neutral-500">"Reading the worktree…"</p> }>
            <ErrorBoundary fallback=|errors| view! { <crate::app::error_list::ErrorList errors /> }>
                {move || Suspend::new(async move {
                    shipping.changes.await.map(|changes| view! {
                        <CommitForm shipping changes=changes.clone() />
                        <CommitList changes=changes.clone() />
                        <GithubShip changes=changes.clone() />
                        <MergeBox shipping changes />
                    })
                })}
            </ErrorBoundary>
        </Transition>
    }
    .erase()
}
