//! Every chat the tab knows of, for the sidebar, the home page and the
//! resources page: the chats on disk (worktree, branch, session) joined
//! with the server's live summaries (status, title, unread).
//!
//! Both are loaded on the server for the first paint. The live summaries
//! are refetched (debounced) when any chat's status may have changed; the
//! chat list when a chat is created or deleted here, and on resyncs.

use std::collections::HashMap;
use std::time::Duration;

use leptos::prelude::*;

use crate::api::live::{ChatStatus, ChatSummary as LiveSummary};
use crate::api::{AppError, chat_summaries, list_chats};
use crate::app::use_any_chat_events;
use crate::opencode::Event;
use crate::repos::ChatSummary;

/// How long the summaries wait for more events before refetching.
const SUMMARY_DEBOUNCE: Duration = Duration::from_millis(300);

/// One chat as the sidebar lists it.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct ChatEntry {
    pub repo: String,
    pub chat_id: String,
    pub session_id: Option<String>,
    pub title: String,
    pub branch: Option<String>,
    pub status: ChatStatus,
    pub unread: bool,
    /// Milliseconds since the Unix epoch.
    pub updated: u64,
}

impl ChatEntry {
    pub fn href(&self) -> String {
        chat_href(&self.repo, &self.chat_id)
    }
}

/// The chat page of chat `chat_id` of `repo` (`owner/name`).
pub fn chat_href(repo: &str, chat_id: &str) -> String {
    format!("/chat/{repo}/{chat_id}")
}

/// The chats and their live state, provided by the app as context.
#[derive(Clone, Copy)]
pub struct ChatDirectory {
    pub chats: Resource<Result<Vec<ChatSummary>, AppError>>,
    pub live: Resource<Result<Vec<LiveSummary>, AppError>>,
    chats_version: RwSignal<u32>,
    live_version: RwSignal<u32>,
}

impl ChatDirectory {
    /// Loads both lists and keeps the live one current from the tab's stream.
    pub fn new() -> Self {
        let chats_version = RwSignal::new(0_u32);
        let live_version = RwSignal::new(0_u32);
        let chats = Resource::new(move || chats_version.get(), |_| list_chats());
        let live = Resource::new(move || live_version.get(), |_| chat_summaries());
        let directory = Self {
            chats,
            live,
            chats_version,
            live_version,
        };
        let pending = StoredValue::new(false);
        use_any_chat_events(
            move |event: &Event| {
                if matters(event) && !pending.get_value() {
                    pending.set_value(true);
                    set_timeout(
                        move || {
                            pending.set_value(false);
                            directory.refresh_live();
                        },
                        SUMMARY_DEBOUNCE,
                    );
                }
            },
            move || directory.refresh(),
        );
        directory
    }

    /// Refetches both lists (a chat was created or deleted).
    pub fn refresh(self) {
        self.chats_version.update(|v| *v = v.wrapping_add(1));
        self.refresh_live();
    }

    /// Refetches the live summaries (status, titles).
    pub fn refresh_live(self) {
        self.live_version.update(|v| *v = v.wrapping_add(1));
    }

    /// The chats joined with their live state, most recently active first;
    /// `None` while loading, the error when the list failed.
    pub fn entries(self) -> Option<Result<Vec<ChatEntry>, AppError>> {
        let chats = self.chats.get()?;
        let live = self.live.get().and_then(Result::ok).unwrap_or_default();
        Some(chats.map(|chats| join(chats, &live)))
    }
}

/// Events after which a chat's status or title may read differently.
fn matters(event: &Event) -> bool {
    !matches!(
        event,
        Event::PartDelta(_)
            | Event::PartUpdated(_)
            | Event::PartRemoved { .. }
            | Event::MessageUpdated(_)
            | Event::MessageRemoved { .. }
    )
}

/// Joins the chats on disk with the live summaries by session id.
pub fn join(chats: Vec<ChatSummary>, live: &[LiveSummary]) -> Vec<ChatEntry> {
    let live: HashMap<&str, &LiveSummary> =
        live.iter().map(|s| (s.session_id.as_str(), s)).collect();
    let mut entries: Vec<ChatEntry> = chats
        .into_iter()
        .map(|chat| {
            let summary = chat
                .session_id
                .as_deref()
                .and_then(|id| live.get(id).copied());
            let title = summary
                .map(|s| s.title.clone())
                .filter(|t| !t.is_empty())
                .unwrap_or(chat.title);
            ChatEntry {
                repo: chat.worktree.repo,
                chat_id: chat.worktree.chat_id,
                session_id: chat.session_id,
                title,
                branch: chat.worktree.branch,
                status: summary.map(|s| s.status).unwrap_or_default(),
                unread: summary.is_some_and(|s| s.unread),
                updated: chat.updated.max(summary.map_or(0, |s| s.last_activity_ms)),
            }
        })
        .collect();
    entries.sort_by(|a, b| b.updated.cmp(&a.updated));
    entries
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::repos::WorktreeInfo;

    fn chat(chat_id: &str, session: Option<&str>, title: &str, updated: u64) -> ChatSummary {
        ChatSummary {
            worktree: WorktreeInfo {
                repo: "local/r".into(),
                chat_id: chat_id.into(),
                path: format!("/d/worktrees/local__r__{chat_id}"),
                branch: Some(format!("pocketcode/{chat_id}")),
                dirty: false,
                created: 1,
            },
            session_id: session.map(Into::into),
            title: title.into(),
            updated,
        }
    }

    #[test]
    fn live_state_wins_and_the_most_recent_chat_comes_first() {
        let live = [LiveSummary {
            session_id: "ses_b".into(),
            directory: "/d/worktrees/local__r__bbbbbb".into(),
            title: "Renamed".into(),
            status: ChatStatus::WaitingPermission,
            last_activity_ms: 500,
            unread: true,
        }];
        let entries = join(
            vec![
                chat("aaaaaa", Some("ses_a"), "First", 300),
                chat("bbbbbb", Some("ses_b"), "Old title", 100),
                chat("cccccc", None, "", 200),
            ],
            &live,
        );
        let order: Vec<&str> = entries.iter().map(|e| e.chat_id.as_str()).collect();
        assert_eq!(order, ["bbbbbb", "aaaaaa", "cccccc"]);
        assert_eq!(entries[0].title, "Renamed");
        assert_eq!(entries[0].status, ChatStatus::WaitingPermission);
        assert!(entries[0].unread);
        assert_eq!(entries[1].status, ChatStatus::Idle);
        assert_eq!(entries[0].href(), "/chat/local/r/bbbbbb");
    }
}
