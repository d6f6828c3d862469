//! Filtering the sidebar's chats as you type: in the browser, on the list
//! it already has (titles and repo names, case-insensitive, every word).

use leptos::prelude::*;

use crate::app::chat_list::ChatEntry;

/// Whether `entry` matches every word of `query` in its title or repo.
pub fn matches(entry: &ChatEntry, query: &str) -> bool {
    let haystack = format!("{} {}", entry.title, entry.repo).to_lowercase();
    query
        .to_lowercase()
        .split_whitespace()
        .all(|word| haystack.contains(word))
}

/// The filter box above the chats.
#[component]
pub fn ChatFilter(query: RwSignal<String>) -> impl IntoView {
    view! {
        <div class="border-b border-neutral-800 px-3 py-2">
            <label for="chat-filter" class="sr-only">
                "Filter chats"
            </label>
            <input
                id="chat-filter"
                type="search"
                autocomplete="off"
                placeholder="Filter chats…"
                class="block min-h-11 w-full border border-neutral-700 bg-black px-2 text-base text-neutral-100 placeholder:text-neutral-500 focus:border-neutral-400 focus:outline-none"
                prop:value=query
                on:input:target=move |ev| query.set(ev.target().value())
            />
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::live::ChatStatus;

    fn entry(title: &str, repo: &str) -> ChatEntry {
        ChatEntry {
            repo: repo.into(),
            chat_id: "abcdef12".into(),
            session_id: None,
            title: title.into(),
            branch: None,
            status: ChatStatus::Idle,
            unread: false,
            updated: 0,
        }
    }

    #[test]
    fn every_word_must_match_title_or_repo() {
        let chat = entry("Fix the Login page", "acme/web");
        assert!(matches(&chat, ""));
        assert!(matches(&chat, "login"));
        assert!(matches(&chat, "LOGIN fix"));
        assert!(matches(&chat, "acme login"));
        assert!(!matches(&chat, "logout"));
        assert!(!matches(&chat, "login logout"));
    }
}
