//! Per-chat summaries kept from the event stream (status, title, last
//! activity, unread), so the sidebar is right on first paint.

use std::collections::HashMap;

use serde_json::Value;

use crate::model::live::{ChatActivity, ChatStatus};

/// The summaries of every chat seen, keyed by session id.
#[derive(Debug, Default)]
pub struct Summaries {
    chats: HashMap<String, ChatActivity>,
}

impl Summaries {
    /// Updates the chat `session` from one opencode event.
    pub fn apply(
        &mut self,
        directory: &str,
        session: &str,
        kind: &str,
        props: &Value,
        now_ms: u64,
    ) {
        if kind == "session.deleted" {
            self.chats.remove(session);
            return;
        }
        let chat = self.entry(directory, session);
        chat.last_activity_ms = now_ms;
        let was_working = chat.status != ChatStatus::Idle;
        match kind {
            "session.created" | "session.updated" => {
                if let Some(title) = props["info"]["title"].as_str() {
                    chat.title = title.to_string();
                }
            }
            "session.status" => match props["status"]["type"].as_str() {
                Some("busy") if !waiting(chat.status) => chat.status = ChatStatus::Busy,
                Some("retry") => chat.status = ChatStatus::Retrying,
                Some("idle") => settle(chat, was_working),
                _ => {}
            },
            "session.idle" => settle(chat, was_working),
            "session.error" => {
                chat.status = ChatStatus::Error;
                chat.unread = true;
            }
            "permission.asked" | "permission.updated" => {
                chat.status = ChatStatus::WaitingPermission;
                chat.unread = true;
            }
            "question.asked" => {
                chat.status = ChatStatus::WaitingAnswer;
                chat.unread = true;
            }
            "permission.replied" | "question.replied" | "question.rejected" => {
                chat.status = ChatStatus::Busy;
            }
            _ => {}
        }
    }

    /// Sets what opencode's REST API says after a reconnect: `busy` are the
    /// sessions it reports working; every other known chat of `directory`
    /// is idle (and unread if it finished while we were not looking).
    pub fn resync(
        &mut self,
        directory: &str,
        listed: &[(String, String)],
        busy: &HashMap<String, ChatStatus>,
    ) {
        for (session, title) in listed {
            let chat = self.entry(directory, session);
            if !title.is_empty() {
                chat.title = title.clone();
            }
        }
        for chat in self.chats.values_mut().filter(|c| c.directory == directory) {
            match busy.get(&chat.session_id) {
                Some(status) => {
                    if !waiting(chat.status) {
                        chat.status = *status;
                    }
                }
                None => {
                    let was_working = chat.status != ChatStatus::Idle;
                    if chat.status != ChatStatus::Error {
                        settle(chat, was_working);
                    }
                }
            }
        }
    }

    /// opencode was restarted: every local chat that was working (busy,
    /// retrying, waiting on the user) lost its run with it and is now
    /// interrupted. A remote's chats run on another opencode and go on.
    pub fn interrupt_working(&mut self, now_ms: u64) -> usize {
        let mut interrupted = 0;
        for chat in self.chats.values_mut() {
            let working = !matches!(
                chat.status,
                ChatStatus::Idle | ChatStatus::Error | ChatStatus::Interrupted
            );
            if working
                && !chat
                    .directory
                    .starts_with(crate::model::remotes::REMOTE_MARK)
            {
                chat.status = ChatStatus::Interrupted;
                chat.unread = true;
                chat.last_activity_ms = now_ms;
                interrupted += 1;
            }
        }
        interrupted
    }

    /// The user sent something to an interrupted chat: it is no longer
    /// waiting for "Continue" (its run's own events take over).
    pub fn resume(&mut self, session: &str) {
        if let Some(chat) = self.chats.get_mut(session)
            && chat.status == ChatStatus::Interrupted
        {
            chat.status = ChatStatus::Idle;
        }
    }

    pub fn get(&self, session: &str) -> Option<&ChatActivity> {
        self.chats.get(session)
    }

    pub fn mark_read(&mut self, session: &str) -> bool {
        self.chats
            .get_mut(session)
            .map(|chat| std::mem::replace(&mut chat.unread, false))
            .is_some()
    }

    /// Most recently active first.
    pub fn list(&self) -> Vec<ChatActivity> {
        let mut chats: Vec<ChatActivity> = self.chats.values().cloned().collect();
        chats.sort_by(|a, b| {
            b.last_activity_ms
                .cmp(&a.last_activity_ms)
                .then_with(|| a.session_id.cmp(&b.session_id))
        });
        chats
    }

    pub fn forget_directory(&mut self, directory: &str) {
        self.chats.retain(|_, chat| chat.directory != directory);
    }

    /// Forgets every chat whose directory starts with `prefix` (a remote's).
    pub fn forget_under(&mut self, prefix: &str) {
        self.chats
            .retain(|_, chat| !chat.directory.starts_with(prefix));
    }

    fn entry(&mut self, directory: &str, session: &str) -> &mut ChatActivity {
        self.chats
            .entry(session.to_string())
            .or_insert_with(|| ChatActivity {
                session_id: session.to_string(),
                directory: directory.to_string(),
                ..ChatActivity::default()
            })
    }
}

fn waiting(status: ChatStatus) -> bool {
    matches!(
        status,
        ChatStatus::WaitingPermission | ChatStatus::WaitingAnswer
    )
}

fn settle(chat: &mut ChatActivity, was_working: bool) {
    // Idle is what opencode says of every session after a restart, the
    // interrupted ones included: only a new run or the user ends it.
    if chat.status == ChatStatus::Interrupted {
        return;
    }
    if was_working && chat.status != ChatStatus::Idle {
        chat.unread = true;
    }
    chat.status = ChatStatus::Idle;
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_run_goes_busy_waiting_busy_idle_and_leaves_it_unread() {
        let mut s = Summaries::default();
        s.apply(
            "/w",
            "ses_1",
            "session.updated",
            &json!({"info": {"title": "Fix it"}}),
            1,
        );
        s.apply(
            "/w",
            "ses_1",
            "session.status",
            &json!({"status": {"type": "busy"}}),
            2,
        );
        assert_eq!(s.list()[0].status, ChatStatus::Busy);
        s.apply("/w", "ses_1", "permission.asked", &json!({}), 3);
        s.apply(
            "/w",
            "ses_1",
            "session.status",
            &json!({"status": {"type": "busy"}}),
            4,
        );
        assert_eq!(
            s.list()[0].status,
            ChatStatus::WaitingPermission,
            "busy does not hide a question"
        );
        s.apply("/w", "ses_1", "permission.replied", &json!({}), 5);
        assert_eq!(s.list()[0].status, ChatStatus::Busy);
        s.apply("/w", "ses_1", "session.idle", &json!({}), 6);
        let chat = &s.list()[0];
        assert_eq!(
            (
                chat.status,
                chat.unread,
                chat.title.as_str(),
                chat.last_activity_ms
            ),
            (ChatStatus::Idle, true, "Fix it", 6)
        );
        assert!(s.mark_read("ses_1"));
        assert!(!s.list()[0].unread);
        s.apply("/w", "ses_1", "session.deleted", &json!({}), 7);
        assert!(s.list().is_empty());
    }

    #[test]
    fn resync_settles_chats_that_finished_while_disconnected() {
        let mut s = Summaries::default();
        s.apply(
            "/w",
            "ses_1",
            "session.status",
            &json!({"status": {"type": "busy"}}),
            1,
        );
        s.apply(
            "/w",
            "ses_2",
            "session.status",
            &json!({"status": {"type": "busy"}}),
            2,
        );
        s.apply(
            "/other",
            "ses_3",
            "session.status",
            &json!({"status": {"type": "busy"}}),
            3,
        );
        let busy = HashMap::from([("ses_2".to_string(), ChatStatus::Busy)]);
        s.resync("/w", &[("ses_4".into(), "New".into())], &busy);
        let by_id = |id: &str| s.list().into_iter().find(|c| c.session_id == id).expect(id);
        assert_eq!(
            (by_id("ses_1").status, by_id("ses_1").unread),
            (ChatStatus::Idle, true)
        );
        assert_eq!(by_id("ses_2").status, ChatStatus::Busy);
        assert_eq!(
            by_id("ses_3").status,
            ChatStatus::Busy,
            "other directories untouched"
        );
        assert_eq!(by_id("ses_4").title, "New");
    }

    #[test]
    fn a_restart_interrupts_working_local_chats_until_they_run_again() {
        let mut s = Summaries::default();
        let busy = json!({"status": {"type": "busy"}});
        s.apply("/w", "ses_busy", "session.status", &busy, 1);
        s.apply("/w", "ses_asks", "permission.asked", &json!({}), 2);
        s.apply("/w", "ses_idle", "session.updated", &json!({}), 3);
        s.apply("@box:/w", "ses_remote", "session.status", &busy, 4);
        assert_eq!(s.interrupt_working(10), 2);
        let by_id = |s: &Summaries, id: &str| s.get(id).expect(id).clone();
        assert_eq!(by_id(&s, "ses_busy").status, ChatStatus::Interrupted);
        assert!(by_id(&s, "ses_busy").unread);
        assert_eq!(by_id(&s, "ses_asks").status, ChatStatus::Interrupted);
        assert_eq!(by_id(&s, "ses_idle").status, ChatStatus::Idle);
        assert_eq!(by_id(&s, "ses_remote").status, ChatStatus::Busy);

        // The new opencode says idle (its resync and its events): still interrupted.
        s.resync("/w", &[], &HashMap::new());
        s.apply("/w", "ses_busy", "session.idle", &json!({}), 11);
        assert_eq!(by_id(&s, "ses_busy").status, ChatStatus::Interrupted);
        // It runs again: busy, then idle as usual.
        s.apply("/w", "ses_busy", "session.status", &busy, 12);
        assert_eq!(by_id(&s, "ses_busy").status, ChatStatus::Busy);
        s.apply("/w", "ses_busy", "session.idle", &json!({}), 13);
        assert_eq!(by_id(&s, "ses_busy").status, ChatStatus::Idle);
        // Or the user sent something.
        s.resume("ses_asks");
        assert_eq!(by_id(&s, "ses_asks").status, ChatStatus::Idle);
        s.resume("ses_remote");
        assert_eq!(by_id(&s, "ses_remote").status, ChatStatus::Busy);
    }
}
