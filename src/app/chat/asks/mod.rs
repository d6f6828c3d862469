//! What the agent waits on the user for, above the prompt box: permission
//! requests (allow once / always / reject) and questions (tap an option,
//! or type an answer). Answered here or in any other tab, they go away
//! everywhere: every tab refetches when one is asked or answered.

mod permission;
mod question;

use leptos::prelude::*;

use super::ChatKey;
use crate::api::{AppError, get_pending_asks};
use crate::app::reload::Reload;
use crate::app::use_chat_events;
use crate::opencode::{Event, PendingAsks};
use permission::Permission;
use question::Question;

/// What every ask of the chat shares: whose they are, the last answer's
/// error, and the reload that follows each answer.
#[derive(Clone, Copy)]
struct AskContext {
    key: StoredValue<ChatKey>,
    error: RwSignal<Option<String>>,
    reload: Reload<(), Result<PendingAsks, AppError>>,
}

impl AskContext {
    /// After an answer: its error (or none), and the asks as they are now.
    fn answered(self, result: Result<(), AppError>) {
        self.error.set(result.err().map(|e| e.to_string()));
        self.reload.run(());
    }
}

const BOX: &str = "my-2 border border-amber-700/70 p-2";
const BUTTON: &str =
    "min-h-11 border border-neutral-500 px-3 text-neutral-100 disabled:text-neutral-600";

#[component]
pub fn Asks(key: ChatKey, initial: PendingAsks) -> impl IntoView {
    let pending = RwSignal::new(initial);
    let (session_id, directory) = (key.session_id.clone(), key.directory.clone());
    let key = StoredValue::new(key);
    let reload = Reload::new(Action::new(move |()| {
        let ChatKey {
            repo,
            chat_id,
            session_id,
            ..
        } = key.get_value();
        get_pending_asks(repo, chat_id, session_id)
    }));
    Effect::new(move |_| {
        if let Some(Ok(fresh)) = reload.action.value().get() {
            pending.set(fresh);
        }
    });
    use_chat_events(
        &session_id,
        &directory,
        move |event: &Event| {
            if matches!(event, Event::AsksChanged { .. } | Event::SessionIdle { .. }) {
                reload.run(());
            }
        },
        move || reload.run(()),
    );
    let ctx = AskContext {
        key,
        error: RwSignal::new(None),
        reload,
    };
    view! {
        <div aria-live="polite" class="px-3">
            <For
                each=move || pending.get().permissions
                key=|p| p.id.clone()
                children=move |request| view! { <Permission request ctx /> }
            />
            <For
                each=move || pending.get().questions
                key=|q| q.id.clone()
                children=move |request| view! { <Question request ctx /> }
            />
            {move || ctx.error.get().map(|e| view! { <p role="alert" class="py-1 text-red-400">{e}</p> })}
        </div>
    }
}
