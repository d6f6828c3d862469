//! The script that starts the app in a server-rendered page: it fetches the
//! JS and the WASM bundle only once the page has painted, then hydrates.
//!
//! Leptos' `HydrationScripts` preloads both from the `<head>`, so the
//! ~600 KB bundle is on its way before the page's own text is. On a phone's
//! network the two share the bandwidth, and the transcript paints later for
//! it; Lighthouse's simulation counts the whole bundle's download before
//! the largest paint whenever it ended first (a chat page's LCP swung
//! between 1.3 and 4.9 s with that race). Hydration cannot start before
//! the page is parsed anyway: pages are streamed in order.
//!
//! Once hydrated and idle, it fetches the lazy chunks' bytes ahead
//! (`app::chunk_prefetch`), compiling none of them.

use leptos::hydration::{HydrationScripts, HydrationScriptsProps};
use leptos::prelude::*;

use super::chunk_prefetch::prefetch_chunks;

/// The app's JS and WASM files as this build names them (with their
/// content hashes in a release build): `server::pwa::SiteAssets`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Bundle {
    /// e.g. `/pkg/pocketcode.<hash>.js`.
    pub js: String,
    /// e.g. `/pkg/pocketcode.<hash>.wasm`.
    pub wasm: String,
    /// The lazy chunks' files, fetched ahead once the page is idle
    /// (`server::pwa::chunk_urls`; none in a build without them).
    pub chunks: Vec<String>,
}

/// `<script type="module">` that imports `bundle` after the first paint
/// and hydrates the page.
#[component]
pub fn StartScript(options: LeptosOptions, bundle: Bundle) -> impl IntoView {
    // Leptos' own component provides the split manifest from which the
    // server adds a lazy page's chunk preloads; its tags are not used.
    let _ = HydrationScripts(HydrationScriptsProps::builder().options(options).build());
    let nonce = use_nonce();
    view! { <script type="module" nonce=nonce>{script(&bundle)}</script> }
}

/// The script's text. A module script runs once the document is parsed;
/// `requestAnimationFrame` then `setTimeout` wait for the frame that
/// paints it. A hidden tab paints nothing, so it starts at once. After
/// hydration it fetches the chunks' bytes once idle.
///
/// Performance marks time the phases for `make bench-phone`:
/// `pocketcode:start` (the bundle is asked for), `pocketcode:compiled` (the
/// WASM is instantiated) and `pocketcode:hydrated` (the task that hydrates
/// the page, and the effects it queued, has ended).
fn script(bundle: &Bundle) -> String {
    let Bundle { js, wasm, chunks } = bundle;
    let prefetch = prefetch_chunks(chunks);
    format!(
        "const mark = (name) => performance.mark(`pocketcode:${{name}}`);\
         const start = () => {{ mark('start'); \
         import({js:?}).then((app) => app.default({{ module_or_path: {wasm:?} }}).then(() => {{ \
         mark('compiled'); app.hydrate(); setTimeout(() => {{ mark('hydrated'); {prefetch} }}, 0); }})); }};\
         if (document.visibilityState === 'visible') \
         requestAnimationFrame(() => setTimeout(start, 0)); else start();"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_script_imports_this_builds_files_after_a_frame() {
        let text = script(&Bundle {
            js: "/pkg/pocketcode.abc.js".into(),
            wasm: "/pkg/pocketcode.def.wasm".into(),
            chunks: vec!["/pkg/split_files.h1.wasm".into()],
        });
        assert!(
            text.contains(r#"import("/pkg/pocketcode.abc.js")"#),
            "{text}"
        );
        assert!(
            text.contains(r#"module_or_path: "/pkg/pocketcode.def.wasm""#),
            "{text}"
        );
        assert!(
            text.contains("requestAnimationFrame(() => setTimeout(start, 0))"),
            "{text}"
        );
        assert!(text.contains("app.hydrate()"), "{text}");
        // The chunks' bytes, once hydrated.
        let hydrated = text.find("mark('hydrated')").expect("the hydrated mark");
        let prefetch = text
            .find(r#"["/pkg/split_files.h1.wasm"]"#)
            .expect("the chunks");
        assert!(hydrated < prefetch, "{text}");
        for mark in ["start", "compiled", "hydrated"] {
            assert!(text.contains(&format!("mark('{mark}')")), "{text}");
        }
    }
}
