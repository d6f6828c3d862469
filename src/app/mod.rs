//! The Leptos UI, rendered on the server and hydrated in the browser.

mod call;
mod chat;
mod chat_list;
mod chunk_prefetch;
mod confirm;
mod diff;
mod erase;
mod error_list;
mod events;
pub mod format;
mod home;
#[cfg(feature = "hydrate")]
pub mod hydrating;
#[cfg(feature = "hydrate")]
mod idle;
mod later;
mod lazy;
pub mod login;
mod new_chat;
mod reload;
mod remotes;
mod repos;
mod resource;
mod resources;
mod routes;
mod search;
mod shell;
mod sidebar;
mod start_script;
mod storage;
pub(crate) mod timestamp;
mod toggle;
mod top_bar;
mod trust;
mod web;

pub use events::{
    LiveEvents, UseLiveEventsOptions, use_any_chat_events, use_chat_events, use_live_events,
    use_live_events_with_options,
};
pub use routes::load_page_chunk;
pub use shell::{App, shell};
pub use start_script::Bundle;
