//! The multiplexer: every upstream publishes here; every client stream
//! subscribes here. Publishing numbers the event, keeps it for replay,
//! updates the chat summaries and broadcasts it, all under one lock, so a
//! subscriber's replay and its live feed meet with no gap and no overlap.

use std::collections::HashMap;
use std::path::Path;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::Instant;

use serde_json::Value;
use tokio::sync::broadcast;

use super::alert::{Alert, AlertKind, alert_detail};
use super::config::EventsConfig;
use super::global::{InstanceObserver, LocalDirectories};
use super::replay::{Replay, ReplayBuffer, Stored};
use super::summary::Summaries;
use crate::model::live::{ChatActivity, ChatStatus};
use crate::server::auth::unix_now;
use crate::server::supervisor::Supervisor;

/// The event kinds whose properties a chat's summary (title, status) or
/// an alert's detail reads; every other kind only marks the chat active.
const SUMMARISED: &[&str] = &["session.", "permission.", "question."];

/// Event kinds no client uses: dropped at the door.
const NOISE: &[&str] = &[
    "plugin.",
    "server.",
    "lsp.",
    "installation.",
    "file.watcher.",
];

struct HubState {
    replay: ReplayBuffer,
    summaries: Summaries,
}

/// One new client's starting point.
pub struct Subscription {
    pub replay: Replay,
    pub live: broadcast::Receiver<Arc<Stored>>,
    /// The last sequence number included in `replay` (or current when none).
    pub after: u64,
}

pub struct EventHub {
    state: Mutex<HubState>,
    live: broadcast::Sender<Arc<Stored>>,
    config: EventsConfig,
    pub(super) supervisor: Arc<Supervisor>,
    pub(super) http: reqwest::Client,
    /// Remote repos' upstreams (local directories share one: `local`).
    upstreams: Mutex<HashMap<String, tokio::task::JoinHandle<()>>>,
    local: LocalDirectories,
    /// Remote repos whose upstream is connected right now.
    connected: Mutex<std::collections::HashSet<String>>,
    /// Where a chat that finished or needs the user is announced (push
    /// notifications), once something listens.
    alerts: std::sync::OnceLock<tokio::sync::mpsc::UnboundedSender<Alert>>,
}

impl std::fmt::Debug for EventHub {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EventHub").finish_non_exhaustive()
    }
}

impl EventHub {
    pub fn new(
        config: EventsConfig,
        supervisor: Arc<Supervisor>,
        http: reqwest::Client,
    ) -> Arc<Self> {
        let epoch = format!("{:08x}", rand::random::<u32>());
        let (live, _) = broadcast::channel(config.events_client_queue.max(16));
        Arc::new(Self {
            state: Mutex::new(HubState {
                replay: ReplayBuffer::new(epoch, config.events_replay_size, config.replay_age()),
                summaries: Summaries::default(),
            }),
            live,
            config,
            supervisor,
            http,
            upstreams: Mutex::new(HashMap::new()),
            local: LocalDirectories::default(),
            connected: Mutex::new(std::collections::HashSet::new()),
            alerts: std::sync::OnceLock::new(),
        })
    }

    /// Sends every [`Alert`] from now on to `to` (set once).
    pub fn send_alerts_to(&self, to: tokio::sync::mpsc::UnboundedSender<Alert>) {
        let _ = self.alerts.set(to);
    }

    fn lock(&self) -> MutexGuard<'_, HubState> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    pub fn heartbeat(&self) -> std::time::Duration {
        self.config.heartbeat()
    }

    /// Relays one `data:` payload of `directory`'s upstream.
    pub fn publish_upstream(&self, directory: &str, data: &str) {
        let Some(head) = super::unwrap::head(data) else {
            tracing::debug!(%directory, "dropped an upstream event that is not JSON");
            return;
        };
        self.publish_event(directory, &head.kind, head.session.as_deref(), data);
    }

    /// Relays event `data` of `directory`, of type `kind` about `session`
    /// (both already read from it). Only the kinds that can change a chat's
    /// summary are parsed again, for their properties: the text of a
    /// streamed part (most events) is relayed as it came.
    pub(super) fn publish_event(
        &self,
        directory: &str,
        kind: &str,
        session: Option<&str>,
        data: &str,
    ) {
        if kind.is_empty() || NOISE.iter().any(|noise| kind.starts_with(noise)) {
            return;
        }
        let frame = format!(
            r#"{{"kind":"event","directory":{}{},"event":{}}}"#,
            json_string(directory),
            session
                .map(|s| format!(r#","session":{}"#, json_string(s)))
                .unwrap_or_default(),
            data.trim()
        );
        let props = SUMMARISED
            .iter()
            .any(|prefix| kind.starts_with(prefix))
            .then(|| serde_json::from_str::<Value>(data).ok())
            .flatten()
            .map(|mut event| event["properties"].take())
            .unwrap_or(Value::Null);
        let mut state = self.lock();
        if let Some(session) = session {
            let before = state.summaries.get(session).map(|c| c.status);
            state
                .summaries
                .apply(directory, session, kind, &props, unix_now() * 1000);
            if let (Some(alerts), Some(chat)) = (self.alerts.get(), state.summaries.get(session))
                && let Some(kind) = AlertKind::between(before, chat.status)
            {
                let _ = alerts.send(Alert {
                    kind,
                    chat: chat.clone(),
                    detail: alert_detail(&props),
                });
            }
        }
        self.push(&mut state, frame);
    }

    /// Relays an event of pocketcode's own (`kind`, e.g. `queue.updated`)
    /// about `session` in `directory`, shaped like opencode's so a chat
    /// gets it with its session's events. The summaries are left alone.
    pub fn publish_own(&self, directory: &str, session: &str, kind: &str) {
        let event = serde_json::json!({ "type": kind, "properties": { "sessionID": session } });
        let frame = serde_json::json!({
            "kind": "event", "directory": directory, "session": session, "event": event,
        });
        let mut state = self.lock();
        self.push(&mut state, frame.to_string());
    }

    /// Tells every client to refetch `directory` (or everything).
    pub fn publish_resync(&self, directory: Option<&str>, reason: &str) {
        let mut item = serde_json::json!({ "kind": "resync", "reason": reason });
        if let Some(directory) = directory {
            item["directory"] = Value::from(directory);
        }
        let mut state = self.lock();
        self.push(&mut state, item.to_string());
    }

    fn push(&self, state: &mut HubState, frame: String) {
        let stored = state.replay.push(&frame, Instant::now());
        // No receivers is fine: the event is in the replay buffer.
        let _ = self.live.send(stored);
    }

    /// A client's replay (after `last_id`) and its live feed.
    pub fn subscribe(&self, last_id: Option<&str>) -> Subscription {
        let mut state = self.lock();
        let live = self.live.subscribe();
        let current = state.replay.last_seq();
        let replay = match last_id {
            Some(id) => state.replay.since(id, Instant::now()),
            None => Replay::Missed(Vec::new()),
        };
        Subscription {
            replay,
            live,
            after: current,
        }
    }

    /// The wire id of `seq`.
    pub fn wire_id(&self, seq: u64) -> String {
        self.lock().replay.wire_id(seq)
    }

    /// The newest sequence number handed out.
    pub fn last_seq(&self) -> u64 {
        self.lock().replay.last_seq()
    }

    /// Applies a REST resync of `directory` to the summaries.
    pub fn resync_summaries(
        &self,
        directory: &str,
        listed: &[(String, String)],
        busy: &HashMap<String, ChatStatus>,
    ) {
        self.lock().summaries.resync(directory, listed, busy);
    }

    /// opencode was restarted: marks its working chats interrupted and
    /// tells every client (`frame`, see [`super::interrupted`]).
    pub(super) fn publish_restart(&self, frame: String) -> usize {
        let mut state = self.lock();
        let interrupted = state.summaries.interrupt_working(unix_now() * 1000);
        self.push(&mut state, frame);
        interrupted
    }

    /// The user sent something to `session` (see [`Summaries::resume`]).
    pub fn resume(&self, session: &str) {
        self.lock().summaries.resume(session);
    }

    pub fn summaries(&self) -> Vec<ChatActivity> {
        self.lock().summaries.list()
    }

    /// Whether `session` is on a run as this stream has told it so far:
    /// what a load made after a client saw an event must agree with, since
    /// opencode's own status can lag its events (it may still report a
    /// session busy just after announcing it idle). `None` when the stream
    /// cannot say: a session it has not seen, or one whose upstream is
    /// down (its summary may be stale).
    pub fn working(&self, session: &str) -> Option<bool> {
        let chat = self.lock().summaries.get(session).cloned()?;
        self.upstream_connected(&chat.directory)
            .then(|| chat.status.is_working())
    }

    /// Whether the upstream of event directory `key` (a local path, or a
    /// remote's `@name:/dir`) is connected.
    fn upstream_connected(&self, key: &str) -> bool {
        if self.local.contains(key) {
            return self.local.is_connected();
        }
        let Some((repo, _)) = key
            .starts_with(crate::model::remotes::REMOTE_MARK)
            .then(|| key.split_once(':'))
            .flatten()
        else {
            return false;
        };
        self.connected
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .contains(repo)
    }

    pub fn mark_read(&self, session: &str) -> bool {
        self.lock().summaries.mark_read(session)
    }

    /// Starts relaying local `directory`'s events (no-op when already
    /// relayed). All local directories share one upstream, which loads no
    /// instance (see `global`).
    pub fn watch(self: &Arc<Self>, directory: &Path) {
        self.local.add(&directory.display().to_string());
        self.local.start(self);
    }

    /// Tells `observer` of every local event (which instances live).
    pub fn observe_instances(&self, observer: Arc<dyn InstanceObserver>) {
        self.local.observe(observer);
    }

    pub(super) fn local(&self) -> &LocalDirectories {
        &self.local
    }

    /// Starts relaying every directory of remote `repo` (`@<connection>`),
    /// whose opencode `source` gives while connected (no-op when already
    /// relayed). Its events are filed under `@<connection>:<directory>`.
    pub fn watch_remote(self: &Arc<Self>, repo: &str, source: super::remote::UpstreamSource) {
        let mut upstreams = self
            .upstreams
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        if upstreams.get(repo).is_some_and(|task| !task.is_finished()) {
            return;
        }
        let task = tokio::spawn(super::remote::relay(self.clone(), repo.to_owned(), source));
        upstreams.insert(repo.to_owned(), task);
    }

    /// Stops relaying remote `repo` and forgets its chats (disconnected).
    pub fn unwatch_remote(&self, repo: &str) {
        let task = self
            .upstreams
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .remove(repo);
        if let Some(task) = task {
            task.abort();
        }
        self.set_connected(repo, false);
        self.lock()
            .summaries
            .forget_under(&crate::model::remotes::event_directory(repo, ""));
    }

    /// Stops relaying `directory` (its worktree is gone).
    pub fn unwatch(&self, directory: &Path) {
        let key = directory.display().to_string();
        self.local.remove(&key);
        self.lock().summaries.forget_directory(&key);
    }

    /// The local directories and remote repos relayed.
    pub fn watched(&self) -> Vec<String> {
        let mut dirs = self.local.list();
        dirs.extend(
            self.upstreams
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .keys()
                .cloned(),
        );
        dirs.sort();
        dirs
    }

    /// Whether `directory`'s upstream is connected (its events are flowing).
    pub fn is_connected(&self, directory: &Path) -> bool {
        let key = directory.display().to_string();
        (self.local.contains(&key) && self.local.is_connected())
            || self
                .connected
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .contains(&key)
    }

    pub(super) fn set_connected(&self, directory: &str, connected: bool) {
        let mut set = self
            .connected
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        if connected {
            set.insert(directory.to_string());
        } else {
            set.remove(directory);
        }
    }

    /// Ends every upstream (pocketcode is stopping).
    pub fn shutdown(&self) {
        self.local.stop();
        let tasks: Vec<_> = self
            .upstreams
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .drain()
            .collect();
        for (_, task) in tasks {
            task.abort();
        }
    }
}

fn json_string(value: &str) -> String {
    Value::from(value).to_string()
}
