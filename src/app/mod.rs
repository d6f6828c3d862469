//! The Leptos UI, rendered on the server and hydrated in the browser.

mod chat;
mod error_list;
mod events;
mod home;
pub mod login;
mod shell;
mod timestamp;
mod top_bar;

pub use events::use_opencode_events;
pub use shell::{App, shell};
