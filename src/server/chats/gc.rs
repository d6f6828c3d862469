//! Garbage collection of chat worktrees: those whose session is gone, and
//! those idle for longer than the configured age. Worktrees with
//! uncommitted changes are never removed, only reported.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use super::delete::delete_local_chat;
use super::{ChatError, list_chats};
use crate::model::chats::ChatSummary;
use crate::model::disk::{GcEntry, GcReport};
use crate::server::git::{RepoStore, WorktreeName};
use crate::server::opencode_client::OpencodeClient;
use crate::server::state::AppState;

/// Removes (or with `dry_run`, lists) the chats whose session is gone or
/// that sat idle for `max_age`, and lets go of what was removed. opencode
/// must answer: a failed session lookup fails the collection rather than
/// making every worktree look orphaned.
pub async fn collect_garbage(
    state: &AppState,
    max_age: Duration,
    dry_run: bool,
) -> Result<GcReport, ChatError> {
    let client = OpencodeClient::from_state(state).await?;
    let report = collect(&state.git, &client, max_age, dry_run).await;
    super::forget_removed_chats(state).await;
    report
}

async fn collect(
    store: &RepoStore,
    client: &OpencodeClient,
    max_age: Duration,
    dry_run: bool,
) -> Result<GcReport, ChatError> {
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as u64);
    let mut report = GcReport {
        dry_run,
        ..GcReport::default()
    };
    for chat in list_chats(store, client).await? {
        let Ok(name) = name_of(&chat) else {
            continue;
        };
        if store.is_starting(&name) {
            continue;
        }
        let Some(reason) = reason(&chat, now, max_age) else {
            continue;
        };
        let entry = GcEntry {
            repo: chat.worktree.repo.clone(),
            chat_id: chat.worktree.chat_id.clone(),
            path: chat.worktree.path.clone(),
            reason,
        };
        if chat.worktree.dirty {
            report.kept.push(entry);
            continue;
        }
        if !dry_run {
            delete_local_chat(store, client, &name, false, false).await?;
        }
        report.removed.push(entry);
    }
    Ok(report)
}

fn name_of(chat: &ChatSummary) -> Result<WorktreeName, crate::server::git::GitError> {
    let repo = crate::server::git::RepoName::parse(&chat.worktree.repo)?;
    let id = crate::server::git::ChatId::parse(&chat.worktree.chat_id)?;
    Ok(WorktreeName::new(repo, id))
}

/// Why a chat is garbage, if it is.
fn reason(chat: &ChatSummary, now_ms: u64, max_age: Duration) -> Option<String> {
    if chat.session_id.is_none() {
        return Some("its opencode session no longer exists".into());
    }
    let idle_ms = now_ms.saturating_sub(chat.updated.max(chat.worktree.created * 1000));
    (u128::from(idle_ms) >= max_age.as_millis()).then(|| {
        format!(
            "idle for {} s (limit {} s)",
            idle_ms / 1000,
            max_age.as_secs()
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::chats::WorktreeInfo;

    fn chat(session: bool, updated_ms: u64) -> ChatSummary {
        ChatSummary {
            worktree: WorktreeInfo {
                repo: "local/r".into(),
                chat_id: "abcdef".into(),
                path: "/data/worktrees/local__r__abcdef".into(),
                branch: Some("pocketcode/abcdef".into()),
                dirty: false,
                trusted: false,
                created: 1_000,
            },
            session_id: session.then(|| "ses_x".into()),
            title: String::new(),
            updated: updated_ms,
        }
    }

    #[test]
    fn sessionless_and_idle_chats_are_garbage_recent_ones_are_not() {
        let hour = Duration::from_secs(3600);
        let now = 10_000_000;
        assert!(reason(&chat(false, now), now, hour).is_some());
        assert!(reason(&chat(true, now - 1_000), now, hour).is_none());
        let idle = reason(&chat(true, now - 3_600_000), now, hour).expect("idle");
        assert!(idle.contains("idle for 3600 s"), "{idle}");
        assert!(reason(&chat(true, now), now, Duration::ZERO).is_some());
    }
}
