//! opencode's memory: the budget (`--opencode-memory-mb`) that disposes
//! idle chats' instances and restarts opencode only when nothing is busy.

mod common;

#[path = "memory/budget.rs"]
mod budget;
