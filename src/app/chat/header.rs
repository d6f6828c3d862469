//! The chat's header: its repo and branch, and the ⋯ menu.

use leptos::prelude::*;

use super::menu::ChatMenu;
use crate::repos::ChatSummary;

#[component]
pub fn ChatHeader(chat: ChatSummary) -> impl IntoView {
    let branch = chat
        .worktree
        .branch
        .clone()
        .unwrap_or_else(|| "(detached)".into());
    view! {
        <div class="relative flex items-center gap-2 border-b border-neutral-900 pl-3 text-xs text-neutral-500">
            <span class="truncate" title="repo">{chat.worktree.repo.clone()}</span>
            <span class="min-w-0 flex-1 truncate" title="branch" data-testid="branch">{branch}</span>
            <ChatMenu chat />
        </div>
    }
}
