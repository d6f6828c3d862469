//! Runs `opencode serve` on loopback: starts it on a free port with a random
//! internal password, waits for health, restarts it with backoff when it
//! exits or hangs (see [`watchdog`]), and stops its whole process group on
//! shutdown.

mod child;
mod group;
mod lifecycle;
mod locate;
pub mod models_catalog;
mod restarts;
mod status;
mod watchdog;

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use tokio::sync::watch;

pub use locate::{locate, project_roots};
pub use models_catalog::{CatalogError, ModelsCatalog, Refreshed};

/// The opencode version pocketcode is built and tested against (the exact
/// `opencode-ai` version in `package.json`; a unit test keeps them equal).
pub const PINNED_OPENCODE_VERSION: &str = "1.18.33";
pub use restarts::Restarts;
pub use status::{LastRestart, OpencodeState, OpencodeStatus, RestartCause, Upstream};
pub use watchdog::Liveness;

/// Errors the supervisor reports to callers.
#[derive(Debug, thiserror::Error)]
pub enum SupervisorError {
    #[error("opencode did not become healthy within {0:?} (state: {1:?}; last error: {2})")]
    NotReady(Duration, OpencodeState, String),
    #[error("opencode failed to start: {0}")]
    Failed(String),
    #[error("pocketcode is shutting down")]
    Stopped,
}

/// How to run opencode.
#[derive(Clone, Debug)]
pub struct OpencodeSettings {
    /// The binary; `None` means "locate it at each start" (see [`locate`]).
    pub binary: Option<PathBuf>,
    /// Root of opencode's XDG directories (data, config, state, cache).
    pub home: PathBuf,
    /// opencode's working directory (its default project).
    pub workdir: PathBuf,
    /// `OPENCODE_CONFIG_CONTENT`, when pocketcode supplies opencode's config.
    pub config_json: Option<String>,
    /// Turn off opencode's network fetches that fail offline (models list,
    /// LSP downloads). Sharing goes wherever the config's `enterprise.url`
    /// says (the scripted model's stand-in share service when offline).
    pub offline: bool,
    /// Health must answer within this after the port opens, or the start failed.
    pub start_timeout: Duration,
    /// Run it inside this bubblewrap sandbox (`None`: unsandboxed).
    pub sandbox: Option<crate::server::sandbox::Zone>,
    /// How a healthy opencode is probed for hangs.
    pub liveness: Liveness,
    /// opencode's models database cut down to the usable providers
    /// (`None`: opencode's whole database).
    pub models: Option<ModelsCatalog>,
}

impl OpencodeSettings {
    pub fn new(home: PathBuf, workdir: PathBuf) -> Self {
        Self {
            binary: None,
            home,
            workdir,
            config_json: None,
            offline: false,
            start_timeout: Duration::from_secs(60),
            sandbox: None,
            liveness: Liveness::default(),
            models: None,
        }
    }
}

/// A request to replace the running opencode (the one with `pid`: a
/// request that arrives after it was already replaced is dropped).
pub(crate) struct RestartRequest {
    pub pid: u32,
    pub cause: RestartCause,
    pub reason: String,
}

pub(crate) struct Snapshot {
    pub status: OpencodeStatus,
    pub upstream: Option<Upstream>,
}

/// The handle the rest of pocketcode holds on the supervised opencode.
pub struct Supervisor {
    snapshot: watch::Sender<Snapshot>,
    stop: watch::Sender<bool>,
    restarts: tokio::sync::mpsc::UnboundedSender<RestartRequest>,
    task: std::sync::Mutex<Option<tokio::task::JoinHandle<()>>>,
}

impl Supervisor {
    /// Starts supervising in the background; returns at once.
    pub fn spawn(settings: OpencodeSettings) -> Arc<Self> {
        let binary = settings.binary.as_ref().map(|b| b.display().to_string());
        let (snapshot, _) = watch::channel(Snapshot {
            status: OpencodeStatus::starting(binary),
            upstream: None,
        });
        let (stop, stop_rx) = watch::channel(false);
        let (restarts, restarts_rx) = tokio::sync::mpsc::unbounded_channel();
        let supervisor = Arc::new(Self {
            snapshot,
            stop,
            restarts,
            task: std::sync::Mutex::new(None),
        });
        if let Some(catalog) = settings.models.clone() {
            tokio::spawn(models_catalog::keep_fresh(catalog, stop_rx.clone()));
        }
        let task = tokio::spawn(lifecycle::run(
            settings,
            supervisor.snapshot.clone(),
            stop_rx,
            restarts_rx,
        ));
        if let Ok(mut slot) = supervisor.task.lock() {
            *slot = Some(task);
        }
        supervisor
    }

    /// The current status, as `/admin/health` shows it.
    pub fn status(&self) -> OpencodeStatus {
        self.snapshot.borrow().status.clone()
    }

    /// Hears every change of the status (restarts, probe misses, state).
    pub(crate) fn subscribe(&self) -> watch::Receiver<Snapshot> {
        self.snapshot.subscribe()
    }

    /// How to reach opencode, when it is healthy.
    pub fn upstream(&self) -> Option<Upstream> {
        let snapshot = self.snapshot.borrow();
        match snapshot.status.state {
            OpencodeState::Healthy => snapshot.upstream.clone(),
            _ => None,
        }
    }

    /// Waits until opencode is healthy, for at most `timeout`.
    pub async fn ready(&self, timeout: Duration) -> Result<Upstream, SupervisorError> {
        let mut rx = self.snapshot.subscribe();
        let wait = rx.wait_for(|s| {
            matches!(
                s.status.state,
                OpencodeState::Healthy | OpencodeState::Stopped
            ) && (s.upstream.is_some() || s.status.state == OpencodeState::Stopped)
        });
        match tokio::time::timeout(timeout, wait).await {
            Ok(Ok(s)) if s.status.state == OpencodeState::Healthy => {
                s.upstream.clone().ok_or(SupervisorError::Stopped)
            }
            Ok(_) => Err(SupervisorError::Stopped),
            Err(_) => {
                let status = self.status();
                Err(SupervisorError::NotReady(
                    timeout,
                    status.state,
                    status.last_error.unwrap_or_else(|| "none".into()),
                ))
            }
        }
    }

    /// How to reach opencode for a request: at once when it is healthy,
    /// after at most `wait` while it (re)starts, and an error at once when
    /// it has failed (it will not be back within a request's patience).
    pub async fn upstream_within(&self, wait: Duration) -> Result<Upstream, SupervisorError> {
        if let Some(upstream) = self.upstream() {
            return Ok(upstream);
        }
        let status = self.status();
        if status.state == OpencodeState::Failed {
            return Err(SupervisorError::Failed(
                status.last_error.unwrap_or_else(|| "unknown error".into()),
            ));
        }
        self.ready(wait).await
    }

    /// Replaces the running opencode, if it is still the one with `pid`:
    /// stops its group (SIGTERM, then SIGKILL) and starts a new one,
    /// recording `cause` and `reason` as its last restart.
    pub fn restart(&self, pid: u32, cause: RestartCause, reason: String) {
        let _ = self.restarts.send(RestartRequest { pid, cause, reason });
    }

    /// Stops opencode (SIGTERM to its process group, SIGKILL after a grace
    /// period) and waits for the supervising task to end.
    pub async fn shutdown(&self) {
        let _ = self.stop.send(true);
        let task = self.task.lock().ok().and_then(|mut slot| slot.take());
        if let Some(task) = task {
            let _ = task.await;
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_pinned_version_is_the_one_package_json_installs() {
        let manifest: serde_json::Value =
            serde_json::from_str(include_str!("../../../package.json")).expect("package.json");
        assert_eq!(
            manifest["devDependencies"]["opencode-ai"],
            super::PINNED_OPENCODE_VERSION
        );
    }
}
