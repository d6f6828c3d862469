//! The open chat's unread mark. It goes when the chat is opened, and again
//! whenever the chat turns unread while this tab shows it: an agent that
//! finishes or asks in front of the user has nothing unread to report.
//! A hidden tab leaves the mark until it is looked at again.

pub fn keep_read(repo: String, chat_id: String, session_id: String) {
    #[cfg(feature = "hydrate")]
    browser::keep_read(repo, chat_id, session_id);
    #[cfg(not(feature = "hydrate"))]
    let _ = (repo, chat_id, session_id);
}

#[cfg(feature = "hydrate")]
mod browser {
    use leptos::prelude::*;

    use crate::app::directory::ChatDirectory;

    fn tab_visible() -> bool {
        !document().hidden()
    }

    pub fn keep_read(repo: String, chat_id: String, session_id: String) {
        let directory = use_context::<ChatDirectory>();
        let in_flight = StoredValue::new(false);
        let mark = move || {
            if in_flight.try_get_value() != Some(false) {
                return;
            }
            in_flight.set_value(true);
            let session_id = session_id.clone();
            leptos::task::spawn_local(async move {
                let marked = crate::api::mark_chat_read(session_id).await.is_ok();
                in_flight.try_set_value(false);
                if marked && let Some(directory) = directory {
                    directory.refresh_live();
                }
            });
        };
        mark();

        let visible = RwSignal::new(tab_visible());
        let listener = window_event_listener(leptos::ev::visibilitychange, move |_| {
            visible.try_set(tab_visible());
        });
        on_cleanup(move || listener.remove());

        let Some(directory) = directory else {
            return;
        };
        Effect::new(move |_| {
            let unread = directory
                .entries()
                .and_then(Result::ok)
                .is_some_and(|entries| {
                    entries
                        .iter()
                        .any(|e| e.repo == repo && e.chat_id == chat_id && e.unread)
                });
            if unread && visible.get() {
                mark();
            }
        });
    }
}
