//! pocketcode: a self-hosted coding agent on the web, built on opencode.
//!
//! The crate is built twice: as the server (`ssr`) and as the WASM bundle
//! that hydrates the server-rendered pages (`hydrate`). Everything that only
//! runs on the server lives behind the single `ssr` gate on [`server`].

// Leptos views nest deeply typed; the chat page needs more than 128.
#![recursion_limit = "256"]

pub mod api;
pub mod app;
pub mod opencode;
pub mod repos;
#[cfg(feature = "ssr")]
pub mod server;
pub mod system;

/// The version shown in the UI and reported by `/admin/health`.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");

#[cfg(feature = "hydrate")]
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    leptos::mount::hydrate_body(app::App);
}
