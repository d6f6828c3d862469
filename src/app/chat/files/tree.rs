//! The worktree as a tree: a folder's entries load when it is opened
//! (again after an upload); folders first, each file with its git status
//! and size.

use crate::app::resource::json_resource;
use leptos::prelude::*;

use super::Sheet;
use crate::api::list_files;
use crate::app::erase::Erase;
use crate::app::error_list::ErrorList;
use crate::model::files::{FileEntry, FileKind, FileStatus, FolderListing, human_size, parent};

const ROW: &str = "flex min-h-11 w-full items-center gap-2 px-1 text-left active:bg-neutral-900";

/// Folder `path`'s entries, as `<li>`s of the list it is in.
#[component]
pub fn Folder(path: String) -> impl IntoView {
    let sheet = expect_context::<Sheet>();
    let path = StoredValue::new(path);
    let listing = json_resource(
        move || sheet.reloads.get(),
        move |_| {
            let (repo, chat_id) = sheet.chat.get_value();
            list_files(repo, chat_id, path.get_value())
        },
    );
    view! {
        <Transition fallback=|| view! { <li class="text-neutral-500">"Reading the folder…"</li> }>
            <ErrorBoundary fallback=|errors| view! { <li><ErrorList errors /></li> }>
                {move || Suspend::new(async move { listing.await.map(|l| view! { <Entries listing=l /> }) })}
            </ErrorBoundary>
        </Transition>
    }
}

#[component]
fn Entries(listing: FolderListing) -> impl IntoView {
    let empty = listing.entries.is_empty();
    let rows = listing
        .entries
        .into_iter()
        .map(|entry| match entry.kind {
            FileKind::Folder => view! { <FolderRow entry /> }.erase(),
            FileKind::File | FileKind::Link => view! { <FileRow entry /> }.erase(),
        })
        .collect_view();
    view! {
        {rows}
        {empty.then(|| view! { <li class="px-1 text-neutral-500">"Empty folder."</li> })}
        {listing.truncated.then(|| view! { <li class="px-1 text-neutral-500">"More files than can be listed: download the folder to see them all."</li> })}
    }
}

/// A folder: tap to open it (its entries load then) or close it.
#[component]
fn FolderRow(entry: FileEntry) -> impl IntoView {
    let sheet = expect_context::<Sheet>();
    let path = StoredValue::new(entry.path);
    let open =
        Memo::new(move |_| path.with_value(|p| sheet.open_folders.with(|open| open.contains(p))));
    let toggle = move |_| {
        let p = path.get_value();
        let opening = !open.get_untracked();
        sheet.open_folders.update(|open| {
            if opening {
                open.insert(p.clone());
            } else {
                open.remove(&p);
            }
        });
        sheet
            .folder
            .set(if opening { p } else { parent(&p).to_owned() });
    };
    view! {
        <li>
            <button type="button" class=ROW aria-expanded=move || open.get().to_string() on:click=toggle>
                <span aria-hidden="true" class="w-4 text-neutral-500">{move || if open.get() { "▾" } else { "▸" }}</span>
                <span class="min-w-0 flex-1 truncate text-neutral-100">{entry.name}"/"</span>
                <Mark status=entry.status />
            </button>
            <Show when=move || open.get()>
                <ul class="pl-4">
                    <Folder path=path.get_value() />
                </ul>
            </Show>
        </li>
    }
}

/// A file (or a link): tap to read it.
#[component]
fn FileRow(entry: FileEntry) -> impl IntoView {
    let sheet = expect_context::<Sheet>();
    let path = entry.path;
    let size = entry.size.map(human_size);
    let link = entry.kind == FileKind::Link;
    view! {
        <li>
            <button type="button" class=ROW on:click=move |_| sheet.opened.set(Some(path.clone()))>
                <span aria-hidden="true" class="w-4"></span>
                <span class="min-w-0 flex-1 truncate">{entry.name}{link.then_some(" (link)")}</span>
                <Mark status=entry.status />
                <span class="shrink-0 text-xs text-neutral-400">{size}</span>
            </button>
        </li>
    }
}

/// The git status as a letter (its word for screen readers).
#[component]
fn Mark(status: Option<FileStatus>) -> impl IntoView {
    status.map(|status| {
        let color = match status {
            FileStatus::Modified | FileStatus::Changed => "text-amber-300",
            FileStatus::Added => "text-green-400",
            FileStatus::Untracked => "text-sky-300",
        };
        view! {
            <span class=format!("shrink-0 font-mono {color}") title=status.label()>
                <span aria-hidden="true">{status.mark()}</span>
                <span class="sr-only">{format!(", {}", status.label())}</span>
            </span>
        }
    })
}
