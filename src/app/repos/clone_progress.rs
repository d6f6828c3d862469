//! The progress of the clones running on the server, polled while a clone
//! this page started is running.

use std::time::Duration;

use leptos::prelude::*;

use crate::api::ListRepos;
use crate::app::web::clock::every;

/// How often the clone progress is polled.
const POLL: Duration = Duration::from_millis(500);

#[component]
pub fn CloneProgress(active: Signal<bool>) -> impl IntoView {
    let poll = ServerAction::<ListRepos>::new();
    every(POLL, move || {
        if active.get_untracked() {
            poll.dispatch(ListRepos {});
        } else if poll.value().with_untracked(Option::is_some) {
            // A clone started later shows no leftovers of this one.
            poll.value().set(None);
        }
    });
    let clones = move || {
        active
            .get()
            .then(|| poll.value().get().and_then(Result::ok))
            .flatten()
            .map(|list| list.cloning)
            .unwrap_or_default()
    };
    view! {
        <Show when=move || active.get()>
            <ul aria-label="Clones in progress" class="mt-2 space-y-1 text-sm text-neutral-400">
                <li role="status">"Cloning…"</li>
                <For
                    each=clones
                    key=|clone| (clone.name.clone(), clone.progress.received_objects, clone.progress.total_objects)
                    children=|clone| {
                        let p = clone.progress;
                        let label = if p.total_objects > 0 {
                            format!(
                                "{}: {} / {} objects, {}",
                                clone.name,
                                p.received_objects,
                                p.total_objects,
                                crate::app::format::bytes(p.received_bytes),
                            )
                        } else {
                            format!("{}: connecting…", clone.name)
                        };
                        view! {
                            <li>
                                <span class="block">{label}</span>
                                <progress
                                    class="w-full"
                                    max=p.total_objects.max(1).to_string()
                                    value=p.received_objects.to_string()
                                ></progress>
                            </li>
                        }
                    }
                />
            </ul>
        </Show>
    }
}
