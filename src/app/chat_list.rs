//! The chat list: every chat the tab knows of, for the sidebar, the home page and the
//! resources page: the chats on disk (worktree, branch, session) joined
//! with the server's live summaries (status, title, unread).
//!
//! Both are loaded on the server for the first paint. The live summaries
//! are refetched (debounced) when any chat's status may have changed; the
//! chat list when a chat is created or deleted here, and on resyncs.

use crate::app::resource::{JsonResource, json_resource};
use std::collections::HashMap;
use std::time::Duration;

use leptos::prelude::*;

use crate::api::{AppError, chat_summaries, list_chats};
use crate::app::reload::Reload;
use crate::app::use_any_chat_events;
use crate::model::chats::ChatSummary;
use crate::model::live::{ChatActivity, ChatStatus};
use crate::opencode::Event;

/// How long the summaries wait for more events before refetching.
/// How long a failed chat list reload waits before its one retry.
const CHATS_RETRY: Duration = Duration::from_secs(2);
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

    /// Where the chat works, as a list shows it: its repo, or the
    /// connection a remote's chat runs on.
    pub fn place(&self) -> String {
        match crate::model::remotes::remote_name(&self.repo) {
            Some(remote) => format!("on {remote}"),
            None => self.repo.clone(),
        }
    }
}

/// The chat page of chat `chat_id` of `repo` (`owner/name`, or a remote's
/// `@<connection>` with the session id as `chat_id`).
pub fn chat_href(repo: &str, chat_id: &str) -> String {
    match crate::model::remotes::remote_name(repo) {
        Some(remote) => crate::model::remotes::remote_chat_href(remote, chat_id),
        None => format!("/chat/{repo}/{chat_id}"),
    }
}

/// The chats and their live state, provided by the app as context.
///
/// The two resources load once (on the server, for the first paint) and
/// never refetch, so views awaiting them are never rebuilt; later loads are
/// actions (the latest wins) that the views read reactively.
#[derive(Clone, Copy)]
pub struct ChatList {
    chats: JsonResource<Result<Vec<ChatSummary>, AppError>>,
    live: JsonResource<Result<Vec<ChatActivity>, AppError>>,
    /// The chat list as reloaded or trimmed here, once it was.
    latest_chats: RwSignal<Option<Result<Vec<ChatSummary>, AppError>>>,
    /// Chat list reloads; the input says whether a failure retries.
    chats_reload: Reload<bool, (bool, Result<Vec<ChatSummary>, AppError>)>,
    live_reload: Reload<(), Result<Vec<ChatActivity>, AppError>>,
}

impl ChatList {
    /// Loads both lists and keeps the live one current from the tab's stream.
    pub fn new() -> Self {
        let chat_list = Self {
            chats: json_resource(|| (), |_| list_chats()),
            live: json_resource(|| (), |_| chat_summaries()),
            latest_chats: RwSignal::new(None),
            chats_reload: Reload::new(Action::new(|retry: &bool| {
                let retry = *retry;
                async move { (retry, list_chats().await) }
            })),
            live_reload: Reload::new(Action::new(|()| chat_summaries())),
        };
        Effect::new(move |_| {
            if let Some((retry, chats)) = chat_list.chats_reload.action.value().get() {
                chat_list.reloaded_chats(chats, retry);
            }
        });
        // A chat made elsewhere (another tab or device) shows up in the live
        // summaries first: then the chat list is out of date.
        let unknown_seen = StoredValue::new(Vec::<String>::new());
        Effect::new(move |_| {
            let unknown = unknown_chats(chat_list);
            if !unknown.is_empty() && unknown != unknown_seen.get_value() {
                unknown_seen.set_value(unknown);
                chat_list.refresh_chats();
            }
        });
        let pending = StoredValue::new(false);
        use_any_chat_events(
            move |event: &Event| {
                if matters(event) && !pending.get_value() {
                    pending.set_value(true);
                    set_timeout(
                        move || {
                            pending.set_value(false);
                            chat_list.refresh_live();
                        },
                        SUMMARY_DEBOUNCE,
                    );
                }
            },
            move || chat_list.refresh(),
        );
        chat_list
    }

    /// Drops a deleted chat at once, then reloads (the new load replaces
    /// those in flight, which may predate the deletion).
    pub fn forget(self, repo: &str, chat_id: &str) {
        if let Some(Ok(mut chats)) = self.chats() {
            chats.retain(|c| !(c.worktree.repo == repo && c.worktree.chat_id == chat_id));
            self.latest_chats.set(Some(Ok(chats)));
        }
        self.refresh();
    }

    /// Reloads both lists (a chat was created or deleted).
    pub fn refresh(self) {
        self.refresh_chats();
        self.refresh_live();
    }

    fn refresh_chats(self) {
        self.chats_reload.run(true);
    }

    /// A failed reload (opencode busy or restarting) keeps the list the
    /// sidebar shows and, when `retry`, tries once more a little later.
    fn reloaded_chats(self, chats: Result<Vec<ChatSummary>, AppError>, retry: bool) {
        if chats.is_err() && matches!(untrack(|| self.chats()), Some(Ok(_))) {
            if retry {
                set_timeout(move || self.chats_reload.run(false), CHATS_RETRY);
            }
            return;
        }
        self.latest_chats.set(Some(chats));
    }

    /// Reloads the live summaries (status, titles).
    pub fn refresh_live(self) {
        self.live_reload.run(());
    }

    /// Waits for the first load of both lists (the live one may fail: chats
    /// then show idle). Views that render [`entries`](Self::entries) under a
    /// `Suspense` await this first, so the server renders what the browser
    /// hydrates.
    pub async fn loaded(self) -> Result<(), AppError> {
        let chats = self.chats.await;
        let _ = self.live.await;
        chats.map(drop)
    }

    /// The chats on disk, newest load first; `None` while loading.
    pub fn chats(self) -> Option<Result<Vec<ChatSummary>, AppError>> {
        self.latest_chats.get().or_else(|| self.chats.get())
    }

    /// The live summaries, newest load first; `None` while loading.
    pub fn live(self) -> Option<Result<Vec<ChatActivity>, AppError>> {
        let reloaded = self.live_reload.action.value().get();
        reloaded.or_else(|| self.live.get())
    }

    /// What chat `session_id` is doing, as the live summaries say.
    pub fn status(self, session_id: &str) -> Option<ChatStatus> {
        self.live()?
            .ok()?
            .into_iter()
            .find(|s| s.session_id == session_id)
            .map(|s| s.status)
    }

    /// The chats joined with their live state, most recently active first;
    /// `None` while loading, the error when the list failed.
    pub fn entries(self) -> Option<Result<Vec<ChatEntry>, AppError>> {
        let chats = self.chats()?;
        let live = self.live().and_then(Result::ok).unwrap_or_default();
        Some(chats.map(|chats| join(chats, &live)))
    }
}

/// Sessions in chat worktrees that the live summaries know and the chat
/// list does not.
fn unknown_chats(chat_list: ChatList) -> Vec<String> {
    let Some(Ok(live)) = chat_list.live() else {
        return Vec::new();
    };
    let Some(Ok(chats)) = chat_list.chats() else {
        return Vec::new();
    };
    live.into_iter()
        .filter(|s| s.directory.contains("/worktrees/"))
        .filter(|s| {
            !chats
                .iter()
                .any(|c| c.session_id.as_ref() == Some(&s.session_id))
        })
        .map(|s| s.session_id)
        .collect()
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
pub fn join(chats: Vec<ChatSummary>, live: &[ChatActivity]) -> Vec<ChatEntry> {
    let live: HashMap<&str, &ChatActivity> =
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
    entries.sort_by_key(|e| std::cmp::Reverse(e.updated));
    entries
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::chats::WorktreeInfo;

    fn chat(chat_id: &str, session: Option<&str>, title: &str, updated: u64) -> ChatSummary {
        ChatSummary {
            worktree: WorktreeInfo {
                repo: "local/r".into(),
                chat_id: chat_id.into(),
                path: format!("/d/worktrees/local__r__{chat_id}"),
                branch: Some(format!("pocketcode/{chat_id}")),
                dirty: false,
                trusted: false,
                created: 1,
            },
            session_id: session.map(Into::into),
            title: title.into(),
            updated,
        }
    }

    #[test]
    fn live_state_wins_and_the_most_recent_chat_comes_first() {
        let live = [ChatActivity {
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
        assert_eq!(entries[0].place(), "local/r");
        let mut remote = entries[0].clone();
        remote.repo = "@devbox".into();
        remote.chat_id = "ses_b".into();
        assert_eq!(remote.href(), "/remote/devbox/ses_b");
        assert_eq!(remote.place(), "on devbox");
    }
}
