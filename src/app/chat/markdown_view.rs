//! The agent's markdown in the transcript. The server renders it into the
//! page, and a hydrating phone keeps that HTML as it is. The phone renders
//! only text that comes or changes after the page loaded, with
//! [`super::markdown::to_html`] from a WASM chunk of its own (`markdown`):
//! pulldown-cmark with its entity table and the highlighter were a tenth of
//! the chat page's main bundle (issue 23). The chunk's bytes come ahead once
//! the page is idle (`app::chunk_prefetch`); it is compiled once a reply is
//! on its way (the chat went busy: [`prepare`]) or a text needs it. Until
//! then, and while it cannot come, such text shows as written
//! (pre-wrapped), and turns into markdown once the chunk is there.
//!
//! The transcript is a later part (see `app::later`): the phone builds it
//! in place of the server's once the page has hydrated. Each markdown box
//! says which text it shows (`data-md`, a hash of it), and a box built then
//! takes the server's HTML for the same text from the page, so neither the
//! chunk nor a flash of text as written comes with every load.

use leptos::prelude::*;

#[cfg(not(feature = "hydrate"))]
use crate::app::erase::Erase;

const CLASS: &str = "markdown break-words";

/// `text` (the agent's markdown) as HTML.
#[component]
pub fn Markdown(text: String) -> impl IntoView {
    #[cfg(not(feature = "hydrate"))]
    let view = view! {
        <div class=CLASS data-md=text_hash(&text) inner_html=super::markdown::to_html(&text)></div>
    }
    .erase();
    #[cfg(feature = "hydrate")]
    let view = phone::markdown(text);
    view
}

/// What names a text in its box's `data-md`: FNV-1a, 64 bits, in hex.
fn text_hash(text: &str) -> String {
    let hash = text.bytes().fold(0xcbf2_9ce4_8422_2325_u64, |hash, byte| {
        (hash ^ u64::from(byte)).wrapping_mul(0x0000_0100_0000_01b3)
    });
    format!("{hash:016x}")
}

/// Gets the chunk ready, when a reply is on its way: its text then shows
/// as markdown from its first words. (Nothing to do on the server.)
pub fn prepare() {
    #[cfg(feature = "hydrate")]
    phone::ask_once();
}

#[cfg(feature = "hydrate")]
mod phone {
    use std::cell::Cell;

    use leptos::prelude::*;

    use super::{CLASS, text_hash};
    use crate::app::erase::Erase;
    use crate::app::hydrating;
    use crate::app::lazy::ChunkError;

    type Render = fn(&str) -> String;

    thread_local! {
        /// The chunk's renderer, once it came: every text shown as written
        /// re-renders then.
        static RENDER: ArcRwSignal<Option<Render>> = ArcRwSignal::new(None);
        /// Whether the chunk was asked for (again once it failed to come).
        static ASKED: Cell<bool> = const { Cell::new(false) };
    }

    #[leptos::wasm_split::wasm_split(markdown, wasm_split_path = ::leptos::wasm_split, fallible)]
    fn renderer() -> Result<Render, ChunkError> {
        Ok(crate::app::chat::markdown::to_html)
    }

    pub(super) fn markdown(text: String) -> AnyView {
        let hash = text_hash(&text);
        if hydrating::now() {
            // Server-rendered: tachys leaves a hydrated `inner_html` as the
            // server wrote it, so this value is never shown.
            return view! { <div class=CLASS data-md=hash inner_html=String::new()></div> }.erase();
        }
        if let Some(html) = servers_html(&hash) {
            return view! { <div class=CLASS data-md=hash inner_html=html></div> }.erase();
        }
        let render = RENDER.with(Clone::clone);
        if let Some(render) = render.get_untracked() {
            return view! { <div class=CLASS data-md=hash inner_html=render(&text)></div> }.erase();
        }
        ask_once();
        let html = move || match render.get() {
            Some(render) => render(&text),
            None => as_written(&text),
        };
        view! { <div class=CLASS data-md=hash inner_html=html></div> }.erase()
    }

    /// The HTML the server rendered for the text `hash` names, while the
    /// part it is in waits to be built in its place (see the module).
    fn servers_html(hash: &str) -> Option<String> {
        let old = crate::app::later::servers_element(&format!(r#"[data-md="{hash}"]"#))?;
        Some(old.inner_html())
    }

    /// Fetches and compiles the chunk once; if it cannot come, the next
    /// text asks again.
    pub(super) fn ask_once() {
        if ASKED.replace(true) {
            return;
        }
        leptos::task::spawn_local(async {
            match renderer().await {
                Ok(render) => RENDER.with(|signal| signal.set(Some(render))),
                Err(_) => ASKED.set(false),
            }
        });
    }

    /// `text` escaped, its line breaks kept.
    fn as_written(text: &str) -> String {
        let mut out = String::with_capacity(text.len() + 48);
        out.push_str(r#"<p class="whitespace-pre-wrap">"#);
        crate::app::chat::highlight::escape_into(&mut out, text);
        out.push_str("</p>");
        out
    }
}
