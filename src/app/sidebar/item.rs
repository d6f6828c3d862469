//! One chat in the sidebar.

use leptos::prelude::*;
use leptos_router::hooks::use_location;

use super::SidebarOpen;
use crate::app::chat_list::ChatEntry;
use crate::app::timestamp::{relative, use_now};
use crate::model::live::ChatStatus;

/// What a status reads as, and its colour; idle chats show nothing.
pub fn status_label(status: ChatStatus) -> Option<(&'static str, &'static str)> {
    match status {
        ChatStatus::Idle => None,
        ChatStatus::Busy => Some(("working", "text-sky-300")),
        ChatStatus::WaitingPermission => Some(("needs permission", "text-amber-300")),
        ChatStatus::WaitingAnswer => Some(("asks you", "text-amber-300")),
        ChatStatus::Error => Some(("error", "text-red-400")),
        ChatStatus::Retrying => Some(("retrying", "text-amber-300")),
        ChatStatus::Interrupted => Some(("interrupted", "text-amber-300")),
    }
}

/// `entry` is `None` for the moment between the chat leaving the list and
/// its item being removed.
#[component]
pub fn ChatItem(entry: Memo<Option<ChatEntry>>) -> impl IntoView {
    let SidebarOpen(open) = expect_context::<SidebarOpen>();
    let location = use_location();
    let now = use_now();
    // `try_`: a closure of an item on its way out must not panic.
    let field = move |f: fn(&ChatEntry) -> String| {
        entry
            .try_with(|e| e.as_ref().map(f))
            .flatten()
            .unwrap_or_default()
    };
    let href = move || field(ChatEntry::href);
    let current = move || (location.pathname.get() == href()).then_some("page");
    let status = move || {
        entry
            .try_with(|e| e.as_ref().map(|e| e.status))
            .flatten()
            .unwrap_or_default()
    };
    let title = move || {
        let title = field(|e| e.title.clone());
        if title.is_empty() {
            "(new chat)".to_owned()
        } else {
            title
        }
    };
    let unread = move || entry.try_with(|e| e.as_ref().is_some_and(|e| e.unread)) == Some(true);
    let updated = move || {
        entry
            .try_with(|e| e.as_ref().map_or(0, |e| e.updated))
            .unwrap_or(0)
    };
    view! {
        <li>
            <a
                href=href
                aria-current=current
                data-chat=move || field(|e| e.chat_id.clone())
                data-status=move || format!("{:?}", status()).to_lowercase()
                class="block border-l-2 border-transparent px-3 py-2 active:bg-neutral-900 aria-[current=page]:border-neutral-300 aria-[current=page]:bg-neutral-900"
                on:click=move |_| open.set(false)
            >
                <span class="flex items-center gap-2">
                    <span class="min-w-0 flex-1 truncate text-neutral-100">{title}</span>
                    <Show when=unread>
                        <span
                            class="h-2 w-2 shrink-0 rounded-full bg-sky-400"
                            role="img"
                            aria-label="unread"
                        ></span>
                    </Show>
                </span>
                <span class="flex gap-2 text-xs text-neutral-500">
                    {move || {
                        status_label(status())
                            .map(|(label, colour)| view! { <span class=colour>{label}</span> })
                    }}
                    <span class="min-w-0 truncate" data-testid="chat-place">{move || field(ChatEntry::place)}</span>
                    <span class="ml-auto shrink-0">{move || relative(updated(), now.get())}</span>
                </span>
            </a>
        </li>
    }
}
