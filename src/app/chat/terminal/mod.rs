//! The Terminal sheet (⋯ → Terminal): shells in the chat's worktree,
//! opencode's PTYs through pocketcode's proxy, drawn by xterm.js (loaded
//! when the sheet first opens). Several per chat, as tabs; a key bar above
//! the phone keyboard; fitted to the sheet on every resize (rotating the
//! phone, the keyboard coming up). Closing the sheet leaves the shells
//! running (opening it again shows them); a tab's ✕ ends its shell. A
//! remote chat's shells are its remote opencode's, in its session's
//! directory there, through pocketcode's relay (`server::remotes::pty`).

mod keys;
mod pty;
mod screen;

pub use pty::Shells;

use leptos::prelude::*;

use crate::app::erase::Erase;
use crate::app::web::element::on_resize;
use crate::app::web::page::{on_visibility_change, tab_visible};
use crate::app::web::viewport::pin_to_visual_viewport;
use crate::opencode::Pty;
use keys::{KeyBar, Modifiers};
use screen::{Link, Term};

/// What the sheet asks opencode for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Ask {
    /// The chat's running shells, or a new one when there are none.
    Open,
    New,
}

/// The sheet's terminals and which one is shown.
#[derive(Clone, Copy)]
struct Tabs {
    list: RwSignal<Vec<Term>>,
    shown: RwSignal<Option<String>>,
}

impl Tabs {
    fn shown_term(self) -> Option<Term> {
        let shown = self.shown.get()?;
        self.list
            .with(|list| list.iter().copied().find(|t| t.id() == shown))
    }

    fn show(self, term: Term) {
        self.shown.set(Some(term.id()));
        // After the DOM has the tab's screen shown.
        request_animation_frame(move || term.show());
    }

    fn close(self, term: Term) {
        term.end();
        self.list
            .update(|list| list.retain(|t| t.id() != term.id()));
        if self.shown.get_untracked() == Some(term.id())
            && let Some(last) = self.list.with_untracked(|l| l.last().copied())
        {
            self.show(last);
        }
    }
}

/// Lists or starts the chat's shells; what comes back becomes tabs.
fn use_ask(
    shells: StoredValue<Shells>,
    tabs: Tabs,
    modifiers: Modifiers,
    error: RwSignal<Option<String>>,
) -> Action<Ask, Result<Vec<Pty>, String>> {
    let ask = Action::new_local(move |ask: &Ask| {
        let ask = *ask;
        let shells = shells.get_value();
        let next = tabs.list.with_untracked(Vec::len) + 1;
        async move {
            if ask == Ask::Open {
                let running = pty::list(&shells).await?;
                if !running.is_empty() {
                    return Ok(running);
                }
            }
            pty::create(&shells, format!("Terminal {next}"))
                .await
                .map(|p| vec![p])
        }
    });
    // Terms are made under the sheet, not under the effect below: an
    // effect's own values are disposed each time it runs again.
    let sheet = Owner::current();
    let make = move |pty: &Pty| {
        let make = || Term::new(pty, shells.get_value(), modifiers);
        match &sheet {
            Some(sheet) => sheet.with(make),
            None => make(),
        }
    };
    Effect::new(move |_| match ask.value().get() {
        Some(Ok(ptys)) => untrack(|| {
            let known: Vec<String> = tabs.list.with(|l| l.iter().map(|t| t.id()).collect());
            let added: Vec<Term> = ptys
                .iter()
                .filter(|p| !known.contains(&p.id))
                .map(&make)
                .collect();
            let last = added.last().copied();
            tabs.list.update(|list| list.extend(added));
            if let Some(last) = last {
                tabs.show(last);
            }
        }),
        Some(Err(e)) => error.set(Some(e)),
        None => {}
    });
    Effect::new(move |_| {
        ask.dispatch(Ask::Open);
    });
    ask
}

const SHEET_ID: &str = "terminal-sheet";

#[component]
pub fn TerminalSheet(
    /// Where the chat's shells are (its worktree; a remote chat's relay).
    shells: Shells,
    on_close: impl Fn() + Send + Sync + Clone + 'static,
) -> impl IntoView {
    let shells = StoredValue::new(shells);
    let tabs = Tabs {
        list: RwSignal::new(Vec::new()),
        shown: RwSignal::new(None),
    };
    let modifiers = Modifiers::new();
    let error = RwSignal::new(None::<String>);
    let ask = use_ask(shells, tabs, modifiers, error);
    let refit = move || {
        if let Some(term) = tabs.shown_term() {
            term.fit();
        }
    };
    on_resize(refit);
    // Once the sheet is on the page.
    Effect::new(move |_| untrack(|| pin_to_visual_viewport(SHEET_ID, refit)));
    on_visibility_change(move || {
        if tab_visible() {
            tabs.list
                .with_untracked(|l| l.iter().for_each(|t| t.reconnect()));
        }
    });
    on_cleanup(move || {
        tabs.list
            .with_untracked(|l| l.iter().for_each(|t| t.detach()))
    });
    let send = move |bytes: String| {
        if let Some(term) = tabs.shown_term() {
            term.send(bytes);
            term.focus();
        }
    };
    view! {
        <section
            id=SHEET_ID
            aria-label="Terminal"
            data-testid="terminal-sheet"
            class="fixed inset-0 z-30 flex flex-col bg-black text-sm text-neutral-300"
        >
            <SheetHeader tabs ask on_close />
            {move || error.get().map(|e| view! {
                <p role="alert" class="flex items-center gap-2 px-3 py-1 text-red-400">
                    <span class="min-w-0 flex-1 break-words">{e}</span>
                    <button type="button" class="min-h-11 min-w-11" aria-label="Dismiss" on:click=move |_| error.set(None)>"✕"</button>
                </p>
            })}
            <div class="relative flex min-h-0 flex-1 flex-col">
                <Show when=move || tabs.list.with(Vec::is_empty) && !ask.pending().get()>
                    <p class="p-3 text-neutral-500">"No terminal is open: + starts one."</p>
                </Show>
                <For each=move || tabs.list.get() key=|t| t.id() let:term>
                    <Screen term tabs ask />
                </For>
            </div>
            <KeyBar modifiers send />
        </section>
    }
}

const TOOL: &str = "min-h-11 min-w-11 shrink-0 text-lg text-neutral-200 disabled:text-neutral-600";

/// The title, the tabs (tap to show, ✕ to end), New and Close.
#[component]
fn SheetHeader(
    tabs: Tabs,
    ask: Action<Ask, Result<Vec<Pty>, String>>,
    on_close: impl Fn() + Send + Sync + 'static,
) -> impl IntoView {
    let busy = ask.pending();
    view! {
        <div class="flex items-center gap-1 border-b border-neutral-900 pl-3">
            <h2 class="shrink-0 text-neutral-100">"Terminal"</h2>
            <nav aria-label="Terminals" class="flex min-w-0 flex-1 gap-1 overflow-x-auto">
                <For each=move || tabs.list.get() key=|t| t.id() let:term>
                    <div class="flex shrink-0 items-center border border-neutral-800">
                        <button
                            type="button"
                            class="min-h-11 px-2 text-xs aria-pressed:bg-neutral-800 aria-pressed:text-neutral-100"
                            aria-pressed=move || (tabs.shown.get() == Some(term.id())).to_string()
                            on:click=move |_| tabs.show(term)
                        >
                            {term.title()}
                        </button>
                        <button
                            type="button"
                            class="min-h-11 min-w-11 text-neutral-500"
                            aria-label=format!("End {}", term.title())
                            on:click=move |_| tabs.close(term)
                        >
                            "✕"
                        </button>
                    </div>
                </For>
            </nav>
            <button type="button" class=TOOL aria-label="New terminal" disabled=busy on:click=move |_| {
                ask.dispatch(Ask::New);
            }>
                "+"
            </button>
            <button type="button" class=TOOL aria-label="Close the terminal" on:click=move |_| on_close()>
                "✕"
            </button>
        </div>
    }
}

/// One terminal's screen (shown while its tab is), and its connection's
/// state when it is not live.
#[component]
fn Screen(term: Term, tabs: Tabs, ask: Action<Ask, Result<Vec<Pty>, String>>) -> impl IntoView {
    let shown = move || tabs.shown.get() == Some(term.id());
    let state = move || match term.link.get() {
        Link::Connecting => "connecting",
        Link::Live => "live",
        Link::Reconnecting => "reconnecting",
        Link::Ended => "ended",
        Link::Failed(_) => "failed",
    };
    view! {
        <div class="flex min-h-0 flex-1 flex-col" hidden=move || !shown()>
            <p role="status" class="sr-only">
                {move || format!("{}: {}", term.title(), state())}
            </p>
            {move || term.notice.get().map(|n| view! { <p role="alert" class="px-3 text-amber-300">{n}</p> })}
            {move || match term.link.get() {
                Link::Ended => Some(view! {
                    <p role="alert" class="px-3 py-1 text-amber-300">
                        "This terminal ended. "
                        <button type="button" class="min-h-11 underline" on:click=move |_| {
                            tabs.close(term);
                            ask.dispatch(Ask::New);
                        }>"Open a new one"</button>
                    </p>
                }.erase()),
                Link::Failed(why) => Some(view! {
                    <p role="alert" class="px-3 py-1 text-red-400">
                        {why} " "
                        <button type="button" class="min-h-11 underline" on:click=move |_| term.reconnect()>"Reconnect"</button>
                    </p>
                }.erase()),
                Link::Reconnecting => Some(view! { <p class="px-3 text-neutral-500">"Reconnecting…"</p> }.erase()),
                _ => None,
            }}
            <div
                id=term.host_id()
                data-testid="terminal-screen"
                data-pty=term.id()
                data-link=state
                class="min-h-0 flex-1 overflow-hidden p-1"
            />
        </div>
    }
}
