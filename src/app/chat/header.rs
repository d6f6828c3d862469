//! The chat's header: its title and branch.

use leptos::prelude::*;

use crate::repos::ChatSummary;

#[component]
pub fn ChatHeader(chat: ChatSummary) -> impl IntoView {
    let branch = chat
        .worktree
        .branch
        .clone()
        .unwrap_or_else(|| "(detached)".into());
    view! {
        <div class="flex items-baseline gap-2 border-b border-neutral-900 px-3 py-1 text-xs text-neutral-500">
            <span class="truncate" title="repo">{chat.worktree.repo.clone()}</span>
            <span class="truncate" title="branch" data-testid="branch">{branch}</span>
        </div>
    }
}
