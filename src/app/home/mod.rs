//! Page `/`: back into the last chat, or the repo picker when there is none.
//!
//! With chats on disk, the browser opens the last chat it remembers (if it
//! still exists), else the most recent chat of the last repo, else the most
//! recent chat. With no chat, the repo picker is the page: nothing is
//! cloned until the user picks a repo.

use crate::app::erase::Erase;
use leptos::prelude::*;
use leptos_router::NavigateOptions;
use leptos_router::hooks::use_navigate;

use super::chat_list::{ChatEntry, ChatList};
use super::error_list::error_note;
use super::repos::RepoPicker;
use super::storage::{LastChat, last_chat};

/// Which chat to open: the remembered one, else the newest of its repo,
/// else the newest (`entries` are newest first).
pub fn chat_to_open<'a>(
    entries: &'a [ChatEntry],
    last: Option<&LastChat>,
) -> Option<&'a ChatEntry> {
    let Some(last) = last else {
        return entries.first();
    };
    entries
        .iter()
        .find(|e| e.repo == last.repo && e.chat_id == last.chat_id)
        .or_else(|| entries.iter().find(|e| e.repo == last.repo))
        .or_else(|| entries.first())
}

#[component]
pub fn HomePage() -> impl IntoView {
    let chat_list = expect_context::<ChatList>();
    let navigate = use_navigate();
    Effect::new(move |_| {
        let Some(Ok(entries)) = chat_list.entries() else {
            return;
        };
        if let Some(chat) = chat_to_open(&entries, last_chat().as_ref()) {
            let options = NavigateOptions {
                replace: true,
                ..NavigateOptions::default()
            };
            navigate(&chat.href(), options);
        }
    });
    view! {
        <Transition fallback=|| view! { <p class="p-3 text-neutral-500">"Loading…"</p> }>
            {move || Suspend::new(async move {
                if let Err(error) = chat_list.loaded().await {
                    return error_note(&error);
                }
                let empty = untrack(|| chat_list.chats())
                    .and_then(Result::ok)
                    .is_none_or(|c| c.is_empty());
                if empty {
                    view! { <RepoPicker /> }.erase()
                } else {
                    view! { <p class="p-3 text-neutral-500">"Opening your last chat…"</p> }.erase()
                }
            })}
        </Transition>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::live::ChatStatus;

    fn entry(repo: &str, chat_id: &str) -> ChatEntry {
        ChatEntry {
            repo: repo.into(),
            chat_id: chat_id.into(),
            session_id: None,
            title: String::new(),
            branch: None,
            status: ChatStatus::Idle,
            unread: false,
            updated: 0,
        }
    }

    #[test]
    fn the_remembered_chat_then_its_repo_then_the_newest() {
        let entries = [
            entry("a/x", "111111"),
            entry("b/y", "222222"),
            entry("b/y", "333333"),
        ];
        let last = |repo: &str, chat: &str| LastChat {
            repo: repo.into(),
            chat_id: chat.into(),
        };
        let pick =
            |l: Option<LastChat>| chat_to_open(&entries, l.as_ref()).map(|e| e.chat_id.clone());
        assert_eq!(pick(None).as_deref(), Some("111111"));
        assert_eq!(pick(Some(last("b/y", "333333"))).as_deref(), Some("333333"));
        assert_eq!(pick(Some(last("b/y", "gone00"))).as_deref(), Some("222222"));
        assert_eq!(pick(Some(last("c/z", "gone00"))).as_deref(), Some("111111"));
        assert!(chat_to_open(&[], None).is_none());
    }
}
