//! Idle chats cost nothing: pocketcode's view of which local opencode
//! instances are loaded and when each chat was last needed, and the
//! disposal of those nobody needs.
//!
//! opencode loads a directory's instance (its config, plugins, LSP and MCP
//! processes) on the first request that names the directory, and keeps it
//! until told otherwise. A chat is *needed* while one of its sessions
//! works or waits for the user, while a tab shows it (the chat page's
//! beacon), and for `idle` after any request about it. An instance not
//! needed for that long is disposed with `POST /instance/dispose` (never a
//! kill); the next request about the chat loads it again, and its agent
//! gets its browser tools back. The workspace's instance always stays.
//!
//! pocketcode is opencode's only client, so what it sends tells which
//! instances exist; opencode's events confirm it (`server.instance.disposed`,
//! and session activity).

mod book;
pub mod config;
mod reaper;

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};

use tokio::sync::Notify;

use crate::model::live::ChatStatus;
use crate::opencode::SessionStatus;
use crate::server::agent_push::AgentPush;
use crate::server::browser::Browsers;
use crate::server::events::EventHub;
use crate::server::opencode_client::{OpencodeClient, OpencodeClientError};
use crate::server::supervisor::Supervisor;
use book::Book;
pub use config::InstancesConfig;

/// A tab's beacon comes every 30 s while it shows a chat: one missed is
/// fine, two mean the tab is gone or hidden.
pub const SHOWN_FOR: Duration = Duration::from_secs(75);

/// How long a disposal waits for opencode.
const WAIT_FOR_OPENCODE: Duration = Duration::from_secs(5);

#[derive(Debug, thiserror::Error)]
pub enum InstancesError {
    #[error("opencode: {0}")]
    Opencode(#[from] OpencodeClientError),
}

pub struct Instances {
    book: Mutex<Book>,
    /// Wakes requests that waited for a disposal to end.
    disposed: Notify,
    /// `None`: idle instances are kept (only [`Self::dispose_idle`] drops them).
    idle: Option<Duration>,
    /// Never disposed: opencode's own directory, which it serves anyway.
    workspace: PathBuf,
    supervisor: Arc<Supervisor>,
    http: reqwest::Client,
    events: Arc<EventHub>,
    browsers: Arc<Browsers>,
    agent_push: Arc<AgentPush>,
}

impl std::fmt::Debug for Instances {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Instances")
            .field("idle", &self.idle)
            .finish_non_exhaustive()
    }
}

impl Instances {
    /// Learns from `events` which instances live, and disposes the idle
    /// ones every few seconds (when `idle` is set).
    pub fn new(
        idle: Option<Duration>,
        workspace: PathBuf,
        supervisor: Arc<Supervisor>,
        http: reqwest::Client,
        events: Arc<EventHub>,
        browsers: Arc<Browsers>,
        agent_push: Arc<AgentPush>,
    ) -> Arc<Self> {
        let instances = Arc::new(Self {
            book: Mutex::default(),
            disposed: Notify::new(),
            idle,
            workspace,
            supervisor,
            http,
            events: events.clone(),
            browsers,
            agent_push,
        });
        events.observe_instances(instances.clone());
        if let Some(idle) = idle {
            tokio::spawn(reaper::run(Arc::downgrade(&instances), idle));
        }
        instances
    }

    fn book(&self) -> MutexGuard<'_, Book> {
        self.book.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// A request about `dir` goes to opencode next (which loads its
    /// instance if it has none): it counts as a need, waits while the
    /// instance is being disposed, and gives the agent its browser tools
    /// back when the instance comes back. Quick: no I/O unless it waits.
    pub async fn touch(&self, dir: &Path) {
        loop {
            let ended = self.disposed.notified();
            let touched = self.book().touch(dir, Instant::now());
            if touched.give_tools {
                self.give_tools_back(dir);
            }
            if !touched.wait {
                return;
            }
            ended.await;
        }
    }

    /// The chat's agent had the browser tools when its instance went.
    fn give_tools_back(&self, dir: &Path) {
        let Some(key) = dir.file_name().and_then(|n| n.to_str()).map(str::to_owned) else {
            return;
        };
        let browsers = self.browsers.clone();
        let dir = dir.to_path_buf();
        tokio::spawn(async move {
            if let Err(err) = browsers.give_tools(&key, &dir).await {
                tracing::warn!(chat = key, %err, "the revived chat's agent gets no browser tools");
            }
        });
    }

    /// A tab shows `dir`'s chat (its beacon): needed for [`SHOWN_FOR`].
    pub fn show(&self, dir: &Path) {
        self.book().show(dir, Instant::now());
    }

    /// Keeps `dir` needed until the returned guard is dropped (a proxied
    /// response or WebSocket about it is open).
    pub fn hold(self: &Arc<Self>, dir: &Path) -> Hold {
        self.book().hold(dir, Instant::now());
        Hold {
            instances: self.clone(),
            dir: dir.to_path_buf(),
        }
    }

    /// The local directories whose instance is loaded (the workspace's
    /// always is: opencode serves it).
    pub fn alive(&self) -> Vec<PathBuf> {
        self.notice_restart();
        let mut dirs = self.book().alive();
        if !dirs.contains(&self.workspace) {
            dirs.push(self.workspace.clone());
            dirs.sort();
        }
        dirs
    }

    /// Whether a local chat works or waits for the user right now.
    pub fn any_busy(&self) -> bool {
        !self.busy().is_empty()
    }

    /// Every instance is gone (opencode was restarted).
    pub fn forget_all(&self) {
        self.book().forget_all();
    }

    /// Disposes every alive instance not needed for at least `min_idle`
    /// (`Duration::ZERO`: every one that is not busy, shown or waiting for
    /// the user); returns their directories.
    pub async fn dispose_idle(&self, min_idle: Duration) -> Vec<PathBuf> {
        self.notice_restart();
        let decided_at = Instant::now();
        let busy = self.busy();
        let idle = self
            .book()
            .idle(decided_at, min_idle, SHOWN_FOR, &busy, &self.workspace);
        if idle.is_empty() {
            return idle;
        }
        let client = match self.supervisor.upstream_within(WAIT_FOR_OPENCODE).await {
            Ok(upstream) => OpencodeClient::new(self.http.clone(), upstream),
            Err(err) => {
                tracing::debug!(%err, "no idle instance disposed: opencode is not up");
                return Vec::new();
            }
        };
        let mut disposed = Vec::new();
        for dir in idle {
            match self.dispose(&client, &dir, decided_at).await {
                Ok(true) => disposed.push(dir),
                Ok(false) => {}
                Err(err) => {
                    tracing::warn!(dir = %dir.display(), %err, "cannot dispose an idle chat's instance")
                }
            }
        }
        if !disposed.is_empty() {
            tracing::info!(
                chats = disposed.len(),
                "disposed idle chats' opencode instances"
            );
        }
        disposed
    }

    /// Disposes `dir`'s instance unless opencode says one of its sessions
    /// runs, or a request came after `decided_at`.
    async fn dispose(
        &self,
        client: &OpencodeClient,
        dir: &Path,
        decided_at: Instant,
    ) -> Result<bool, InstancesError> {
        // opencode's own word (the instance is loaded: asking loads
        // nothing): the event stream may have missed a start.
        if dir.exists() {
            let statuses = client.statuses(dir).await?;
            if statuses.values().any(|s| *s != SessionStatus::Idle) {
                return Ok(false);
            }
        }
        if !self.book().begin_dispose(dir, decided_at) {
            return Ok(false);
        }
        let result = client.dispose_instance(dir).await;
        // Its MCP processes are gone with it, the browser tools too.
        let had_tools = self.browsers.instance_reloaded(dir).await;
        self.agent_push.instance_reloaded(dir).await;
        // A chat deleted meanwhile has nothing left to dispose.
        let gone = result.is_ok() || !dir.exists();
        self.book().end_dispose(dir, gone, had_tools);
        self.disposed.notify_waiters();
        result?;
        Ok(true)
    }

    /// The local directories with a session that works or waits for the
    /// user, as the event stream tells.
    fn busy(&self) -> HashSet<PathBuf> {
        self.events
            .summaries()
            .into_iter()
            .filter(|chat| {
                matches!(
                    chat.status,
                    ChatStatus::Busy
                        | ChatStatus::Retrying
                        | ChatStatus::WaitingPermission
                        | ChatStatus::WaitingAnswer
                )
            })
            // Remote chats are filed under `@<connection>:<dir>`.
            .filter(|chat| Path::new(&chat.directory).is_absolute())
            .map(|chat| PathBuf::from(chat.directory))
            .collect()
    }

    /// A new opencode process has no instances.
    fn notice_restart(&self) {
        let pid = self.supervisor.status().pid;
        if self.book().opencode_is(pid) {
            tracing::info!("opencode restarted: none of its instances is loaded");
        }
    }
}

/// See [`Instances::hold`].
pub struct Hold {
    instances: Arc<Instances>,
    dir: PathBuf,
}

impl Drop for Hold {
    fn drop(&mut self) {
        self.instances.book().release(&self.dir, Instant::now());
    }
}

impl crate::server::events::InstanceObserver for Instances {
    fn heard(&self, directory: &str, kind: &str, session: Option<&str>) {
        let dir = Path::new(directory);
        if kind == "server.instance.disposed" {
            self.book().gone(dir);
        } else if session.is_some() && dir.is_absolute() {
            // Only a loaded instance runs sessions; other events (LSP,
            // file watcher) may trail a disposal.
            self.book().active(dir, Instant::now());
        }
    }

    fn alive(&self) -> Vec<PathBuf> {
        Instances::alive(self)
    }
}
