//! opencode's memory stays bounded whatever the number of chats: idle
//! chats' instances are disposed (and come back when needed), and the
//! budget (`--opencode-memory-mb`) restarts opencode only when nothing is
//! busy.

mod common;

#[path = "memory/budget.rs"]
mod budget;
#[path = "memory/idle.rs"]
mod idle;
#[path = "memory/idle_kept.rs"]
mod idle_kept;
#[path = "memory/opencode_tree.rs"]
mod opencode_tree;
