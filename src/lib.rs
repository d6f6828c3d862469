//! pocketcode: a self-hosted coding agent on the web, built on opencode.
//!
//! The crate is built twice: as the server (`ssr`) and as the WASM bundle
//! that hydrates the server-rendered pages (`hydrate`). Everything that only
//! runs on the server lives behind the single `ssr` gate on [`server`].

// Leptos views nest deeply typed; the chat page needs more than 128.
#![recursion_limit = "256"]

pub mod api;
pub mod app;
pub mod model;
pub mod opencode;
#[cfg(feature = "ssr")]
pub mod server;

/// The version shown in the UI, reported by `/admin/health` and printed by
/// `pocketcode --version`: `git describe --always --dirty` at build time and
/// the build time in UTC, e.g. `a6c41b9-dirty 2025-11-22T16:31:05Z` (see
/// `build.rs` for builds without git). Server side only: the WASM bundle
/// holds a placeholder and shows what the server reports.
pub const VERSION: &str = concat!(
    env!("POCKETCODE_GIT_DESCRIBE"),
    " ",
    env!("POCKETCODE_BUILT_AT")
);

/// The first half of [`VERSION`]: which source it was built from.
pub const GIT_DESCRIBE: &str = env!("POCKETCODE_GIT_DESCRIBE");

/// The second half of [`VERSION`]: when it was built (`YYYY-MM-DDTHH:MM:SSZ`).
pub const BUILT_AT: &str = env!("POCKETCODE_BUILT_AT");

#[cfg(feature = "hydrate")]
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    // The chunk of the page at this URL first (a page other than a chat
    // has its own), then hydration in one synchronous pass, as without
    // chunks: nothing of the app runs until the whole page is hydrated
    // (why: `app::routes`).
    wasm_bindgen_futures::spawn_local(async {
        let path = leptos::prelude::location().pathname().unwrap_or_default();
        match app::load_page_chunk(&path).await {
            Ok(()) => app::hydrating::during(|| leptos::mount::hydrate_body(app::App)),
            // The page stays as the server sent it: it reads, and its links
            // load pages afresh.
            Err(error) => leptos::logging::error!("{path}: {error}"),
        }
    });
}
