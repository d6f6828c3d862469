//! Every restart of an opencode that had been healthy, for whoever must
//! react (the push notification, the chats it interrupted). Whatever the
//! cause (it hung, it exited, or a later deliberate restart), the
//! supervisor records it in one place, its status' `last_restart`; this
//! hears each new one.

use tokio::sync::watch;

use super::{LastRestart, Snapshot, Supervisor};

/// A listener to the supervisor's restarts, from the moment it was made.
pub struct Restarts {
    status: watch::Receiver<Snapshot>,
    seen: Option<LastRestart>,
}

impl Supervisor {
    /// Hears the restarts from now on.
    pub fn restarts(&self) -> Restarts {
        let mut status = self.subscribe();
        let seen = status.borrow_and_update().status.last_restart.clone();
        Restarts { status, seen }
    }
}

impl Restarts {
    /// The next restart; `None` once the supervisor is gone. Two restarts
    /// closer together than the listener reads are one (the newer).
    pub async fn next(&mut self) -> Option<LastRestart> {
        while self.status.changed().await.is_ok() {
            let last = self.status.borrow_and_update().status.last_restart.clone();
            if last != self.seen {
                self.seen.clone_from(&last);
                if last.is_some() {
                    return last;
                }
            }
        }
        None
    }
}
