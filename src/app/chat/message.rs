//! One message of the transcript: who wrote it and its parts.

use leptos::prelude::*;

use super::part::PartView;
use crate::opencode::{Role, Transcript};

#[component]
pub fn MessageView(store: RwSignal<Transcript>, message_id: String) -> impl IntoView {
    // A message never changes author: read it once.
    let role = store.with_untracked(|t| t.message(&message_id).map(|m| m.info.role));
    let (label, class) = match role {
        Some(Role::User) => ("You", "border-l-2 border-neutral-600 pl-3 text-neutral-100"),
        _ => ("Assistant", "pl-3 text-neutral-300"),
    };
    let part_ids = {
        let message_id = message_id.clone();
        Memo::new(move |_| {
            store.with(|t| {
                t.message(&message_id)
                    .map(|m| m.parts.iter().map(|p| p.id.clone()).collect::<Vec<_>>())
                    .unwrap_or_default()
            })
        })
    };
    let error = {
        let message_id = message_id.clone();
        Memo::new(move |_| {
            store.with(|t| {
                t.message(&message_id)
                    .and_then(|m| m.info.error.as_ref().map(|e| e.describe()))
            })
        })
    };
    view! {
        <li aria-label=label class=class>
            {(role == Some(Role::User))
                .then(|| view! { <super::undo::MessageActions message_id=message_id.clone() /> })}
            <div class="mb-1 text-xs text-neutral-500">{label.to_lowercase()}</div>
            <div class="space-y-2">
                <For
                    each=move || part_ids.get()
                    key=|id| id.clone()
                    children=move |part_id| {
                        let markdown = role != Some(Role::User);
                        view! { <PartView store message_id=message_id.clone() part_id markdown /> }
                    }
                />
            </div>
            {move || error.get().map(|error| view! { <div class="text-red-400">{error}</div> })}
        </li>
    }
}
