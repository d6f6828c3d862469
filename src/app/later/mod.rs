//! Parts of a page the server renders in full whose code the phone fetches
//! only once the page has hydrated: not needed to read a chat or type into
//! its composer, so the chat page's first load leaves it out.
//!
//! A piece is a function marked `#[wasm_split(later, …, fallible)]`
//! returning [`Loaded`], as for [`crate::app::lazy`]; unlike a lazy part, a
//! [`LaterPart`] is in the server's HTML, so it reads at once (and with
//! JavaScript off). The server renders it inside a `display: contents`
//! wrapper marked `data-later="pending"`. The phone hydrates the wrapper
//! alone and leaves the server's HTML in it as it is (no code of the part
//! runs: tachys does not write an `inner_html` it hydrates); once the page
//! has hydrated and is first idle ([`crate::app::idle`]) it fetches the
//! chunk, makes and builds the part (each part in tasks of its own) under the wrapper's
//! owner and puts it in place of that HTML, and marks the wrapper
//! `data-later="ready"`. Until then the part reads but does not answer a
//! tap (its links still load their pages afresh). When the chunk cannot
//! come, the server's HTML stays and the wrapper says `"failed"`; a tap on
//! the part, or the browser coming back online, asks for it again (the tap
//! itself does nothing more: the part answers the next one).
//!
//! The server numbers what it serializes for hydration (resources' values,
//! suspense boundaries) in the order the page's components create them; the
//! hydrating phone, which skips the part, must take as many numbers there,
//! or every later resource would read another's value. The server counts
//! the numbers the part took (`data-later-ids`) and the phone skips them.
//! So a later part's components may create resources and boundaries in
//! their bodies, but nothing that only its rendering creates (a `Suspense`
//! inside a `Suspend`), which the count would miss. Its resources start
//! from the server's values ([`seeds`]), unless the part says they may be
//! out of date (`outdated`): then they load again once built.

pub mod seeds;

use crate::app::lazy::Loaded;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll, Waker};

use leptos::prelude::*;

/// The wrapper's class: it adds no box of its own, so the part lays out as
/// if it were its parent's child.
const WRAPPER: &str = "contents";

/// The part `load` returns: the server renders it at once; the phone keeps
/// the server's HTML until the part's chunk has come (see the module).
#[component]
pub fn LaterPart<L, F>(
    /// What the part is (the wrapper's `data-part`).
    label: &'static str,
    load: L,
    /// Whether what the server rendered may be out of date by the time the
    /// part is built (its chat's events came in since): then its resources
    /// load again rather than start from the server's values.
    #[prop(optional, into)]
    outdated: Option<Signal<bool>>,
) -> impl IntoView
where
    L: Fn() -> F + Send + Sync + 'static,
    F: Future<Output = Loaded> + Send + 'static,
{
    later(label, Arc::new(move || Box::pin(load())), outdated)
}

/// A part's loader, once for every loader type; called again after a
/// chunk that could not come (see [`later`]).
type Loader = Arc<dyn Fn() -> Pin<Box<dyn Future<Output = Loaded> + Send>> + Send + Sync>;

/// `loading`'s outcome if it is there at the first poll (a split function's
/// chunk already loaded, or on the server, where it is a plain call).
fn ready_now<T>(loading: Pin<&mut (dyn Future<Output = T> + Send)>) -> Option<T> {
    match loading.poll(&mut Context::from_waker(Waker::noop())) {
        Poll::Ready(outcome) => Some(outcome),
        Poll::Pending => None,
    }
}

/// The server's side: the part itself, whose chunk is never awaited here
/// (on the server a split function is a plain call, ready at once).
#[cfg(not(feature = "hydrate"))]
fn later(label: &'static str, load: Loader, outdated: Option<Signal<bool>>) -> AnyView {
    use crate::app::erase::Erase;

    let _ = outdated;
    let context = Owner::current_shared_context();
    let first = context.as_ref().map(|c| c.next_id().into_inner());
    let (part, seeds) = seeds::record(|| ready_now(load().as_mut()).and_then(Result::ok));
    let last = context.as_ref().map(|c| c.next_id().into_inner());
    let ids = match (first, last) {
        (Some(first), Some(last)) if last > first => last - first + 1,
        _ => 0,
    };
    view! {
        <div
            class=WRAPPER
            data-part=label
            data-later="pending"
            data-later-ids=ids
            data-later-seeds=(!seeds.is_empty()).then_some(seeds)
        >
            {part}
        </div>
    }
    .erase()
}

/// The phone's side: while hydrating, the wrapper, filled once the page is
/// idle and the chunk has come; built later (a page moved to in the same
/// document), the part at once when the chunk is already there. A chunk
/// that could not come is asked for again by a tap on the part or when the
/// browser is back online.
#[cfg(feature = "hydrate")]
fn later(label: &'static str, load: Loader, outdated: Option<Signal<bool>>) -> AnyView {
    use crate::app::erase::Erase;

    let mut seeds = seeds::Seeds::none();
    if crate::app::hydrating::now() {
        seeds = skip_ids(label);
    } else if let Some(Ok(part)) = ready_now(load().as_mut()) {
        return view! { <div class=WRAPPER data-part=label data-later="ready">{part}</div> }
            .erase();
    }
    let wrapper = NodeRef::<leptos::html::Div>::new();
    let fill = Fill {
        label,
        load,
        // The part's own owner: its contexts are the page's, and it goes
        // with the page.
        owner: Owner::new(),
        built: StoredValue::new_local(None),
        seeds,
        outdated,
    };
    let again = {
        let fill = fill.clone();
        move || {
            if let Some(wrapper) = wrapper.get_untracked()
                && wrapper.get_attribute("data-later").as_deref() == Some("failed")
            {
                let _ = wrapper.set_attribute("data-later", "pending");
                fill.clone().start(wrapper, false);
            }
        }
    };
    let online = window_event_listener(leptos::ev::online, {
        let again = again.clone();
        move |_| again()
    });
    on_cleanup(move || online.remove());
    wrapper.on_load(move |wrapper| fill.start(wrapper, true));
    view! {
        <div
            class=WRAPPER
            data-part=label
            data-later="pending"
            node_ref=wrapper
            inner_html=String::new()
            on:click=move |_| again()
        ></div>
    }
    .erase()
}

/// What fills a later part's wrapper on the phone.
#[cfg(feature = "hydrate")]
#[derive(Clone)]
struct Fill {
    label: &'static str,
    load: Loader,
    owner: Owner,
    built: StoredValue<Option<leptos::tachys::view::any_view::AnyViewState>, LocalStorage>,
    /// The server's values for the part's resources (the first build only).
    seeds: seeds::Seeds,
    outdated: Option<Signal<bool>>,
}

#[cfg(feature = "hydrate")]
impl Fill {
    /// Fetches the chunk (the first time not before the page is idle: a
    /// key typed then is not held behind it), then builds the part in a
    /// task of its own in place of what the wrapper holds; marks the
    /// wrapper `failed` when the chunk cannot come.
    fn start(self, wrapper: web_sys::HtmlDivElement, first: bool) {
        use leptos::tachys::view::{Mountable, Render};

        let Self {
            label,
            load,
            owner,
            built,
            seeds,
            outdated,
        } = self;
        owner.with(|| {
            leptos::task::spawn_local_scoped(async move {
                if first {
                    crate::app::idle::idle().await;
                }
                // The chunk first, then a task of this part's own: once the
                // chunk came, every part would otherwise run its components
                // in the one task that heard it.
                let loaded = match chunk_later().await {
                    Ok(()) => {
                        crate::app::idle::next_task().await;
                        // The part's components run (and make its resources)
                        // when the loaded function is called: its resources
                        // take the seeds then, and none is left for what it
                        // makes later.
                        if !outdated.is_some_and(|o| o.get_untracked()) {
                            provide_context(seeds.clone());
                        }
                        load().await
                    }
                    Err(error) => Err(error),
                };
                seeds.clear();
                crate::app::idle::next_task().await;
                match loaded {
                    Ok(part) => {
                        let mut state = part.build();
                        wrapper.set_inner_html("");
                        state.mount(&wrapper, None);
                        built.set_value(Some(state));
                        let _ = wrapper.set_attribute("data-later", "ready");
                    }
                    Err(error) => {
                        leptos::logging::error!("{label}: {error}");
                        let _ = wrapper.set_attribute("data-later", "failed");
                    }
                }
            })
        });
    }
}

/// The first element matching `selector` in the server's HTML of a part not
/// built yet. A part being built (its components run before it replaces
/// that HTML) takes from it what the reader already sees there: where a
/// scroll box was left, markdown the server rendered.
#[cfg(feature = "hydrate")]
pub fn servers_element(selector: &str) -> Option<web_sys::Element> {
    let selector = format!(r#"[data-later="pending"] {selector}"#);
    leptos::prelude::document()
        .query_selector(&selector)
        .ok()
        .flatten()
}

/// The chunk `later` itself, which every later part's code is in: called,
/// it fetches the chunk and runs nothing.
#[cfg(feature = "hydrate")]
#[leptos::wasm_split::wasm_split(later, wasm_split_path = ::leptos::wasm_split, fallible)]
fn chunk_later() -> Result<(), crate::app::lazy::ChunkError> {
    Ok(())
}

/// Takes, while hydrating, as many ids of serialized data as the server gave
/// out for the part `label` (its `data-later-ids`, see the module), so that
/// the resources and suspense boundaries after it get the server's ids;
/// returns the ids of the part's own resources' values (its seeds).
#[cfg(feature = "hydrate")]
fn skip_ids(label: &str) -> seeds::Seeds {
    let Some(context) = Owner::current_shared_context() else {
        return seeds::Seeds::none();
    };
    let wrapper = leptos::prelude::document()
        .query_selector(&format!(r#"[data-part="{label}"][data-later="pending"]"#))
        .ok()
        .flatten();
    let attribute = |name: &str| wrapper.as_ref().and_then(|w| w.get_attribute(name));
    let ids = attribute("data-later-ids")
        .and_then(|ids| ids.parse::<usize>().ok())
        .unwrap_or(0);
    for _ in 0..ids {
        context.next_id();
    }
    attribute(seeds::ATTRIBUTE).map_or_else(seeds::Seeds::none, |ids| seeds::Seeds::parse(&ids))
}
