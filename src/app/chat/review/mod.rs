//! The Review sheet (⋯ → Review): the chat's diff against its base, one
//! collapsible section per file. Tap a line to comment on it; tap a second
//! line of the same file first to comment on the range between. Comments
//! are a draft kept by the server (every tab and a reload see them); "Send
//! review" sends the drafts to the agent as one message, and they stay
//! shown as sent. Local chats only.
//!
//! An open sheet follows the chat: its comments when any tab changes them
//! (a `review.updated` event), its diff when the agent is done with a turn
//! (`session.idle`, when it has edited files). Both are updated in place
//! (see `reads`): files, lines and comments are keyed, so only what changed
//! is drawn again. The lines picked, the comment being written, each file's
//! open or closed section and where the sheet is scrolled stay; a file
//! added or grown above the line being read leaves that line where it was
//! on the screen (`keep_scroll_anchor`, by each line's `data-anchor`).

mod comment;
mod file;
mod opener;
mod reads;

use leptos::prelude::*;

use crate::app::call::Call;

use crate::api::{
    AddReviewComment, DeleteReviewComment, EditReviewComment, SendReview, get_review,
    get_review_diff,
};
use crate::app::erase::Erase;
use crate::app::events::use_chat_events;
use crate::app::web::page::keep_scroll_anchor;
use crate::model::review::{Review, ReviewDiff};
use crate::opencode::Event;
use file::{FileSection, Focus};
pub use opener::ReviewOpener;
use reads::Read;

/// Lines picked to comment on: `start..=end` of `path` (new side).
#[derive(Clone, Debug, PartialEq, Eq)]
struct Picked {
    path: String,
    start: u32,
    end: u32,
}

/// What the sheet's parts share.
#[derive(Clone, Copy)]
struct Sheet {
    /// `(repo, chat_id)`.
    chat: StoredValue<(String, String)>,
    picked: RwSignal<Option<Picked>>,
    /// The comment being written on the lines picked.
    draft: RwSignal<String>,
    /// Whether the sheet was scrolled to the file it was opened at.
    scrolled: StoredValue<bool>,
    /// The review (its comments) as last read.
    review: Read<Review>,
    /// The chat's diff as last read.
    diff: Read<ReviewDiff>,
    add: Call<AddReviewComment>,
    edit: Call<EditReviewComment>,
    delete: Call<DeleteReviewComment>,
    send: Call<SendReview>,
}

impl Sheet {
    fn repo(self) -> String {
        self.chat.with_value(|c| c.0.clone())
    }

    fn chat_id(self) -> String {
        self.chat.with_value(|c| c.1.clone())
    }

    /// Reads the comments again (another tab or this one changed them).
    fn read_review(self) {
        self.review.ask(get_review(self.repo(), self.chat_id()));
    }

    /// Reads the diff again (the agent ended a turn). The line being read
    /// stays where it is on the screen when the new diff is drawn.
    fn read_diff(self) {
        let read = get_review_diff(self.repo(), self.chat_id());
        self.diff.ask(async move {
            let answer = read.await;
            // Just before the answer is drawn.
            keep_scroll_anchor(SHEET_ID);
            answer
        });
    }

    /// A tap on line `number` of `path`: starts a pick, or stretches the
    /// one in the same file to a range.
    fn tap(self, path: &str, number: u32) {
        self.picked.update(|picked| {
            *picked = Some(match picked.take() {
                Some(p) if p.path == path && p.start == p.end && p.start != number => Picked {
                    path: p.path,
                    start: p.start.min(number),
                    end: p.start.max(number),
                },
                _ => Picked {
                    path: path.to_owned(),
                    start: number,
                    end: number,
                },
            });
        });
    }
}

#[component]
pub fn ReviewPanel(
    repo: String,
    chat_id: String,
    /// The chat's session and worktree, whose live events the sheet follows.
    session_id: String,
    directory: String,
    /// The file to open at (as a tool part named it): the others start
    /// collapsed.
    focus: Option<String>,
    on_close: impl Fn() + Send + Sync + 'static,
) -> impl IntoView {
    let chat = StoredValue::new((repo, chat_id));
    let focus = StoredValue::new(focus);
    let (add, edit, delete, send) = (
        Call::<AddReviewComment>::new(),
        Call::<EditReviewComment>::new(),
        Call::<DeleteReviewComment>::new(),
        Call::<SendReview>::new(),
    );
    let sheet = Sheet {
        chat,
        picked: RwSignal::new(None),
        draft: RwSignal::new(String::new()),
        scrolled: StoredValue::new(false),
        review: Read::new(),
        diff: Read::new(),
        add,
        edit,
        delete,
        send,
    };
    // Read on open, then again after every change made here: the answer is
    // the review as it is now.
    Effect::new(move |_| {
        for version in [
            add.version(),
            edit.version(),
            delete.version(),
            send.version(),
        ] {
            version.track();
        }
        sheet.read_review();
    });
    Effect::new(move |_| sheet.read_diff());
    use_chat_events(
        &session_id,
        &directory,
        move |event: &Event| match event {
            Event::ReviewUpdated { .. } => sheet.read_review(),
            Event::SessionIdle { .. } => sheet.read_diff(),
            _ => {}
        },
        move || {
            sheet.read_review();
            sheet.read_diff();
        },
    );
    provide_context(sheet);
    view! {
        <section
            aria-label="Review"
            id=SHEET_ID
            class="absolute top-full right-0 left-0 z-20 max-h-[80dvh] overflow-y-auto border-b border-neutral-700 bg-black p-2 text-sm text-neutral-300"
        >
            <div class="flex items-center justify-between">
                <h3 class="text-neutral-100">"Review"</h3>
                <button type="button" class="min-h-11 min-w-11" aria-label="Close the review" on:click=move |_| on_close()>
                    "✕"
                </button>
            </div>
            <p class="text-neutral-400">"Tap a line to comment; tap a second line first for a range."</p>
            <SendBar />
            <Diff focus=focus.get_value() />
        </section>
    }
}

/// The sheet's element id (the element that scrolls).
const SHEET_ID: &str = "review-sheet";

/// What the diff part of the sheet shows, apart from the files themselves
/// (a new answer in the same state draws nothing again here).
#[derive(Clone, PartialEq)]
enum Shown {
    Reading,
    Failed(String),
    Empty,
    Files,
}

#[component]
fn Diff(focus: Option<String>) -> impl IntoView {
    let sheet = expect_context::<Sheet>();
    let shown = Memo::new(move |_| {
        sheet.diff.with(|diff| match diff {
            None => Shown::Reading,
            Some(Err(e)) => Shown::Failed(e.to_string()),
            Some(Ok(diff)) if diff.files.is_empty() => Shown::Empty,
            Some(Ok(_)) => Shown::Files,
        })
    });
    let focus = StoredValue::new(focus);
    move || match shown.get() {
        Shown::Reading => view! { <p class="text-neutral-500">"Reading the diff…"</p> }.erase(),
        Shown::Failed(e) => view! {
            <p role="alert" class="border border-red-900 px-3 py-2 text-red-400">{e}</p>
        }
        .erase(),
        Shown::Empty => {
            view! { <p class="mt-2 text-neutral-500">"No changes to review yet."</p> }.erase()
        }
        Shown::Files => view! { <Files focus=focus.get_value() /> }.erase(),
    }
}

/// The diff's files, keyed by path: a file read again with the same path
/// keeps its section.
#[component]
fn Files(focus: Option<String>) -> impl IntoView {
    let sheet = expect_context::<Sheet>();
    let paths = Memo::new(move |_| {
        sheet.diff.with_ok(Vec::new(), |diff| {
            diff.files
                .iter()
                .map(|f| f.path.clone())
                .collect::<Vec<_>>()
        })
    });
    let focus = StoredValue::new(focus);
    // The file the sheet was opened at, as the diff names it now.
    let focused = Memo::new(move |_| {
        let focus = focus.get_value()?;
        paths.with(|paths| {
            opener::matching_file(&focus, paths.iter().map(String::as_str)).map(str::to_owned)
        })
    });
    let gone = move || {
        let path = focus
            .get_value()
            .filter(|_| focused.with(Option::is_none))?;
        Some(view! {
            <p role="status" class="mt-2 text-amber-300">
                {format!("{path} has no changes against the base now (undone, or the same as before): every file is shown.")}
            </p>
        })
    };
    let cut = move || {
        sheet.diff.with_ok(false, |diff| diff.truncated).then(|| {
            view! { <p class="mt-2 text-neutral-400">"The diff is long: the last files are listed without their lines."</p> }
        })
    };
    let section = move |path: String| {
        let focus = focused.with_untracked(|focused| match focused {
            None => Focus::None,
            Some(focused) if *focused == path => Focus::This,
            Some(_) => Focus::Other,
        });
        view! { <FileSection path focus /> }
    };
    view! {
        {gone}
        <div class="mt-2 flex flex-col gap-2">
            <For each=move || paths.get() key=String::clone children=section />
        </div>
        {cut}
    }
}

/// How many drafts wait, and "Send review".
#[component]
fn SendBar() -> impl IntoView {
    let sheet = expect_context::<Sheet>();
    let drafts = move || sheet.review.with_ok(0, |r| r.drafts().count());
    let pending = sheet.send.pending();
    let send = move |_| {
        sheet.send.dispatch(SendReview {
            repo: sheet.repo(),
            chat_id: sheet.chat_id(),
        });
    };
    let refused = move || {
        let add = sheet.add.value().get().and_then(Result::err);
        let edit = sheet.edit.value().get().and_then(Result::err);
        let delete = sheet.delete.value().get().and_then(Result::err);
        add.or(edit).or(delete).map(|e| {
            view! { <p role="alert" class="text-red-400">{format!("Not changed: {e}")}</p> }
        })
    };
    let outcome = move || match sheet.send.value().get() {
        Some(Ok(_)) => Some(
            view! { <p role="status" class="text-emerald-300">"Review sent to the agent."</p> }
                .erase(),
        ),
        Some(Err(e)) => Some(
            view! { <p role="alert" class="text-red-400">{format!("Not sent: {e}")}</p> }.erase(),
        ),
        None => None,
    };
    view! {
        <div class="sticky top-0 z-10 mt-1 flex items-center gap-2 bg-black py-1">
            <span class="flex-1" data-testid="review-drafts">
                {move || match drafts() {
                    1 => "1 draft comment".to_owned(),
                    n => format!("{n} draft comments"),
                }}
            </span>
            <button
                type="button"
                class="min-h-11 border border-emerald-600 px-3 text-emerald-200 disabled:text-neutral-600"
                prop:disabled=move || pending.get() || drafts() == 0
                on:click=send
            >
                {move || if pending.get() { "Sending…" } else { "Send review" }}
            </button>
        </div>
        {outcome}
        {refused}
    }
}
