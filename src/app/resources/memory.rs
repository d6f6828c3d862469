//! opencode's memory: its process tree's resident memory against the
//! budget, the instances alive, and what the budget did, in words.

use crate::app::resource::json_resource;
use leptos::prelude::*;

use crate::api::get_opencode_memory;
use crate::app::error_list::ErrorList;
use crate::app::format::bytes;
use crate::model::memory::OpencodeMemory;

#[component]
pub fn Memory() -> impl IntoView {
    let version = RwSignal::new(0_u32);
    let memory = json_resource(move || version.get(), |_| get_opencode_memory());
    view! {
        <Transition fallback=|| view! { <p class="text-neutral-500">"Measuring…"</p> }>
            <ErrorBoundary fallback=|errors| view! { <ErrorList errors /> }>
                {move || Suspend::new(async move { memory.await.map(|memory| view! { <Usage memory /> }) })}
            </ErrorBoundary>
        </Transition>
        <button
            type="button"
            class="mt-2 min-h-11 border border-neutral-700 px-3"
            on:click=move |_| version.update(|v| *v += 1)
        >
            "Measure again"
        </button>
    }
}

#[component]
fn Usage(memory: OpencodeMemory) -> impl IntoView {
    let used = match memory.rss_bytes {
        Some(rss) if memory.budget_bytes > 0 => {
            format!(
                "opencode: {} of its {} budget",
                bytes(rss),
                bytes(memory.budget_bytes)
            )
        }
        Some(rss) => format!("opencode: {} (no budget)", bytes(rss)),
        None => "opencode: not running".to_owned(),
    };
    let bar = (memory.budget_bytes > 0)
        .then(|| {
            memory.rss_bytes.map(|rss| {
                view! {
                    <progress
                        aria-label="opencode's memory against its budget"
                        class="w-full"
                        max=memory.budget_bytes.to_string()
                        value=rss.min(memory.budget_bytes).to_string()
                    ></progress>
                }
            })
        })
        .flatten();
    let alive = match memory.instances_alive {
        1 => "1 instance alive".to_owned(),
        n => format!("{n} instances alive"),
    };
    view! {
        <div data-testid="opencode-memory" class="space-y-1">
            <p>{used}</p>
            {bar}
            <p class="text-xs text-neutral-500">
                {format!(
                    "{alive} · {} process{}",
                    memory.processes,
                    if memory.processes == 1 { "" } else { "es" },
                )}
            </p>
            <p data-testid="memory-budget">{memory.summary.clone()}</p>
        </div>
    }
}
