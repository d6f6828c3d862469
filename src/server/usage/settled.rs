//! Each session's settled messages, added up once.
//!
//! A session runs one model call at a time, each in an assistant message
//! of its own, so once a turn has completed (or failed) nothing before it
//! changes any more: those messages are settled. Their tally is kept with
//! the id of the last of them, and the next read asks opencode for the
//! session's latest messages only and goes on after that one. When it is
//! not among them (reverted, or more were added since than one read
//! holds), the whole session is read again, as before.
//!
//! The chat header's gauge reloads on every finished model call, and a
//! chat page's first paint waits for it: a 1,000-message chat was read
//! whole each time (issue 23).

use std::collections::HashMap;
use std::sync::{Mutex, PoisonError};

use super::tally::Tally;
use crate::opencode::{MessageWithParts, Role};

/// The latest messages a read asks for when a session's tally is kept.
pub const RECENT: usize = 64;
/// Sessions whose tallies are kept; the one read least recently goes first.
const KEPT: usize = 256;

/// The tally of a session's messages up to a settled one.
#[derive(Clone, Debug, PartialEq)]
pub struct Settled {
    /// The id of the last message added.
    through: String,
    tally: Tally,
}

/// The kept tallies, by session id.
#[derive(Debug, Default)]
pub struct SettledTallies {
    kept: Mutex<Kept>,
}

#[derive(Debug, Default)]
struct Kept {
    /// Counts reads: when each session was last read.
    clock: u64,
    /// Each session's tally with when it was last read.
    sessions: HashMap<String, (u64, Settled)>,
}

impl SettledTallies {
    /// `session`'s kept tally.
    pub fn get(&self, session: &str) -> Option<Settled> {
        let mut kept = self.kept.lock().unwrap_or_else(PoisonError::into_inner);
        kept.clock += 1;
        let now = kept.clock;
        let (read, settled) = kept.sessions.get_mut(session)?;
        *read = now;
        Some(settled.clone())
    }

    /// The tally of `session`: `from` (its kept tally, when `rest` goes on
    /// from it) with `rest`, the messages after it in order. What of `rest`
    /// has settled is kept for the next read.
    pub fn tally(&self, session: &str, from: Option<Settled>, rest: &[MessageWithParts]) -> Tally {
        let (settled, live) = rest.split_at(settled_len(rest));
        let mut tally = from.as_ref().map(|s| s.tally.clone()).unwrap_or_default();
        for message in settled {
            tally.add(message);
        }
        if let Some(last) = settled.last() {
            self.keep(
                session,
                Settled {
                    through: last.info.id.clone(),
                    tally: tally.clone(),
                },
            );
        }
        for message in live {
            tally.add(message);
        }
        tally
    }

    fn keep(&self, session: &str, settled: Settled) {
        let mut kept = self.kept.lock().unwrap_or_else(PoisonError::into_inner);
        kept.clock += 1;
        let now = kept.clock;
        kept.sessions.insert(session.to_owned(), (now, settled));
        if kept.sessions.len() > KEPT
            && let Some(oldest) = kept
                .sessions
                .iter()
                .min_by_key(|(_, (read, _))| *read)
                .map(|(id, _)| id.clone())
        {
            kept.sessions.remove(&oldest);
        }
    }
}

/// The messages of `recent` (a session's latest, in order) that come after
/// `settled`'s last one; `None` when that one is not among them.
pub fn after<'a>(
    settled: &Settled,
    recent: &'a [MessageWithParts],
) -> Option<&'a [MessageWithParts]> {
    let at = recent.iter().position(|m| m.info.id == settled.through)?;
    Some(&recent[at + 1..])
}

/// How many of `messages` have settled: all up to the last turn that
/// completed or failed (a turn still running is after it).
fn settled_len(messages: &[MessageWithParts]) -> usize {
    messages
        .iter()
        .rposition(|m| {
            m.info.role == Role::Assistant
                && (m.info.time.completed.is_some() || m.info.error.is_some())
        })
        .map_or(0, |last| last + 1)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::server::usage::tally::tests::choices;

    fn prompt(id: &str) -> MessageWithParts {
        let json = format!(
            r#"{{"info":{{"id":"{id}","sessionID":"ses_1","role":"user","time":{{"created":1}},
                "model":{{"providerID":"scripted","modelID":"m"}}}},"parts":[]}}"#
        );
        serde_json::from_str(&json).expect("prompt")
    }

    /// A turn of one call with `output` tokens costing `cost`; `completed`
    /// once it has ended.
    fn turn(id: &str, output: u64, cost: f64, completed: bool) -> MessageWithParts {
        let time = if completed {
            r#"{"created":2,"completed":3}"#
        } else {
            r#"{"created":2}"#
        };
        let tokens = format!(
            r#"{{"input":100,"output":{output},"reasoning":0,"cache":{{"read":0,"write":0}}}}"#
        );
        let step = format!(
            r#"{{"id":"prt_{id}","sessionID":"ses_1","messageID":"{id}","type":"step-finish",
                "reason":"stop","cost":{cost},"tokens":{tokens}}}"#
        );
        let json = format!(
            r#"{{"info":{{"id":"{id}","sessionID":"ses_1","role":"assistant","time":{time},
                "providerID":"scripted","modelID":"m","cost":{cost},"tokens":{tokens}}},
                "parts":[{step}]}}"#
        );
        serde_json::from_str(&json).expect("turn")
    }

    /// A session of `exchanges` prompts each answered, the last answer
    /// still running when `running`.
    fn session(exchanges: usize, running: bool) -> Vec<MessageWithParts> {
        (0..exchanges)
            .flat_map(|i| {
                let done = !running || i + 1 < exchanges;
                let n = u32::try_from(i).expect("a small session");
                [
                    prompt(&format!("msg_{i:04}a")),
                    turn(
                        &format!("msg_{i:04}b"),
                        10 + u64::from(n),
                        f64::from(n + 1) / 8.0,
                        done,
                    ),
                ]
            })
            .collect()
    }

    /// Reads `messages` as the usage read does: the latest RECENT after a
    /// kept tally when it goes on from it, else all of them.
    fn read(kept: &SettledTallies, messages: &[MessageWithParts]) -> (Tally, bool) {
        if let Some(settled) = kept.get("ses_1") {
            let recent = &messages[messages.len().saturating_sub(RECENT)..];
            if let Some(rest) = after(&settled, recent) {
                return (kept.tally("ses_1", Some(settled), rest), true);
            }
        }
        (kept.tally("ses_1", None, messages), false)
    }

    #[test]
    fn going_on_from_a_kept_tally_adds_up_what_a_whole_read_does() {
        let kept = SettledTallies::default();
        let mut messages = session(300, false);
        let (first, resumed) = read(&kept, &messages);
        assert!(!resumed, "nothing was kept before the first read");
        assert_eq!(first, Tally::of(&messages));
        // Ten more exchanges, the last still running: read from the kept tally.
        messages = session(310, true);
        let (next, resumed) = read(&kept, &messages);
        assert!(resumed, "the kept tally's last message is among the latest");
        assert_eq!(next, Tally::of(&messages));
        // It ended: its tokens count once it has them.
        messages = session(310, false);
        let (done, resumed) = read(&kept, &messages);
        assert!(resumed);
        assert_eq!(done, Tally::of(&messages));
        let usage = done.usage("ses_1", &choices(Some(1_000)));
        assert_eq!(usage.totals.model_calls, 310);
        assert_eq!(usage.context_tokens, 100 + 10 + 309);
        assert_eq!(usage.model.as_deref(), Some("scripted/m"));
    }

    #[test]
    fn a_running_turn_is_not_kept_so_its_final_tokens_count() {
        let kept = SettledTallies::default();
        let running = session(3, true);
        let (tally, _) = read(&kept, &running);
        assert_eq!(tally, Tally::of(&running));
        let settled = kept.get("ses_1").expect("the first two exchanges settled");
        assert_eq!(settled.through, "msg_0001b");
        // The running turn's prompt is not kept either: only up to a turn that ended.
        let only_prompts = [prompt("msg_1"), prompt("msg_2")];
        let other = SettledTallies::default();
        other.tally("ses_1", None, &only_prompts);
        assert_eq!(other.get("ses_1"), None);
    }

    #[test]
    fn a_reverted_or_far_behind_tally_is_not_gone_on_from() {
        let kept = SettledTallies::default();
        read(&kept, &session(50, false));
        // Undone back past the kept message: the session is read whole.
        let reverted = session(20, false);
        let (tally, resumed) = read(&kept, &reverted);
        assert!(!resumed);
        assert_eq!(tally, Tally::of(&reverted));
        // More exchanges since than one read holds: read whole again.
        let grown = session(20 + RECENT, false);
        let (tally, resumed) = read(&kept, &grown);
        assert!(!resumed);
        assert_eq!(tally, Tally::of(&grown));
    }

    #[test]
    fn the_session_read_least_recently_is_dropped_first() {
        let kept = SettledTallies::default();
        let messages = session(1, false);
        for i in 0..=KEPT {
            kept.tally(&format!("ses_{i}"), None, &messages);
            // The first stays in use.
            kept.get("ses_0");
        }
        let sessions = &kept.kept.lock().expect("lock").sessions;
        assert_eq!(sessions.len(), KEPT);
        assert!(sessions.contains_key("ses_0"));
        assert!(!sessions.contains_key("ses_1"));
    }
}
