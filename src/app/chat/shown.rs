//! The chat page's beacon: while a tab shows a local chat, it tells the
//! server so (on opening, every [`CHAT_SHOWN_EVERY_SECS`], and when the tab
//! becomes visible again), so the chat keeps its opencode instance. A
//! hidden or closed tab stops saying it; the server lets the chat go once
//! it has been idle long enough.
//!
//! [`CHAT_SHOWN_EVERY_SECS`]: crate::api::CHAT_SHOWN_EVERY_SECS

pub fn keep_shown(repo: String, chat_id: String) {
    #[cfg(feature = "hydrate")]
    browser::keep_shown(repo, chat_id);
    #[cfg(not(feature = "hydrate"))]
    let _ = (repo, chat_id);
}

#[cfg(feature = "hydrate")]
mod browser {
    use std::time::Duration;

    use leptos::prelude::*;

    pub fn keep_shown(repo: String, chat_id: String) {
        // A remote chat's instance is its own opencode's business.
        if crate::remotes::remote_connection(&repo).is_some() {
            return;
        }
        let say = move || {
            if document().hidden() {
                return;
            }
            let (repo, chat_id) = (repo.clone(), chat_id.clone());
            leptos::task::spawn_local(async move {
                // A missed beacon costs at most an instance loaded again.
                let _ = crate::api::chat_shown(repo, chat_id).await;
            });
        };
        say();
        let every = Duration::from_secs(crate::api::CHAT_SHOWN_EVERY_SECS.into());
        if let Ok(handle) = set_interval_with_handle(say.clone(), every) {
            on_cleanup(move || handle.clear());
        }
        let listener = window_event_listener(leptos::ev::visibilitychange, move |_| say());
        on_cleanup(move || listener.remove());
    }
}
