//! The remotes page (`/connections`, titled "Connections"): remote machines
//! reached over SSH.
//! Add or edit a profile, connect and disconnect, see each one's state
//! (with the step that failed and what to do) live, copy diagnostics, and
//! start a chat on a connected one.

mod form;
mod list;
mod open_remote;
mod remote_chat;
mod row;

use crate::app::resource::json_resource;
use leptos::prelude::*;

use crate::api::list_connections;
use form::{Editing, RemoteForm};
use list::RemoteList;
pub use list::RemotesChanged;

/// Whether a state is on its way somewhere (its row waits).
pub(crate) fn moving(state: &crate::model::remotes::RemoteState) -> bool {
    use crate::model::remotes::RemoteState;
    matches!(
        state,
        RemoteState::Connecting | RemoteState::Discovering | RemoteState::Bootstrapping
    )
}

#[component]
pub fn RemotesPage() -> impl IntoView {
    // The first load only: reloads go through `RemotesChanged`, so that
    // the list stays in place while one is on its way.
    let connections = json_resource(|| (), |()| list_connections());
    let changed = RemotesChanged::new();
    provide_context(changed);
    provide_context(Editing(RwSignal::new(None)));
    // Every step of every connection (made here, in another tab, or by
    // the tunnel's watcher) comes as a resync on the tab's live stream.
    crate::app::use_any_chat_events(|_| {}, move || changed.notify());
    view! {
        <div class="min-h-0 flex-1 overflow-y-auto p-3 pb-[max(0.75rem,env(safe-area-inset-bottom))]">
            <h2 class="mb-1 text-neutral-100">"Connections"</h2>
            <p class="mb-4 text-sm text-neutral-400">
                "Remote machines whose opencode pocketcode reaches through an SSH tunnel from this server. "
                "Values you set here win; values left blank come from the server's ~/.ssh/config. "
                "Host keys are checked against its known_hosts, which pocketcode never writes."
            </p>
            <Transition fallback=|| view! { <p class="text-neutral-500">"Loading connections…"</p> }>
                <ErrorBoundary fallback=|errors| view! { <crate::app::error_list::ErrorList errors /> }>
                    {move || Suspend::new(async move {
                        connections.await.map(|first| view! { <RemoteList first /> })
                    })}
                </ErrorBoundary>
            </Transition>
            <section id=form::FORM_ID aria-label="Add a connection" class="mt-6">
                <h3 class="mb-2 text-sm text-neutral-400 uppercase">"Add a connection"</h3>
                <RemoteForm />
            </section>
        </div>
    }
}
