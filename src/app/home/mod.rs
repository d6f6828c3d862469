//! Page `/`: the workspace's sessions beside the selected one's chat. The
//! selected session is in the URL (`/?session=ses_…`), so it survives reloads.

mod session_list;

use leptos::prelude::*;
use leptos_router::NavigateOptions;
use leptos_router::hooks::{use_navigate, use_query_map};

use super::chat::Chat;
use crate::api::{CreateSession, list_sessions};
use session_list::SessionList;

/// Tells the session list to reload (titles and times change as sessions work).
/// A counter, not a `Trigger`: a Resource only refetches when its source's
/// value changes.
#[derive(Clone, Copy)]
pub struct SessionsChanged(RwSignal<u32>);

impl SessionsChanged {
    pub fn notify(self) {
        self.0.update(|n| *n = n.wrapping_add(1));
    }
}

/// The link that selects a session.
pub fn session_href(id: &str) -> String {
    format!("/?session={id}")
}

#[component]
pub fn HomePage() -> impl IntoView {
    let query = use_query_map();
    let selected = Memo::new(move |_| query.read().get("session"));
    let create = ServerAction::<CreateSession>::new();
    let changed = RwSignal::new(0u32);
    provide_context(SessionsChanged(changed));
    let sessions = Resource::new(
        move || (changed.get(), create.version().get()),
        |_| list_sessions(),
    );

    let navigate = use_navigate();
    Effect::new(move |_| {
        if let Some(Ok(session)) = create.value().get() {
            navigate(&session_href(&session.id), NavigateOptions::default());
        }
    });

    view! {
        <div class="flex min-h-0 flex-1 flex-col md:flex-row">
            <aside
                aria-label="Sessions"
                class="border-b border-neutral-800 p-3 md:w-72 md:shrink-0 md:border-r md:border-b-0"
            >
                <SessionList sessions selected create />
            </aside>
            <section aria-label="Chat" class="flex min-w-0 flex-1 flex-col p-3">
                {move || match selected.get() {
                    Some(id) => view! { <Chat session_id=id /> }.into_any(),
                    None => {
                        view! {
                            <p class="text-neutral-500">"Pick a session or start a new one."</p>
                        }
                            .into_any()
                    }
                }}
            </section>
        </div>
    }
}
