//! The Review sheet (⋯ → Review): the chat's diff against its base, one
//! collapsible section per file. Tap a line to comment on it; tap a second
//! line of the same file first to comment on the range between. Comments
//! are a draft kept by the server (every tab and a reload see them); "Send
//! review" sends the drafts to the agent as one message, and they stay
//! shown as sent. Local chats only.
//!
//! An open sheet follows the chat: its comments when any tab changes them
//! (a `review.updated` event), its diff when the agent is done with a turn
//! (`session.idle`, when it has edited files). The lines picked, the
//! comment being written and each file's open or closed section stay (the
//! sheet's scroll does not yet: it can go back to the top).

mod comment;
mod file;
mod opener;

use leptos::prelude::*;

use crate::api::{
    AddReviewComment, DeleteReviewComment, EditReviewComment, SendReview, get_review,
    get_review_diff,
};
use crate::app::error_list::ErrorList;
use crate::app::events::use_chat_events;
use crate::model::review::{Review, ReviewDiff};
use crate::opencode::Event;
use file::{FileSection, Focus};
pub use opener::ReviewOpener;

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
    /// The comment being written on the lines picked (kept while the diff
    /// is read again).
    draft: RwSignal<String>,
    /// Each file's section as the user opened or closed it.
    opened: StoredValue<std::collections::HashMap<String, bool>>,
    /// Whether the sheet was scrolled to the file it was opened at.
    scrolled: StoredValue<bool>,
    /// The review as last read or changed.
    review: Signal<Review>,
    add: ServerAction<AddReviewComment>,
    edit: ServerAction<EditReviewComment>,
    delete: ServerAction<DeleteReviewComment>,
    send: ServerAction<SendReview>,
}

impl Sheet {
    fn repo(self) -> String {
        self.chat.with_value(|c| c.0.clone())
    }

    fn chat_id(self) -> String {
        self.chat.with_value(|c| c.1.clone())
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
        ServerAction::<AddReviewComment>::new(),
        ServerAction::<EditReviewComment>::new(),
        ServerAction::<DeleteReviewComment>::new(),
        ServerAction::<SendReview>::new(),
    );
    let diff = Resource::new(
        || (),
        move |()| {
            let (repo, chat_id) = chat.get_value();
            get_review_diff(repo, chat_id)
        },
    );
    // Read again after every change: the answer is the review as it is now.
    let read = Resource::new(
        move || {
            (
                add.version().get(),
                edit.version().get(),
                delete.version().get(),
                send.version().get(),
            )
        },
        move |_| {
            let (repo, chat_id) = chat.get_value();
            get_review(repo, chat_id)
        },
    );
    // Kept in a signal of its own: the lines read it inside the diff's
    // Transition, which would otherwise wait on (and redraw after) every
    // read of the comments; and until a new read is in, the last one shows.
    let current = RwSignal::new(Review::default());
    Effect::new(move |_| {
        if let Some(Ok(review)) = read.get() {
            current.set(review);
        }
    });
    let review = Signal::from(current);
    use_chat_events(
        &session_id,
        &directory,
        move |event: &Event| match event {
            Event::ReviewUpdated { .. } => read.refetch(),
            Event::SessionIdle { .. } => diff.refetch(),
            _ => {}
        },
        move || {
            read.refetch();
            diff.refetch();
        },
    );
    let sheet = Sheet {
        chat,
        picked: RwSignal::new(None),
        draft: RwSignal::new(String::new()),
        opened: StoredValue::new(std::collections::HashMap::new()),
        scrolled: StoredValue::new(false),
        review,
        add,
        edit,
        delete,
        send,
    };
    provide_context(sheet);
    view! {
        <section
            aria-label="Review"
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
            // A Transition: a diff read again replaces the shown one when it is in.
            <Transition fallback=|| view! { <p class="text-neutral-500">"Reading the diff…"</p> }>
                <ErrorBoundary fallback=|errors| view! { <ErrorList errors /> }>
                    {move || Suspend::new(async move { diff.await.map(|diff| view! { <Files diff focus=focus.get_value() /> }) })}
                </ErrorBoundary>
            </Transition>
        </section>
    }
}

#[component]
fn Files(diff: ReviewDiff, focus: Option<String>) -> impl IntoView {
    if diff.files.is_empty() {
        return view! { <p class="mt-2 text-neutral-500">"No changes to review yet."</p> }
            .into_any();
    }
    let focused = focus.as_deref().and_then(|path| {
        opener::matching_file(path, diff.files.iter().map(|f| f.path.as_str())).map(str::to_owned)
    });
    let gone = match (&focus, &focused) {
        (Some(path), None) => Some(view! {
            <p role="status" class="mt-2 text-amber-300">
                {format!("{path} has no changes against the base now (undone, or the same as before): every file is shown.")}
            </p>
        }),
        _ => None,
    };
    let cut = diff.truncated.then(|| {
        view! { <p class="mt-2 text-neutral-400">"The diff is long: the last files are listed without their lines."</p> }
    });
    let files = diff
        .files
        .into_iter()
        .map(|file| {
            let focus = match &focused {
                None => Focus::None,
                Some(path) if *path == file.path => Focus::This,
                Some(_) => Focus::Other,
            };
            view! { <FileSection file focus /> }
        })
        .collect_view();
    view! {
        {gone}
        <div class="mt-2 flex flex-col gap-2">{files}</div>
        {cut}
    }
    .into_any()
}

/// How many drafts wait, and "Send review".
#[component]
fn SendBar() -> impl IntoView {
    let sheet = expect_context::<Sheet>();
    let drafts = move || sheet.review.with(|r| r.drafts().count());
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
                .into_any(),
        ),
        Some(Err(e)) => Some(
            view! { <p role="alert" class="text-red-400">{format!("Not sent: {e}")}</p> }
                .into_any(),
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
