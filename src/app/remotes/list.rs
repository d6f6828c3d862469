//! The list of connections, kept in place while it reloads.
//!
//! Every step of every connection reloads the list, and so does the live
//! stream's first message when the page opens. A row is rebuilt only when
//! its connection changed: what the user is typing in a row, a note it
//! shows ("Diagnostics copied.") and a two-tap button already tapped once
//! survive a reload that brings the same connection back.

use leptos::prelude::*;

use super::row::RemoteRow;
use crate::api::list_connections;
use crate::model::remotes::Remote;

/// Reloads the list (a profile was saved, deleted or (dis)connected).
#[derive(Clone, Copy)]
pub struct RemotesChanged {
    /// The last reload's list (`None`: the page's first load stands).
    latest: RwSignal<Option<Vec<Remote>>>,
    /// What the last reload could not do.
    failed: RwSignal<Option<String>>,
    /// Counts reloads: only the newest one's answer is shown.
    asked: StoredValue<u64>,
}

impl RemotesChanged {
    pub fn new() -> Self {
        Self {
            latest: RwSignal::new(None),
            failed: RwSignal::new(None),
            asked: StoredValue::new(0),
        }
    }

    pub fn notify(self) {
        self.asked.update_value(|n| *n += 1);
        let ask = self.asked.get_value();
        leptos::task::spawn_local(async move {
            let answer = list_connections().await;
            if self.asked.try_get_value() != Some(ask) {
                return;
            }
            match answer {
                Ok(list) => {
                    self.latest.set(Some(list));
                    self.failed.set(None);
                }
                Err(e) => self.failed.set(Some(e.to_string())),
            }
        });
    }
}

/// The connections, `first` being the page's first load.
#[component]
pub fn RemoteList(first: Vec<Remote>) -> impl IntoView {
    let changed = expect_context::<RemotesChanged>();
    let list = Memo::new(move |_| changed.latest.get().unwrap_or_else(|| first.clone()));
    let empty = move || list.with(Vec::is_empty);
    view! {
        <p class="text-neutral-500" hidden=move || !empty()>"No connections yet."</p>
        <ul
            aria-label="Connections"
            class="divide-y divide-neutral-800 border-y border-neutral-800"
            hidden=empty
        >
            // Keyed by the whole connection: a reload that brings it back
            // unchanged keeps its row.
            <For each=move || list.get() key=Remote::clone let:remote>
                <RemoteRow remote />
            </For>
        </ul>
        {move || changed.failed.get().map(|text| view! {
            <p role="alert" class="mt-2 text-sm break-words text-red-400">
                {format!("Could not reload the connections: {text}")}
            </p>
        })}
    }
}
