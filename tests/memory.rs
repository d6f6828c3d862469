//! opencode's memory stays bounded whatever the number of chats: idle
//! chats' instances are disposed (and come back when needed), and the
//! budget (`--opencode-memory-mb`) restarts opencode only when nothing is
//! busy.

mod common;

/// Each test here runs its own opencode with many chats and times their
/// idleness in seconds: run side by side on a 2-core machine, one's load
/// delays another's requests past those seconds. One at a time.
pub static ONE_AT_A_TIME: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

#[path = "memory/budget.rs"]
mod budget;
#[path = "memory/idle.rs"]
mod idle;
#[path = "memory/idle_kept.rs"]
mod idle_kept;
#[path = "memory/lazy_tools.rs"]
mod lazy_tools;
#[path = "memory/models_catalog.rs"]
mod models_catalog;
#[path = "memory/opencode_tree.rs"]
mod opencode_tree;
