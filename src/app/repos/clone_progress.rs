//! The progress of the clones running on the server, polled while a clone
//! this page started is running.

use std::time::Duration;

use leptos::prelude::*;

use crate::api::list_repos;
use crate::repos::CloneInFlight;

/// How often the clone progress is polled.
#[cfg_attr(not(feature = "hydrate"), allow(dead_code))]
const POLL: Duration = Duration::from_millis(500);

#[component]
pub fn CloneProgress(active: Signal<bool>) -> impl IntoView {
    let clones = RwSignal::new(Vec::<CloneInFlight>::new());
    #[cfg(feature = "hydrate")]
    {
        let poll = move || {
            if !active.get_untracked() {
                clones.set(Vec::new());
                return;
            }
            leptos::task::spawn_local(async move {
                if let Ok(list) = list_repos().await
                    && active.get_untracked()
                {
                    clones.set(list.cloning);
                }
            });
        };
        if let Ok(handle) = set_interval_with_handle(poll, POLL) {
            on_cleanup(move || handle.clear());
        }
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = list_repos;
    view! {
        <Show when=move || active.get()>
            <ul aria-label="Clones in progress" class="mt-2 space-y-1 text-sm text-neutral-400">
                <li role="status">"Cloning…"</li>
                <For
                    each=move || clones.get()
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
