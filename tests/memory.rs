//! Memory stays bounded whatever the number of chats: idle chats' opencode
//! instances are disposed (and come back when needed).

mod common;

#[path = "memory/idle.rs"]
mod idle;
#[path = "memory/idle_kept.rs"]
mod idle_kept;
#[path = "memory/opencode_tree.rs"]
mod opencode_tree;
