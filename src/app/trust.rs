//! A repo's trust switch, on `/repos` and in the chat's header: whether its
//! own opencode config (`opencode.json`, `.opencode/`: plugins, agents,
//! commands, MCP servers) runs in its chats. One tap flips it; the state is
//! said in words, never by colour alone.

use leptos::prelude::*;

use crate::app::call::Call;

use crate::api::SetRepoTrust;
use crate::app::erase::Erase;

const UNTRUSTED: &str = "untrusted: its opencode config is ignored";
const TRUSTED: &str = "trusted: its opencode config runs";

/// `compact` (the chat's header): one button that names the state and
/// flips it. Otherwise the state on a line of its own, then the button.
#[component]
pub fn TrustSwitch(repo: String, trusted: bool, #[prop(optional)] compact: bool) -> impl IntoView {
    let set = Call::<SetRepoTrust>::new();
    // The last answer, else what the page was loaded with.
    let now = Signal::derive(move || match set.value().get() {
        Some(Ok(answer)) => answer.trusted,
        _ => trusted,
    });
    let flip = move |_| {
        set.dispatch(SetRepoTrust {
            repo: repo.clone(),
            trusted: !now.get_untracked(),
        });
    };
    let state = move || if now.get() { TRUSTED } else { UNTRUSTED };
    // Compact, it opens under the header like the menu does.
    let error_class = if compact {
        "absolute top-full right-0 left-0 z-20 bg-black px-3 py-1 text-red-400"
    } else {
        "w-full text-red-400"
    };
    let error = move || {
        set.value().get().and_then(Result::err).map(|e| {
            view! { <p role="alert" class=error_class>{format!("Trust not changed: {e}")}</p> }
        })
    };
    if compact {
        let label = move || {
            let action = if now.get() {
                "tap to stop trusting it"
            } else {
                "tap to trust it"
            };
            format!("{}; {action}", state())
        };
        return view! {
            <button
                type="button"
                class="min-h-11 shrink-0 px-1 text-xs disabled:text-neutral-600"
                class:text-amber-300=move || !now.get()
                aria-label=label
                title=label
                disabled=move || set.pending().get()
                on:click=flip
            >
                {move || if now.get() { "trusted" } else { "untrusted" }}
            </button>
            {error}
        }
        .erase();
    }
    view! {
        <div class="flex w-full flex-wrap items-center gap-2 text-xs">
            <p class="min-w-0 flex-1 text-neutral-400" data-testid="trust-state">{state}</p>
            <button
                type="button"
                class="min-h-11 shrink-0 border border-neutral-700 px-3 text-neutral-200 disabled:text-neutral-600"
                disabled=move || set.pending().get()
                on:click=flip
            >
                {move || if now.get() { "Stop trusting" } else { "Trust" }}
            </button>
            {error}
        </div>
    }
    .erase()
}
