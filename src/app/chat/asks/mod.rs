//! What the agent waits on the user for, above the prompt box: permission
//! requests (allow once / always / reject) and questions (tap an option,
//! or type an answer). Answered here or in any other tab, they go away
//! everywhere: every tab refetches when one is asked or answered.
//!
//! Their code is in the WASM chunk `later` (see `app::later`): the server
//! renders the asks waiting when the page loads, and the phone's page
//! answers a tap on them once the chunk has come, after hydrating. The
//! chat's transcript, whose code is in the page, counts what it hears that
//! may change them meanwhile (`changed`); built then, the asks load again.

mod permission;
mod question;

use leptos::prelude::*;

use super::ChatKey;
use crate::api::{AppError, get_pending_asks};
use crate::app::erase::Erase;
use crate::app::lazy::Loaded;
use crate::app::reload::Reload;
use crate::model::deferred::Deferred;
use crate::opencode::PendingAsks;
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

/// The chat's asks, from the chunk `later`: `initial` as the chat opened,
/// and `changed` counting the events since that may have changed them.
#[leptos::wasm_split::wasm_split(later, wasm_split_path = ::leptos::wasm_split, fallible)]
pub fn asks_part(key: ChatKey, initial: Deferred<PendingAsks>, changed: ReadSignal<u32>) -> Loaded {
    Ok(view! { <Asks key initial changed /> }.erase())
}

#[component]
fn Asks(key: ChatKey, initial: Deferred<PendingAsks>, changed: ReadSignal<u32>) -> impl IntoView {
    let initial = initial.read();
    let unread = initial.is_err();
    if let Err(error) = &initial {
        leptos::logging::warn!("the chat's asks could not be read, loading them again: {error}");
    }
    let pending = RwSignal::new(initial.unwrap_or_default());
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
    // Each change from now on, and one heard before this part was built
    // (its chunk came after the page had loaded) or the asks unread.
    Effect::new(move |seen: Option<u32>| {
        let now = changed.get();
        if seen.map_or(now > 0 || unread, |seen| seen != now) {
            reload.run(());
        }
        now
    });
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
