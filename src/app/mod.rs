//! The Leptos UI, rendered on the server and hydrated in the browser.

mod chat;
mod error_list;
mod events;
mod home;
pub mod login;
mod shell;
mod timestamp;
mod top_bar;

pub use events::{
    LiveEvents, UseLiveEventsOptions, use_chat_events, use_live_events,
    use_live_events_with_options,
};
pub use shell::{App, shell};
