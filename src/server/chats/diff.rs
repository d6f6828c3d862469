//! What a local chat changed against the commit it started from: file by
//! file, or as a unified diff (uncommitted and untracked included).

use super::ChatError;
use super::chat_ref::no_chat;
use crate::model::chats::DiffStat;
use crate::server::git::{RepoStore, WorktreeName};

pub async fn diff_stat(store: &RepoStore, name: &WorktreeName) -> Result<DiffStat, ChatError> {
    store.diff_stat(name).await?.ok_or_else(|| no_chat(name))
}

/// The unified diff, cut after `max_bytes` (with a line saying so) when
/// given.
pub async fn diff_patch(
    store: &RepoStore,
    name: &WorktreeName,
    max_bytes: Option<usize>,
) -> Result<String, ChatError> {
    let patch = store.diff_patch(name).await?.ok_or_else(|| no_chat(name))?;
    match max_bytes {
        Some(max) if patch.len() > max => {
            let mut end = max;
            while !patch.is_char_boundary(end) {
                end -= 1;
            }
            Ok(format!(
                "{}\n… (diff cut at {max} bytes of {})",
                &patch[..end],
                patch.len()
            ))
        }
        _ => Ok(patch),
    }
}
