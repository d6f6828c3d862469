//! A file of the worktree read on the phone: line numbers, the project's
//! own highlighter (the one code blocks use) for languages it knows, a
//! wrap toggle, and its download.

use crate::app::resource::json_resource;
use leptos::prelude::*;

use super::Sheet;
use crate::api::read_file;
use crate::app::chat::highlight::highlight;
use crate::app::erase::Erase;
use crate::app::error_list::ErrorList;
use crate::model::files::{FileRoute, FileText, human_size};

/// The most lines shown; the rest is in the download.
const MAX_LINES: usize = 5000;
const BUTTON: &str =
    "inline-flex min-h-11 items-center border border-neutral-500 px-3 text-neutral-100";

#[component]
pub fn Viewer(path: String) -> impl IntoView {
    let sheet = expect_context::<Sheet>();
    let wrap = RwSignal::new(false);
    let path = StoredValue::new(path);
    let text = json_resource(
        || (),
        move |()| {
            let (repo, chat_id) = sheet.chat.get_value();
            read_file(repo, chat_id, path.get_value())
        },
    );
    let download = path.with_value(|p| sheet.route(FileRoute::Download, p));
    view! {
        <div class="mt-1 flex flex-wrap items-center gap-2">
            <button type="button" class=BUTTON on:click=move |_| sheet.opened.set(None)>"← Files"</button>
            <h4 class="min-w-0 flex-1 break-all text-neutral-100"><code>{path.get_value()}</code></h4>
        </div>
        <div class="mt-1 flex flex-wrap gap-2">
            <button
                type="button"
                class=BUTTON
                aria-pressed=move || wrap.get().to_string()
                on:click=move |_| wrap.update(|w| *w = !*w)
            >
                "Wrap lines"
            </button>
            <a class=BUTTON href=download download="">"Download"</a>
        </div>
        <Suspense fallback=|| view! { <p class="text-neutral-500">"Reading the file…"</p> }>
            <ErrorBoundary fallback=|errors| view! { <ErrorList errors /> }>
                {move || Suspend::new(async move { text.await.map(|file| view! { <Lines file wrap /> }) })}
            </ErrorBoundary>
        </Suspense>
    }
}

#[component]
fn Lines(file: FileText, wrap: RwSignal<bool>) -> impl IntoView {
    let size = human_size(file.size);
    let Some(text) = file.text else {
        return view! { <p class="mt-2">{format!("A binary file ({size}): download it to open it.")}</p> }
            .erase();
    };
    let language = file
        .path
        .rsplit_once('.')
        .map(|(_, ext)| ext.to_owned())
        .unwrap_or_default();
    let total = text.lines().count();
    let lines = text
        .lines()
        .take(MAX_LINES)
        .enumerate()
        .map(|(i, line)| {
            let code = match highlight(&language, line) {
                Some(html) => view! { <code inner_html=html></code> }.erase(),
                None => view! { <code>{line.to_owned()}</code> }.erase(),
            };
            view! {
                <div class="flex">
                    <span aria-hidden="true" class="w-12 shrink-0 pr-2 text-right text-neutral-500 select-none">{i + 1}</span>
                    <span class="min-w-0">{code}</span>
                </div>
            }
        })
        .collect_view();
    let cut = (file.truncated || total > MAX_LINES)
        .then(|| view! { <p class="text-neutral-400">{format!("Only the start is shown ({size} in all): download the file for the rest.")}</p> });
    view! {
        <p class="mt-1 text-xs text-neutral-400">{format!("{total} lines, {size}")}</p>
        <div
            role="region"
            aria-label="File text"
            tabindex="0"
            class="mt-1 overflow-x-auto border border-neutral-800 py-1 font-mono text-xs"
            class=("whitespace-pre", move || !wrap.get())
            class=("whitespace-pre-wrap", move || wrap.get())
            class=("break-all", move || wrap.get())
            data-testid="file-lines"
        >
            {lines}
        </div>
        {cut}
    }
    .erase()
}
