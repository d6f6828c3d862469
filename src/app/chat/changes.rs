//! What the chat changed: its work to ship (commit, the commits ahead,
//! merge: see `shipping`), files with lines added and removed against the
//! commit it started from, and the full diff a tap away.

use crate::app::resource::json_resource;
use leptos::prelude::*;

use super::shipping::ShipWork;
use crate::api::{get_diff, get_diff_stat};
use crate::app::diff::Patch;
use crate::app::erase::Erase;
use crate::app::error_list::ErrorList;
use crate::model::chats::DiffStat;

#[component]
pub fn Changes(
    repo: String,
    chat_id: String,
    on_close: impl Fn() + Send + Sync + 'static,
) -> impl IntoView {
    let chat = StoredValue::new((repo, chat_id));
    let stat = json_resource(
        || (),
        move |()| {
            let (repo, chat_id) = chat.get_value();
            get_diff_stat(repo, chat_id)
        },
    );
    let show_full = RwSignal::new(false);
    let full = json_resource(
        move || show_full.get(),
        move |show| {
            let (repo, chat_id) = chat.get_value();
            async move {
                if show {
                    get_diff(repo, chat_id).await.map(Some)
                } else {
                    Ok(None)
                }
            }
        },
    );
    view! {
        <section
            aria-label="Changes"
            class="absolute top-full right-0 left-0 z-20 max-h-[70dvh] overflow-y-auto border-b border-neutral-700 bg-black p-2 text-sm text-neutral-300"
        >
            <div class="flex items-center justify-between">
                <h3 class="text-neutral-100">"Changes"</h3>
                <button type="button" class="min-h-11 min-w-11" aria-label="Close the changes" on:click=move |_| on_close()>
                    "✕"
                </button>
            </div>
            <ShipWork />
            <h4 class="mt-3 text-neutral-100">"Since the chat started"</h4>
            <Suspense fallback=|| view! { <p class="text-neutral-500">"Reading the worktree…"</p> }>
                <ErrorBoundary fallback=|errors| view! { <ErrorList errors /> }>
                    {move || Suspend::new(async move { stat.await.map(|stat| view! { <Stat stat /> }) })}
                </ErrorBoundary>
            </Suspense>
            <button
                type="button"
                class="mt-2 min-h-11 border border-neutral-500 px-3 text-neutral-100"
                on:click=move |_| show_full.update(|s| *s = !*s)
            >
                {move || if show_full.get() { "Hide the full diff" } else { "Show the full diff" }}
            </button>
            <Suspense fallback=|| view! { <p class="text-neutral-500">"Loading the diff…"</p> }>
                <ErrorBoundary fallback=|errors| view! { <ErrorList errors /> }>
                    {move || Suspend::new(async move {
                        full.await.map(|patch| patch.map(|patch| view! { <Patch patch /> }))
                    })}
                </ErrorBoundary>
            </Suspense>
        </section>
    }
}

#[component]
fn Stat(stat: DiffStat) -> impl IntoView {
    if stat.files.is_empty() {
        return view! { <p class="text-neutral-500">"No changes yet."</p> }.erase();
    }
    let summary = format!(
        "{} file(s), +{} −{}",
        stat.files.len(),
        stat.insertions,
        stat.deletions
    );
    let files = stat
        .files
        .into_iter()
        .map(|file| {
            view! {
                <li class="flex gap-2">
                    <span class="min-w-0 flex-1 truncate" title=file.status.clone()>{file.path}</span>
                    <span class="text-green-400">{format!("+{}", file.insertions)}</span>
                    <span class="text-red-400">{format!("−{}", file.deletions)}</span>
                </li>
            }
        })
        .collect_view();
    view! {
        <p data-testid="diff-summary">{summary}</p>
        <ul aria-label="Changed files" class="mt-1">{files}</ul>
    }
    .erase()
}
