//! A loopback server running in a background task for as long as its
//! handle lives (the scripted model, the provider gateway): `stop` lets
//! open connections finish for a grace period, dropping cuts them.

use std::time::Duration;

use tokio::sync::watch;
use tokio::task::JoinHandle;

/// How long `stop` waits for open connections to close before cutting them.
pub const STOP_GRACE: Duration = Duration::from_secs(2);

/// The task serving, and the signal that asks it to shut down gracefully.
pub struct ServedTask {
    stopping: watch::Sender<bool>,
    task: Option<JoinHandle<()>>,
}

impl ServedTask {
    /// `task` serves until `stopping` says `true`.
    pub fn new(stopping: watch::Sender<bool>, task: JoinHandle<()>) -> Self {
        Self {
            stopping,
            task: Some(task),
        }
    }

    /// Stops accepting, lets running streams end briefly, then cuts them.
    pub async fn stop(mut self) {
        self.stopping.send_replace(true);
        if let Some(task) = self.task.take() {
            let abort = task.abort_handle();
            if tokio::time::timeout(STOP_GRACE, task).await.is_err() {
                abort.abort();
            }
        }
    }
}

impl Drop for ServedTask {
    fn drop(&mut self) {
        self.stopping.send_replace(true);
        if let Some(task) = self.task.take() {
            task.abort();
        }
    }
}
