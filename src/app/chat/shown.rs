//! The chat page's beacon: while a tab shows a local chat, it tells the
//! server so (on opening, every [`CHAT_SHOWN_EVERY_SECS`], and when the tab
//! becomes visible again), so the chat keeps its opencode instance. A
//! hidden or closed tab stops saying it; the server lets the chat go once
//! it has been idle long enough.
//!
//! [`CHAT_SHOWN_EVERY_SECS`]: crate::api::CHAT_SHOWN_EVERY_SECS

use std::time::Duration;

use leptos::prelude::*;

use crate::app::call::Call;

use crate::api::{CHAT_SHOWN_EVERY_SECS, ChatShown};
use crate::app::web::clock::every;
use crate::app::web::page::{on_visibility_change, tab_visible};

pub fn keep_shown(repo: String, chat_id: String) {
    // A remote chat's instance is its own opencode's business.
    if crate::model::remotes::remote_name(&repo).is_some() {
        return;
    }
    // A missed beacon costs at most an instance loaded again: its result
    // is not looked at.
    let beacon = Call::<ChatShown>::new();
    let say = move || {
        if tab_visible() {
            beacon.dispatch(ChatShown {
                repo: repo.clone(),
                chat_id: chat_id.clone(),
            });
        }
    };
    // Effects run in the browser only: the first beacon after hydration.
    Effect::new({
        let say = say.clone();
        move |_| say()
    });
    every(
        Duration::from_secs(CHAT_SHOWN_EVERY_SECS.into()),
        say.clone(),
    );
    on_visibility_change(say);
}
