//! One chat in the sidebar.

use leptos::prelude::*;
use leptos_router::hooks::use_location;

use super::SidebarOpen;
use crate::api::live::ChatStatus;
use crate::app::directory::ChatEntry;
use crate::app::timestamp::{relative, use_now};

/// What a status reads as, and its colour; idle chats show nothing.
pub fn status_label(status: ChatStatus) -> Option<(&'static str, &'static str)> {
    match status {
        ChatStatus::Idle => None,
        ChatStatus::Busy => Some(("working", "text-sky-300")),
        ChatStatus::WaitingPermission => Some(("needs permission", "text-amber-300")),
        ChatStatus::WaitingAnswer => Some(("asks you", "text-amber-300")),
        ChatStatus::Error => Some(("error", "text-red-400")),
        ChatStatus::Retrying => Some(("retrying", "text-amber-300")),
    }
}

#[component]
pub fn ChatItem(entry: ChatEntry) -> impl IntoView {
    let SidebarOpen(open) = expect_context::<SidebarOpen>();
    let location = use_location();
    let href = entry.href();
    let current = {
        let href = href.clone();
        move || (location.pathname.get() == href).then_some("page")
    };
    let now = use_now();
    let updated = entry.updated;
    let title = if entry.title.is_empty() {
        "(new chat)".to_owned()
    } else {
        entry.title.clone()
    };
    let status = status_label(entry.status);
    view! {
        <li>
            <a
                href=href
                aria-current=current
                data-chat=entry.chat_id.clone()
                data-status=format!("{:?}", entry.status).to_lowercase()
                class="block border-l-2 border-transparent px-3 py-2 active:bg-neutral-900 aria-[current=page]:border-neutral-300 aria-[current=page]:bg-neutral-900"
                on:click=move |_| open.set(false)
            >
                <span class="flex items-center gap-2">
                    <span class="min-w-0 flex-1 truncate text-neutral-100">{title}</span>
                    {entry
                        .unread
                        .then(|| {
                            view! {
                                <span
                                    class="h-2 w-2 shrink-0 rounded-full bg-sky-400"
                                    role="img"
                                    aria-label="unread"
                                ></span>
                            }
                        })}
                </span>
                <span class="flex gap-2 text-xs text-neutral-500">
                    {status
                        .map(|(label, colour)| {
                            view! { <span class=colour>{label}</span> }
                        })}
                    <span class="min-w-0 truncate">{entry.repo.clone()}</span>
                    <span class="ml-auto shrink-0">{move || relative(updated, now.get())}</span>
                </span>
            </a>
        </li>
    }
}
