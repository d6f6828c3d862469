//! One file of the review: a collapsible section with its hunks, each line
//! numbered; lines of the new side are buttons that pick them, and the
//! comments on a line follow it.

use leptos::prelude::*;

use super::Sheet;
use super::comment::{CommentCard, CommentForm};
use crate::app::erase::Erase;
use crate::app::web::page::scroll_into_view;
use crate::model::review::{DiffLine, LineKind, ReviewComment, ReviewFile};

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

/// The section of the file at `path`, drawn once: when the diff is read
/// again, its hunks and lines follow the file as it is now, keyed, so a
/// line that did not change keeps its element (and a comment being written
/// under it, and the browser's scroll anchored on it).
#[component]
pub fn FileSection(path: String, focus: Focus) -> impl IntoView {
    let sheet = expect_context::<Sheet>();
    let path = StoredValue::new(path);
    let file = Memo::new(move |_| {
        path.with_value(|path| sheet.diff.with_ok(None, |diff| diff.file(path).cloned()))
    });
    // Scrolled to once, when the sheet opens at it.
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
    let binary = Memo::new(move |_| file.with(|f| f.as_ref().is_some_and(|f| f.binary)));
    let hunks = Memo::new(move |_| file.with(|f| f.as_ref().map_or(0, |f| f.hunks.len())));
    let body = move || {
        if binary.get() {
            view! { <p class="px-2 py-1 text-neutral-500">"A binary file: nothing to comment on."</p> }
                .erase()
        } else {
            let hunk = move |index| view! { <Hunk path file index /> };
            view! { <For each=move || 0..hunks.get() key=|index| *index children=hunk /> }.erase()
        }
    };
    let status = move || file.with(|f| f.as_ref().map(|f| f.status.clone()));
    view! {
        // Opened or closed by the user from then on (the element stays).
        <details
            data-anchor=path.get_value()
            open=focus != Focus::Other
            id=(focus == Focus::This).then_some(FOCUSED_ID)
            class="border border-neutral-800"
        >
            <summary class="flex min-h-11 cursor-pointer items-center gap-2 px-2 text-neutral-100">
                <code class="min-w-0 flex-1 break-all">{path.get_value()}</code>
                <span class="text-neutral-400">{status}</span>
            </summary>
            {body}
        </details>
    }
}

/// The file's hunk number `index`, its lines keyed by what they are.
#[component]
fn Hunk(path: StoredValue<String>, file: Memo<Option<ReviewFile>>, index: usize) -> impl IntoView {
    let hunk = Memo::new(move |_| {
        file.with(|f| f.as_ref().and_then(|f| f.hunks.get(index).cloned()))
            .unwrap_or_default()
    });
    let lines = move || hunk.with(|h| h.lines.clone());
    let key = |line: &DiffLine| (line.old, line.new, line.text.clone());
    view! {
        <p class="px-2 pt-1 font-mono text-xs text-sky-300">{move || hunk.with(|h| h.header.clone())}</p>
        <ol class="font-mono text-xs">
            <For each=lines key=key children=move |line| view! { <Line path line /> } />
        </ol>
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
        <span aria-hidden="true" class="shrink-0 pr-1 whitespace-pre text-neutral-400 select-none">{numbers}</span>
        <span class=format!("min-w-0 whitespace-pre-wrap break-all {colour}")>{line.text.clone()}</span>
    };
    // What this line is, across diffs: kept in view when the diff is read again.
    let anchor = path.with_value(|path| format!("{path}:{:?}:{:?}", line.old, line.new));
    let Some(number) = line.new else {
        return view! { <li class=row data-anchor=anchor>{text}</li> }.erase();
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
    // This line's comments, keyed: one changed elsewhere redraws none here.
    let here = Memo::new(move |_| {
        sheet.review.with_ok(Vec::new(), |review| {
            path.with_value(|path| {
                let on_this = |c: &&ReviewComment| c.end == number && c.path == *path;
                review
                    .comments
                    .iter()
                    .filter(on_this)
                    .cloned()
                    .collect::<Vec<_>>()
            })
        })
    });
    let key = |c: &ReviewComment| (c.id, c.text.clone(), c.sent);
    let card = |comment| view! { <CommentCard comment /> };
    view! {
        <li data-anchor=anchor>
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
            <For each=move || here.get() key=key children=card />
            {move || form_here().then(|| view! { <CommentForm /> })}
        </li>
    }
    .erase()
}
