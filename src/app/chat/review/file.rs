//! One file of the review: a collapsible section with its hunks, each line
//! numbered; lines of the new side are buttons that pick them, and the
//! comments on a line follow it.

use leptos::prelude::*;

use super::Sheet;
use super::comment::{CommentCard, CommentForm};
use crate::app::web::page::scroll_into_view;
use crate::model::review::{DiffLine, LineKind, ReviewFile};

/// The element id of the file the sheet was opened at.
const FOCUSED_ID: &str = "review-focused-file";

/// Whether the sheet was opened at a file, and whether it is this one.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Focus {
    /// Opened from the menu: every file open.
    None,
    /// Opened at this file (from a tool part): open, and scrolled to.
    This,
    /// Opened at another file: this one starts collapsed.
    Other,
}

#[component]
pub fn FileSection(file: ReviewFile, focus: Focus) -> impl IntoView {
    let sheet = expect_context::<Sheet>();
    let path = StoredValue::new(file.path.clone());
    // Scrolled to once, not again each time the diff is read again.
    let first_time = || {
        sheet
            .scrolled
            .try_update_value(|s| !std::mem::replace(s, true))
            .unwrap_or(false)
    };
    if focus == Focus::This && first_time() {
        // After the section is in the page.
        Effect::new(move |_| scroll_into_view(FOCUSED_ID));
    }
    // Opened or closed as the user left it, when the diff is read again.
    let open = sheet
        .opened
        .with_value(|opened| opened.get(&file.path).copied())
        .unwrap_or(focus != Focus::Other);
    let toggled = move |open: bool| {
        path.with_value(|path| {
            sheet.opened.update_value(|opened| {
                opened.insert(path.clone(), open);
            });
        });
    };
    let body = if file.binary {
        view! { <p class="px-2 py-1 text-neutral-500">"A binary file: nothing to comment on."</p> }
            .into_any()
    } else {
        file.hunks
            .into_iter()
            .map(|hunk| {
                let lines = hunk
                    .lines
                    .into_iter()
                    .map(|line| view! { <Line path line /> })
                    .collect_view();
                view! {
                    <p class="px-2 pt-1 font-mono text-xs text-sky-300">{hunk.header}</p>
                    <ol class="font-mono text-xs">{lines}</ol>
                }
            })
            .collect_view()
            .into_any()
    };
    view! {
        <details
            open=open
            on:toggle:target=move |ev| toggled(ev.target().open())
            id=(focus == Focus::This).then_some(FOCUSED_ID)
            class="border border-neutral-800"
        >
            <summary class="flex min-h-11 cursor-pointer items-center gap-2 px-2 text-neutral-100">
                <code class="min-w-0 flex-1 break-all">{file.path}</code>
                <span class="text-neutral-400">{file.status}</span>
            </summary>
            {body}
        </details>
    }
}

#[component]
fn Line(path: StoredValue<String>, line: DiffLine) -> impl IntoView {
    let sheet = expect_context::<Sheet>();
    let (sign, colour) = match line.kind {
        LineKind::Added => ("+", "text-green-400"),
        LineKind::Removed => ("-", "text-red-400"),
        LineKind::Context => (" ", "text-neutral-400"),
    };
    let numbers = format!(
        "{:>4} {:>4} {sign}",
        line.old.map(|n| n.to_string()).unwrap_or_default(),
        line.new.map(|n| n.to_string()).unwrap_or_default()
    );
    let row = "flex w-full min-h-11 items-center text-left";
    let text = view! {
        <span aria-hidden="true" class="shrink-0 pr-1 whitespace-pre text-neutral-500 select-none">{numbers}</span>
        <span class=format!("min-w-0 whitespace-pre-wrap break-all {colour}")>{line.text.clone()}</span>
    };
    let Some(number) = line.new else {
        return view! { <li class=row>{text}</li> }.into_any();
    };
    let picked = move || {
        sheet.picked.with(|p| {
            p.as_ref().is_some_and(|p| {
                path.with_value(|path| *path == p.path) && (p.start..=p.end).contains(&number)
            })
        })
    };
    // The form follows the last line picked; comments follow the line they end on.
    let form_here = move || {
        sheet.picked.with(|p| {
            p.as_ref()
                .is_some_and(|p| p.end == number && path.with_value(|path| *path == p.path))
        })
    };
    let comments = move || {
        sheet.review.with(|review| {
            review
                .comments
                .iter()
                .filter(|c| c.end == number && path.with_value(|path| *path == c.path))
                .cloned()
                .map(|comment| view! { <CommentCard comment /> })
                .collect_view()
        })
    };
    view! {
        <li>
            <button
                type="button"
                class=row
                class=("bg-sky-950", picked)
                aria-pressed=move || picked().to_string()
                on:click=move |_| path.with_value(|p| sheet.tap(p, number))
            >
                <span class="sr-only">{format!("Line {number}: ")}</span>
                {text}
            </button>
            {comments}
            {move || form_here().then(|| view! { <CommentForm /> })}
        </li>
    }
    .into_any()
}
