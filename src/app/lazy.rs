//! Sheets and parts of a page shipped as their own WASM chunk, compiled the
//! first time they show (their bytes fetched ahead once the page is idle:
//! `app::chunk_prefetch`), so the chat page's first load carries only what
//! reading a chat and typing into its composer need.
//!
//! A piece is a function marked `#[wasm_split(<chunk>, …, fallible)]`
//! returning `Result<AnyView, ChunkError>`; `cargo leptos build --split`
//! moves it and everything only it reaches into `<chunk>`'s `.wasm` (the
//! server build calls it directly). [`LazySheet`] shows a "Loading…" sheet
//! while the chunk arrives and an error sheet, with Close, when it cannot;
//! [`LazyPart`] does the same inline, for a part shown only on an action
//! (never one the server renders: hydration needs its code at once; a part
//! the server renders whose code can wait is a `crate::app::later` part).

use crate::app::erase::Erase;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use leptos::prelude::*;
use leptos::wasm_split::SplitLoaderError;

/// A sheet's chunk did not arrive (offline, or the server was updated since
/// the page loaded).
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("Could not load this sheet: check the connection, then close it and open it again.")]
pub struct ChunkError;

impl From<SplitLoaderError> for ChunkError {
    fn from(_: SplitLoaderError) -> Self {
        Self
    }
}

/// What a lazy sheet's loader returns.
pub type Loaded = Result<AnyView, ChunkError>;

const FRAME: &str = "fixed inset-0 z-30 flex flex-col bg-black text-sm text-neutral-300";

/// The sheet `load` returns, once its chunk has arrived.
#[component]
pub fn LazySheet<L, F>(
    /// The sheet's name, as its own region is labelled.
    label: &'static str,
    load: L,
    on_close: Callback<()>,
) -> impl IntoView
where
    L: FnOnce() -> F + Send + Sync + 'static,
    F: Future<Output = Loaded> + Send + 'static,
{
    sheet(label, boxed(load), on_close)
}

/// [`LazySheet`]'s view, once for every loader type.
fn sheet(label: &'static str, load: Loader, on_close: Callback<()>) -> AnyView {
    let loading = move || {
        view! {
            <section aria-label=label aria-busy="true" class=FRAME>
                <p role="status" class="p-3 text-neutral-400">"Loading…"</p>
            </section>
        }
    };
    lazy_view(
        load,
        ViewFnOnce::from(loading),
        Arc::new(move |e| failed(label, e, on_close)),
    )
}

/// What a part from its own chunk says when the chunk cannot come.
pub const PART_FAILED: &str =
    "Could not load this part of the page: check the connection, then try again.";

/// A part of a page that `load` returns, once its chunk has arrived:
/// "Loading…" until then, and [`PART_FAILED`] when it cannot come (the next
/// time the part shows, its chunk is fetched again).
#[component]
pub fn LazyPart<L, F>(
    /// What the part is, as its loading line is labelled.
    label: &'static str,
    load: L,
) -> impl IntoView
where
    L: FnOnce() -> F + Send + Sync + 'static,
    F: Future<Output = Loaded> + Send + 'static,
{
    part(label, boxed(load))
}

/// [`LazyPart`]'s view, once for every loader type.
fn part(label: &'static str, load: Loader) -> AnyView {
    let loading = move || {
        view! {
            <p role="status" aria-label=label aria-busy="true" class="py-1 text-sm text-neutral-400">
                "Loading…"
            </p>
        }
    };
    let failed = |_: ChunkError| {
        view! { <p role="alert" class="py-1 text-sm text-red-400">{PART_FAILED}</p> }.erase()
    };
    lazy_view(load, ViewFnOnce::from(loading), Arc::new(failed))
}

/// A piece's loader, boxed: [`lazy_view`] is one function for every piece,
/// not one copy of its Suspense and future per loader type (measured:
/// 345 instances, 46 KiB of the chat page's WASM before wasm-opt).
pub(crate) type Loader =
    Box<dyn FnOnce() -> Pin<Box<dyn Future<Output = Loaded> + Send>> + Send + Sync>;

/// `load` boxed as a [`Loader`].
pub(crate) fn boxed<L, F>(load: L) -> Loader
where
    L: FnOnce() -> F + Send + Sync + 'static,
    F: Future<Output = Loaded> + Send + 'static,
{
    Box::new(move || Box::pin(load()))
}

/// `load`'s view once it came, `loading` until then, `failed` if it cannot.
fn lazy_view(
    load: Loader,
    loading: ViewFnOnce,
    failed: Arc<dyn Fn(ChunkError) -> AnyView + Send + Sync>,
) -> AnyView {
    let load = StoredValue::new(Some(load));
    view! {
        <Suspense fallback=loading>
            {move || {
                let load = load.try_update_value(Option::take).flatten();
                let failed = failed.clone();
                Suspend::new(async move {
                    let loaded = match load {
                        Some(load) => load().await,
                        None => Err(ChunkError),
                    };
                    loaded.unwrap_or_else(|e| failed(e))
                })
            }}
        </Suspense>
    }
    .erase()
}

/// The error sheet: what went wrong, and Close.
fn failed(label: &'static str, error: ChunkError, on_close: Callback<()>) -> AnyView {
    view! {
        <section aria-label=label class=FRAME>
            <div class="flex items-center border-b border-neutral-900 pl-3">
                <h2 class="flex-1 text-neutral-100">{label}</h2>
                <button
                    type="button"
                    class="min-h-11 min-w-11 text-lg text-neutral-200"
                    aria-label="Close"
                    on:click=move |_| on_close.run(())
                >
                    "✕"
                </button>
            </div>
            <p role="alert" class="p-3 text-red-400">{error.to_string()}</p>
        </section>
    }
    .erase()
}
