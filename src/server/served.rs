//! A loopback server running in a background task for as long as its
//! handle lives (the scripted model, the provider gateway): `stop` lets
//! open connections finish for a grace period, dropping cuts them. Such a
//! server may run on a thread and runtime of its own ([`on_own_thread`]).

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

/// Runs `serve` on a thread named `name` with a single-threaded runtime of
/// its own, so its work never waits in the line of pocketcode's own
/// workers, nor makes them wait. The thread ends with the task, which its
/// handle can abort as any other. A listener for it is bound as a
/// `std::net::TcpListener` (non-blocking) and made a tokio one inside
/// `serve`: a socket belongs to the runtime that registers it.
pub fn on_own_thread(
    name: &str,
    serve: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<JoinHandle<()>> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    let (ended, ended_rx) = tokio::sync::oneshot::channel::<()>();
    let task = runtime.spawn(async move {
        // Dropped when serving ends or the task is aborted: the thread goes.
        let _ended = ended;
        serve.await;
    });
    std::thread::Builder::new()
        .name(name.to_owned())
        .spawn(move || {
            runtime.block_on(async move {
                let _ = ended_rx.await;
            });
        })?;
    Ok(task)
}
