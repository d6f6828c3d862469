//! What the budget needs of opencode's instances (one per chat directory
//! in use): how many are alive, whether chats are busy, and disposing the
//! idle ones.

use std::path::PathBuf;

use futures::future::BoxFuture;

pub trait InstancePool: Send + Sync {
    /// Disposes every alive instance no busy chat needs; the directories
    /// disposed, in the order they were.
    fn dispose_idle(&self) -> BoxFuture<'_, Vec<PathBuf>>;
    /// How many instances are alive.
    fn alive(&self) -> u32;
    /// How many chats are working, or waiting for a permission or an answer.
    fn busy(&self) -> u32;
}
