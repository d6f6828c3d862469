//! A comment of the review, with Edit and Delete (a sent one is shown as
//! sent and only deleted), and the form that adds one to the lines picked.

use leptos::prelude::*;

use super::Sheet;
use crate::api::{AddReviewComment, DeleteReviewComment, EditReviewComment};
use crate::model::review::ReviewComment;

const BUTTON: &str = "min-h-11 border border-neutral-500 px-3 text-neutral-100";
const BOX: &str = "mt-1 block w-full border border-neutral-700 bg-neutral-950 p-2 text-neutral-100";

/// The form under the lines picked.
#[component]
pub fn CommentForm() -> impl IntoView {
    let sheet = expect_context::<Sheet>();
    let text = sheet.draft;
    let pending = sheet.add.pending();
    let anchor = move || {
        sheet.picked.with(|p| {
            p.as_ref().map_or_else(String::new, |p| {
                if p.start == p.end {
                    format!("{}:{}", p.path, p.start)
                } else {
                    format!("{}:{}-{}", p.path, p.start, p.end)
                }
            })
        })
    };
    let add = move |_| {
        let Some(picked) = sheet.picked.get_untracked() else {
            return;
        };
        sheet.add.dispatch(AddReviewComment {
            repo: sheet.repo(),
            chat_id: sheet.chat_id(),
            path: picked.path,
            start: picked.start,
            end: Some(picked.end),
            text: text.get_untracked(),
        });
        sheet.picked.set(None);
        text.set(String::new());
    };
    view! {
        <div class="border-l-2 border-sky-700 px-2 py-1 font-sans text-sm">
            <label class="block">
                <span class="text-neutral-400">"Comment on " <code>{anchor}</code></span>
                <textarea
                    rows="3"
                    class=BOX
                    prop:value=move || text.get()
                    on:input=move |ev| text.set(event_target_value(&ev))
                ></textarea>
            </label>
            <div class="mt-1 flex gap-2">
                <button
                    type="button"
                    class=BUTTON
                    prop:disabled=move || pending.get() || text.with(|t| t.trim().is_empty())
                    on:click=add
                >
                    "Add comment"
                </button>
                <button type="button" class=BUTTON on:click=move |_| {
                    sheet.picked.set(None);
                    text.set(String::new());
                }>"Cancel"</button>
            </div>
        </div>
    }
}

#[component]
pub fn CommentCard(comment: ReviewComment) -> impl IntoView {
    let sheet = expect_context::<Sheet>();
    let editing = RwSignal::new(false);
    let text = RwSignal::new(comment.text.clone());
    let id = comment.id;
    let anchor = comment.anchor();
    let sent = comment.sent;
    let save = move |_| {
        sheet.edit.dispatch(EditReviewComment {
            repo: sheet.repo(),
            chat_id: sheet.chat_id(),
            id,
            text: text.get_untracked(),
        });
        editing.set(false);
    };
    let delete = move |_| {
        sheet.delete.dispatch(DeleteReviewComment {
            repo: sheet.repo(),
            chat_id: sheet.chat_id(),
            id,
        });
    };
    let shown = comment.text.clone();
    view! {
        <article
            aria-label=format!("Comment on {anchor}")
            class="border-l-2 border-amber-600 px-2 py-1 font-sans text-sm whitespace-normal"
            data-testid="review-comment"
        >
            <p class="text-neutral-400">
                <code>{anchor.clone()}</code>
                {if sent { " · sent ✓" } else { " · draft" }}
            </p>
            <Show
                when=move || editing.get()
                fallback=move || view! { <p class="whitespace-pre-wrap text-neutral-100">{shown.clone()}</p> }
            >
                <label class="block">
                    <span class="sr-only">"Comment text"</span>
                    <textarea
                        rows="3"
                        class=BOX
                        prop:value=move || text.get()
                        on:input=move |ev| text.set(event_target_value(&ev))
                    ></textarea>
                </label>
            </Show>
            <div class="mt-1 flex gap-2">
                {(!sent).then(|| view! {
                    <button
                        type="button"
                        class=BUTTON
                        on:click=move |ev| if editing.get_untracked() { save(ev) } else { editing.set(true) }
                    >
                        {move || if editing.get() { "Save" } else { "Edit" }}
                    </button>
                })}
                <button type="button" class=BUTTON on:click=delete>"Delete"</button>
            </div>
        </article>
    }
}
