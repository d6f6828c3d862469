//! Garbage collection: a dry-run preview first, then the real thing.

use leptos::prelude::*;

use super::ResourcesChanged;
use crate::api::CollectGarbage;
use crate::app::erase::Erase;
use crate::model::disk::GcReport;

#[component]
pub fn GarbageCollection() -> impl IntoView {
    let collect = ServerAction::<CollectGarbage>::new();
    let changed = expect_context::<ResourcesChanged>();
    Effect::new(move |_| {
        if let Some(Ok(report)) = collect.value().get()
            && !report.dry_run
        {
            changed.notify();
        }
    });
    let preview_ready = move || {
        collect
            .value()
            .get()
            .and_then(Result::ok)
            .is_some_and(|r| r.dry_run && !r.removed.is_empty())
    };
    view! {
        <p class="mb-2 text-sm text-neutral-500">
            "Removes chats whose session is gone or that sat idle too long; never ones with uncommitted changes."
        </p>
        <div class="flex gap-2">
            <button
                type="button"
                class="min-h-11 border border-neutral-500 px-3 disabled:text-neutral-600"
                disabled=move || collect.pending().get()
                on:click=move |_| {
                    collect.dispatch(CollectGarbage { dry_run: true });
                }
            >
                "Preview"
            </button>
            <button
                type="button"
                class="min-h-11 border border-red-900 px-3 text-red-300 disabled:border-neutral-800 disabled:text-neutral-600"
                disabled=move || collect.pending().get() || !preview_ready()
                on:click=move |_| {
                    collect.dispatch(CollectGarbage { dry_run: false });
                }
            >
                "Collect"
            </button>
        </div>
        {move || {
            collect
                .value()
                .get()
                .map(|result| match result {
                    Ok(report) => view! { <Report report /> }.erase(),
                    Err(e) => view! { <p role="alert" class="text-red-400">{e.to_string()}</p> }.erase(),
                })
        }}
    }
}

#[component]
fn Report(report: GcReport) -> impl IntoView {
    let heading = match (report.dry_run, report.removed.len()) {
        (true, 0) => "Nothing to collect.".to_owned(),
        (true, n) => format!("Would remove {n} chat(s):"),
        (false, n) => format!("Removed {n} chat(s)."),
    };
    let entries = |list: Vec<crate::model::disk::GcEntry>| {
        list.into_iter()
            .map(|e| {
                view! {
                    <li class="py-1">
                        <span class="block text-neutral-100">{format!("{} / {}", e.repo, e.chat_id)}</span>
                        <span class="block text-xs text-neutral-500">{e.reason}</span>
                    </li>
                }
            })
            .collect_view()
    };
    let kept = (!report.kept.is_empty()).then(|| {
        view! {
            <p class="mt-2 text-neutral-400">"Kept (uncommitted changes):"</p>
            <ul>{entries(report.kept)}</ul>
        }
    });
    view! {
        <div role="status" aria-label="Garbage collection report" class="mt-2">
            <p>{heading}</p>
            <ul>{entries(report.removed)}</ul>
            {kept}
        </div>
    }
}
