//! The line under the menu after an action: done, failed, or the share link.

use leptos::prelude::*;

use crate::app::erase::Erase;
use crate::app::web::clipboard::copy_text;

/// What the last action came to.
#[derive(Clone)]
pub enum Note {
    Done(String),
    /// The session's public link.
    Shared(String),
    Failed(String),
}

#[component]
pub fn NoteLine(note: RwSignal<Option<Note>>) -> impl IntoView {
    move || {
        note.get().map(|n| match n {
            Note::Done(text) => {
                view! { <p role="status" class="px-3 py-1 break-all text-neutral-300">{text}</p> }
                    .erase()
            }
            Note::Shared(url) => view! { <SharedLink url note /> }.erase(),
            Note::Failed(text) => {
                view! { <p role="alert" class="px-3 py-1 text-red-400">{text}</p> }.erase()
            }
        })
    }
}

/// The share link, opened in a new tab, with a button that copies it.
#[component]
fn SharedLink(url: String, note: RwSignal<Option<Note>>) -> impl IntoView {
    let copy = Action::new_local(|url: &String| {
        let url = url.clone();
        async move { copy_text(&url).await }
    });
    Effect::new(move |_| {
        if let Some(Err(e)) = copy.value().get() {
            note.set(Some(Note::Failed(e)));
        }
    });
    let (href, link) = (url.clone(), url.clone());
    view! {
        <div role="status" class="flex flex-wrap items-center gap-2 px-3 py-1 text-neutral-300">
            "Shared: "
            <a href=href target="_blank" rel="noopener noreferrer" class="break-all text-neutral-100 underline">
                {url}
            </a>
            <button
                type="button"
                class="min-h-11 border border-neutral-700 px-3 text-sm"
                on:click=move |_| {
                    copy.dispatch_local(link.clone());
                }
            >
                "Copy link"
            </button>
        </div>
    }
}
