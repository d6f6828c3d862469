//! "opencode was restarted": pushed whenever an opencode that had been
//! healthy is replaced (it exited, or the watchdog found it hung), since a
//! chat that was working then stopped with it.

use std::sync::Arc;

use super::{Payload, Sender};
use crate::server::supervisor::{LastRestart, RestartCause, Supervisor};

/// Every restart notification replaces the previous one.
const TAG: &str = "pocketcode-opencode-restart";

impl Payload {
    pub fn for_restart(restart: &LastRestart) -> Self {
        let why = match restart.cause {
            RestartCause::Hung => "it stopped answering",
            RestartCause::Exited => "it exited",
            RestartCause::Memory => "it used too much memory",
        };
        let reason: String = restart.reason.chars().take(140).collect();
        Self {
            title: "opencode was restarted".to_owned(),
            body: format!("{why} ({reason}); chats that were working were interrupted"),
            url: "/".to_owned(),
            tag: TAG.to_owned(),
        }
    }
}

/// Sends a push for each restart the supervisor records, until the
/// supervisor is gone.
pub fn notify_restarts(
    sender: Sender,
    supervisor: &Arc<Supervisor>,
) -> tokio::task::JoinHandle<()> {
    let mut restarts = supervisor.restarts();
    tokio::spawn(async move {
        while let Some(restart) = restarts.next().await {
            let delivered = sender.send_all(&Payload::for_restart(&restart)).await;
            tracing::info!(delivered, "pushed: opencode was restarted");
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_hang_says_it_stopped_answering_and_why() {
        let restart = LastRestart {
            cause: RestartCause::Hung,
            reason: "hung: 3 health probes missed in a row".into(),
            at_ms: 1,
        };
        let payload = Payload::for_restart(&restart);
        assert_eq!(payload.title, "opencode was restarted");
        assert!(
            payload.body.starts_with("it stopped answering (hung: 3"),
            "{}",
            payload.body
        );
        assert_eq!(payload.tag, TAG);
    }
}
