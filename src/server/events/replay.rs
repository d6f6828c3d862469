//! The bounded history of the client stream: every event pocketcode relays
//! gets the next sequence number of this process and is kept (up to a count
//! and an age) so a client that reconnects with `Last-Event-ID` gets what it
//! missed, in order, with no duplicates.
//!
//! Ids on the wire are `<epoch>-<seq>`: the epoch is random per process, so
//! an id from before a restart is recognised as unknown (→ resync) instead
//! of being mistaken for a position in the new sequence.

use std::collections::VecDeque;
use std::sync::Arc;
use std::time::{Duration, Instant};

use bytes::Bytes;

/// One relayed item, as it goes out: its sequence number and the SSE
/// event every client is sent (`id: <epoch>-<seq>`, `data: <json>`),
/// encoded once here so the fan-out to each client is a reference count,
/// not a copy.
#[derive(Debug)]
pub struct Stored {
    pub seq: u64,
    pub at: Instant,
    pub wire: Bytes,
    /// Where the JSON starts in `wire`.
    data_at: usize,
}

impl Stored {
    /// The item's JSON (one line).
    pub fn data(&self) -> &str {
        let end = self.wire.len().saturating_sub(2).max(self.data_at);
        std::str::from_utf8(&self.wire[self.data_at..end]).unwrap_or_default()
    }
}

/// What a reconnecting client gets.
#[derive(Debug, PartialEq)]
pub enum Replay {
    /// Everything after its last id (possibly nothing).
    Missed(Vec<Arc<Stored>>),
    /// Its position is unknown or fell out of the buffer: refetch everything.
    Resync(&'static str),
}

impl PartialEq for Stored {
    fn eq(&self, other: &Self) -> bool {
        self.seq == other.seq
    }
}

#[derive(Debug)]
pub struct ReplayBuffer {
    epoch: String,
    next_seq: u64,
    items: VecDeque<Arc<Stored>>,
    capacity: usize,
    max_age: Duration,
}

impl ReplayBuffer {
    pub fn new(epoch: String, capacity: usize, max_age: Duration) -> Self {
        Self {
            epoch,
            next_seq: 1,
            items: VecDeque::new(),
            capacity: capacity.max(1),
            max_age,
        }
    }

    /// The id of sequence number `seq` on the wire.
    pub fn wire_id(&self, seq: u64) -> String {
        format!("{}-{seq}", self.epoch)
    }

    /// The last sequence number handed out (0 before the first).
    pub fn last_seq(&self) -> u64 {
        self.next_seq - 1
    }

    /// Stores `json` under the next sequence number and returns it.
    pub fn push(&mut self, json: &str, now: Instant) -> Arc<Stored> {
        let seq = self.next_seq;
        let id = self.wire_id(seq);
        let stored = Arc::new(Stored {
            seq,
            at: now,
            data_at: DATA_AT + id.len(),
            wire: sse_event(&id, json),
        });
        self.next_seq += 1;
        self.items.push_back(stored.clone());
        self.evict(now);
        stored
    }

    fn evict(&mut self, now: Instant) {
        while self.items.len() > self.capacity
            || self
                .items
                .front()
                .is_some_and(|item| now.saturating_duration_since(item.at) > self.max_age)
        {
            self.items.pop_front();
        }
    }

    /// What a client that last saw `last_id` (a wire id) must be sent.
    pub fn since(&mut self, last_id: &str, now: Instant) -> Replay {
        self.evict(now);
        let Some((epoch, seq)) = last_id.trim().rsplit_once('-') else {
            return Replay::Resync("unreadable Last-Event-ID");
        };
        if epoch != self.epoch {
            return Replay::Resync("Last-Event-ID is from before a server restart");
        }
        let Ok(seq) = seq.parse::<u64>() else {
            return Replay::Resync("unreadable Last-Event-ID");
        };
        if seq > self.last_seq() {
            return Replay::Resync("Last-Event-ID is in the future");
        }
        let oldest_kept = self.items.front().map_or(self.next_seq, |item| item.seq);
        if seq + 1 < oldest_kept {
            return Replay::Resync("missed events are no longer in the replay buffer");
        }
        Replay::Missed(
            self.items
                .iter()
                .filter(|item| item.seq > seq)
                .cloned()
                .collect(),
        )
    }
}

/// `id: ` and `\ndata: `, the bytes of an event that are not its id or data.
const DATA_AT: usize = 11;

/// One SSE event: `id`, then `json` as one `data:` line. A line break can
/// only be whitespace between JSON tokens (in a string it is escaped), so
/// it becomes a space and the JSON means the same.
pub fn sse_event(id: &str, json: &str) -> Bytes {
    // `DATA_AT` counts what comes before the id and between it and the JSON.
    let json = json.trim();
    let mut event = String::with_capacity(id.len() + json.len() + 13);
    event.push_str("id: ");
    event.push_str(id);
    event.push_str("\ndata: ");
    if json.contains(['\n', '\r']) {
        event.push_str(&json.replace(['\n', '\r'], " "));
    } else {
        event.push_str(json);
    }
    event.push_str("\n\n");
    Bytes::from(event)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn seqs(replay: Replay) -> Vec<u64> {
        match replay {
            Replay::Missed(items) => items.iter().map(|i| i.seq).collect(),
            Replay::Resync(why) => panic!("resync: {why}"),
        }
    }

    #[test]
    fn a_client_gets_exactly_what_it_missed() {
        let now = Instant::now();
        let mut buffer = ReplayBuffer::new("e1".into(), 10, Duration::from_secs(60));
        for i in 0..5 {
            buffer.push(&format!("{i}"), now);
        }
        assert_eq!(buffer.wire_id(3), "e1-3");
        assert_eq!(seqs(buffer.since("e1-3", now)), [4, 5]);
        assert_eq!(seqs(buffer.since("e1-5", now)), Vec::<u64>::new());
        assert_eq!(seqs(buffer.since("e1-0", now)), [1, 2, 3, 4, 5]);
    }

    #[test]
    fn unknown_positions_resync() {
        let now = Instant::now();
        let mut buffer = ReplayBuffer::new("e1".into(), 3, Duration::from_secs(60));
        for i in 0..6 {
            buffer.push(&format!("{i}"), now);
        }
        // Items 4..=6 are kept; a client at 3 missed nothing that was dropped.
        assert_eq!(seqs(buffer.since("e1-3", now)), [4, 5, 6]);
        assert!(matches!(buffer.since("e1-2", now), Replay::Resync(_)));
        assert!(matches!(buffer.since("e0-5", now), Replay::Resync(_)));
        assert!(matches!(buffer.since("e1-7", now), Replay::Resync(_)));
        assert!(matches!(buffer.since("garbage", now), Replay::Resync(_)));
        assert!(matches!(buffer.since("e1-x", now), Replay::Resync(_)));
    }

    #[test]
    fn each_item_is_one_sse_event_with_its_id_and_one_data_line() {
        let mut buffer = ReplayBuffer::new("e9".into(), 10, Duration::from_secs(60));
        let item = buffer.push("{\"a\":\"x\\ny\"}", Instant::now());
        assert_eq!(&item.wire[..], b"id: e9-1\ndata: {\"a\":\"x\\ny\"}\n\n");
        assert_eq!(item.data(), "{\"a\":\"x\\ny\"}");
        let spread = buffer.push("\n{\r\n\"b\":\n1}\n", Instant::now());
        assert_eq!(&spread.wire[..], b"id: e9-2\ndata: {  \"b\": 1}\n\n");
        assert_eq!(spread.data(), "{  \"b\": 1}");
    }

    #[test]
    fn old_items_age_out() {
        let start = Instant::now();
        let mut buffer = ReplayBuffer::new("e".into(), 100, Duration::from_secs(10));
        buffer.push("a", start);
        buffer.push("b", start + Duration::from_secs(5));
        let later = start + Duration::from_secs(12);
        assert!(matches!(buffer.since("e-0", later), Replay::Resync(_)));
        assert_eq!(seqs(buffer.since("e-1", later)), [2]);
    }
}
