//! The open chat's unread mark. It goes when the chat is opened, and again
//! whenever the chat turns unread while this tab shows it: an agent that
//! finishes or asks in front of the user has nothing unread to report.
//! A hidden tab leaves the mark until it is looked at again.

use leptos::prelude::*;

use crate::app::call::Call;

use crate::api::MarkChatRead;
use crate::app::chat_list::ChatList;
use crate::app::web::page::{on_visibility_change, tab_visible};

pub fn keep_read(repo: String, chat_id: String, session_id: String) {
    let chat_list = use_context::<ChatList>();
    let mark = Call::<MarkChatRead>::new();
    // One mark at a time: a chat turning unread again meanwhile is marked
    // by the one under way.
    let send_mark = move || {
        if !mark.pending().get_untracked() {
            mark.dispatch(MarkChatRead {
                session_id: session_id.clone(),
            });
        }
    };
    Effect::new(move |_| {
        if let Some(Ok(())) = mark.value().get()
            && let Some(chat_list) = chat_list
        {
            untrack(|| chat_list.refresh_live());
        }
    });

    let visible = RwSignal::new(tab_visible());
    on_visibility_change(move || {
        visible.try_set(tab_visible());
    });
    let unread = move || {
        chat_list
            .and_then(|chat_list| chat_list.entries())
            .and_then(Result::ok)
            .is_some_and(|entries| {
                entries
                    .iter()
                    .any(|e| e.repo == repo && e.chat_id == chat_id && e.unread)
            })
    };
    // In the browser only (effects don't run on the server): once on
    // opening, then whenever it turns unread in view.
    let opened = StoredValue::new(false);
    Effect::new(move |_| {
        // Both read first: the effect must follow them from its first run.
        let unread_in_view = unread() && visible.get();
        let first = !opened.get_value();
        opened.set_value(true);
        if first || unread_in_view {
            send_mark();
        }
    });
}
