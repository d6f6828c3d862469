//! One upstream for every local directory: opencode's `GET /global/event`,
//! which names no directory, so it keeps no instance alive (a per-directory
//! `GET /event` loads its directory's instance, ends when that instance is
//! disposed, and its reconnect loads it again: one stream per chat kept
//! every chat's instance, and its MCP processes, alive for ever).
//!
//! Each event comes wrapped as `{directory, payload}`; the payload is what
//! the directory's own `/event` would have sent, so clients see the same
//! frames as before, filed under the same directories. Events of
//! directories pocketcode does not watch are left out, as before. Every
//! event is also told to the [`InstanceObserver`] (which instances live).
//!
//! After every (re)connect the chat states are resynchronised without
//! loading any instance: sessions from opencode's global list, run states
//! only from the instances that are alive anyway.

use std::collections::{BTreeSet, HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use futures::StreamExt as _;
use tokio::sync::Notify;

use super::hub::EventHub;
use super::sse_data::SseData;
use super::unwrap::unwrap_global;
use super::upstream::{STABLE, open_global_events, retry_backoff, running};
use crate::server::opencode_client::OpencodeClient;

/// How long to wait for opencode to be up before trying again.
const WAIT_FOR_OPENCODE: Duration = Duration::from_secs(30);

/// What learns, from the event stream, which instances opencode has.
pub trait InstanceObserver: Send + Sync {
    /// An event of `kind` came from `directory`'s instance; `session` is
    /// the session it is about, if any.
    fn heard(&self, directory: &str, kind: &str, session: Option<&str>);
    /// The local directories whose instance is loaded now (asking them
    /// about their sessions loads nothing new).
    fn alive(&self) -> Vec<PathBuf>;
}

/// The local directories relayed, and whether the stream is connected.
#[derive(Default)]
pub struct LocalDirectories {
    watched: Mutex<BTreeSet<String>>,
    /// Watched since the last resync: resync them (their sessions may
    /// have started before they were watched).
    fresh: Mutex<BTreeSet<String>>,
    wake: Notify,
    connected: std::sync::atomic::AtomicBool,
    task: Mutex<Option<tokio::task::JoinHandle<()>>>,
    observer: std::sync::OnceLock<Arc<dyn InstanceObserver>>,
}

impl LocalDirectories {
    fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
        m.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Adds `directory`; `true` when it was not watched yet.
    pub fn add(&self, directory: &str) -> bool {
        let added = Self::lock(&self.watched).insert(directory.to_owned());
        if added {
            Self::lock(&self.fresh).insert(directory.to_owned());
            self.wake.notify_one();
        }
        added
    }

    pub fn remove(&self, directory: &str) {
        Self::lock(&self.watched).remove(directory);
        Self::lock(&self.fresh).remove(directory);
    }

    pub fn contains(&self, directory: &str) -> bool {
        Self::lock(&self.watched).contains(directory)
    }

    pub fn list(&self) -> Vec<String> {
        Self::lock(&self.watched).iter().cloned().collect()
    }

    pub fn is_connected(&self) -> bool {
        self.connected.load(std::sync::atomic::Ordering::Relaxed)
    }

    pub fn observe(&self, observer: Arc<dyn InstanceObserver>) {
        let _ = self.observer.set(observer);
    }

    /// Starts the relay unless it runs.
    pub fn start(&self, hub: &Arc<EventHub>) {
        let mut task = Self::lock(&self.task);
        if task.as_ref().is_some_and(|t| !t.is_finished()) {
            return;
        }
        *task = Some(tokio::spawn(relay(hub.clone())));
    }

    pub fn stop(&self) {
        if let Some(task) = Self::lock(&self.task).take() {
            task.abort();
        }
        self.connected
            .store(false, std::sync::atomic::Ordering::Relaxed);
    }
}

/// Runs until [`LocalDirectories::stop`].
async fn relay(hub: Arc<EventHub>) {
    let mut backoff = retry_backoff();
    let mut connected_before = false;
    loop {
        let started = Instant::now();
        match stream_once(&hub, connected_before).await {
            Ok(()) => {
                connected_before = true;
                tracing::info!("opencode's global event stream ended; reconnecting");
            }
            Err(err) => tracing::warn!(%err, "opencode's global event stream unavailable"),
        }
        hub.local()
            .connected
            .store(false, std::sync::atomic::Ordering::Relaxed);
        if started.elapsed() > STABLE {
            backoff.reset();
        }
        backoff.wait().await;
    }
}

async fn stream_once(hub: &Arc<EventHub>, reconnect: bool) -> Result<(), String> {
    let upstream = hub
        .supervisor
        .upstream_within(WAIT_FOR_OPENCODE)
        .await
        .map_err(|err| err.to_string())?;
    let response = open_global_events(&upstream, "opencode").await?;
    // Connected: anything that happened before now is in opencode's REST
    // state, anything after arrives on this stream.
    let local = hub.local();
    let client = OpencodeClient::new(hub.http.clone(), upstream);
    std::mem::take(&mut *LocalDirectories::lock(&local.fresh));
    if let Err(err) = resync(hub, &client, &local.list()).await {
        tracing::warn!(%err, "cannot resync chat states");
    }
    if reconnect {
        // As each directory's own stream did: clients refetch per chat.
        for directory in local.list() {
            hub.publish_resync(Some(&directory), "the upstream event stream reconnected");
        }
    }
    local
        .connected
        .store(true, std::sync::atomic::Ordering::Relaxed);
    let mut events = SseData::new(response);
    loop {
        tokio::select! {
            event = events.next() => match event {
                Some(Ok(data)) => relay_one(hub, &data),
                Some(Err(err)) => {
                    tracing::debug!(%err, "global event stream broke");
                    return Ok(());
                }
                None => return Ok(()),
            },
            () = local.wake.notified() => {
                let fresh: Vec<String> =
                    std::mem::take(&mut *LocalDirectories::lock(&local.fresh)).into_iter().collect();
                if !fresh.is_empty()
                    && let Err(err) = resync(hub, &client, &fresh).await
                {
                    tracing::warn!(%err, "cannot resync newly watched chats");
                }
            }
        }
    }
}

fn relay_one(hub: &EventHub, data: &str) {
    let Some(event) = unwrap_global(data) else {
        return;
    };
    let local = hub.local();
    if let Some(observer) = local.observer.get() {
        observer.heard(&event.directory, &event.kind, event.session.as_deref());
    }
    if local.contains(&event.directory) {
        hub.publish_event(
            &event.directory,
            &event.kind,
            event.session.as_deref(),
            event.payload,
        );
    }
}

/// Sets the chat states of `directories` from opencode's REST API without
/// loading an instance: sessions from the global list, run states from the
/// instances alive (the others run nothing).
async fn resync(
    hub: &EventHub,
    client: &OpencodeClient,
    directories: &[String],
) -> Result<(), String> {
    if directories.is_empty() {
        return Ok(());
    }
    let sessions = client
        .all_sessions(false)
        .await
        .map_err(|err| err.to_string())?;
    let alive: HashSet<PathBuf> = hub
        .local()
        .observer
        .get()
        .map(|o| o.alive().into_iter().collect())
        .unwrap_or_default();
    for directory in directories {
        let listed: Vec<(String, String)> = sessions
            .iter()
            .filter(|s| &s.directory == directory)
            .map(|s| (s.id.clone(), s.title.clone()))
            .collect();
        let path = Path::new(directory);
        let busy = if alive.contains(path) {
            let statuses = client.statuses(path).await.map_err(|err| err.to_string())?;
            running(statuses)
        } else {
            HashMap::new()
        };
        hub.resync_summaries(directory, &listed, &busy);
    }
    Ok(())
}
