//! Live connections: per profile, the steps Connecting → Discovering →
//! (Bootstrapping →) Connected or Failed, each recorded with its time; the
//! tunnel while connected, watched and rebuilt with backoff if ssh dies;
//! and the diagnostics report.

use std::collections::HashMap;
use std::fmt::Write as _;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};

use super::access::{RemoteAccess, new_password};
use super::command::SshSettings;
use super::diagnostics::redact;
use super::profile::Profile;
use super::tunnel::Tunnel;
use super::{SshError, bootstrap, discover};
pub use crate::model::remotes::RemoteState;
use crate::server::backoff::Backoff;

/// How long opencode may take to answer after a bootstrap started it.
const AFTER_BOOTSTRAP: Duration = Duration::from_secs(30);
const WATCH_EVERY: Duration = Duration::from_secs(1);
const FIRST_BACKOFF: Duration = Duration::from_secs(1);
const LONGEST_BACKOFF: Duration = Duration::from_secs(30);

#[derive(Default)]
struct Record {
    state: Option<RemoteState>,
    history: Vec<(Duration, RemoteState)>,
    started: Option<Instant>,
    args: Vec<String>,
    ssh_output: String,
    bootstrap_output: String,
    /// The remote opencode's password while connected (None: it has none).
    password: Option<String>,
    tunnel: Option<Arc<tokio::sync::Mutex<Option<Tunnel>>>>,
    watcher: Option<tokio::task::JoinHandle<()>>,
}

/// Told of every state a connection enters.
pub type OnChange = Box<dyn Fn(&str, &RemoteState) + Send + Sync>;

pub struct Connections {
    pub(super) settings: SshSettings,
    pub(super) http: reqwest::Client,
    pinned: String,
    access: RemoteAccess,
    records: Mutex<HashMap<String, Record>>,
    on_change: std::sync::OnceLock<OnChange>,
}

impl Connections {
    /// Remote passwords and accepted open remotes are kept in `data_dir`.
    pub fn new(
        settings: SshSettings,
        http: reqwest::Client,
        pinned: &str,
        data_dir: &std::path::Path,
    ) -> Arc<Self> {
        Arc::new(Self {
            settings,
            http,
            pinned: pinned.to_owned(),
            access: RemoteAccess::new(data_dir),
            records: Mutex::default(),
            on_change: std::sync::OnceLock::new(),
        })
    }

    /// Calls `observer` with every state any connection enters from now
    /// on (set once; later calls are ignored).
    pub fn on_change(&self, observer: OnChange) {
        let _ = self.on_change.set(observer);
    }

    fn lock(&self) -> MutexGuard<'_, HashMap<String, Record>> {
        self.records.lock().unwrap_or_else(PoisonError::into_inner)
    }

    pub fn state(&self, name: &str) -> RemoteState {
        self.lock()
            .get(name)
            .and_then(|r| r.state.clone())
            .unwrap_or(RemoteState::Disconnected)
    }

    /// The password of connection `name`'s remote opencode, if it has one.
    pub(super) fn password(&self, name: &str) -> Option<String> {
        self.lock().get(name).and_then(|r| r.password.clone())
    }

    /// Every connection that has a record (connected or not).
    pub(super) fn names(&self) -> Vec<String> {
        self.lock().keys().cloned().collect()
    }

    fn set(&self, name: &str, state: RemoteState) {
        let mut records = self.lock();
        let record = records.entry(name.to_owned()).or_default();
        let at = record.started.map_or(Duration::ZERO, |s| s.elapsed());
        record.history.push((at, state.clone()));
        record.state = Some(state.clone());
        drop(records);
        if let Some(observer) = self.on_change.get() {
            observer(name, &state);
        }
    }

    fn fail(&self, name: &str, error: &SshError) -> RemoteState {
        let state = RemoteState::Failed {
            kind: error.kind().to_owned(),
            message: error.to_string(),
        };
        self.set(name, state.clone());
        state
    }

    /// Runs the steps for `profile` (any earlier connection of it ends
    /// first) and returns where they ended.
    pub async fn connect(self: &Arc<Self>, profile: Profile) -> RemoteState {
        self.disconnect(&profile.name).await;
        {
            let mut records = self.lock();
            let record = records.entry(profile.name.clone()).or_default();
            *record = Record {
                started: Some(Instant::now()),
                ..Record::default()
            };
        }
        match self.establish(&profile).await {
            Ok((tunnel, version, password)) => {
                let local_port = tunnel.local_port;
                let slot = Arc::new(tokio::sync::Mutex::new(Some(tunnel)));
                let watcher =
                    tokio::spawn(Arc::clone(self).watch(profile.clone(), Arc::clone(&slot)));
                {
                    let mut records = self.lock();
                    let record = records.entry(profile.name.clone()).or_default();
                    record.password = password;
                    record.tunnel = Some(slot);
                    record.watcher = Some(watcher);
                }
                let state = RemoteState::Connected {
                    local_port,
                    version,
                };
                self.set(&profile.name, state.clone());
                state
            }
            Err(error) => self.fail(&profile.name, &error),
        }
    }

    /// Tunnel, discovery, and the bootstrap when discovery fails and the
    /// profile allows it: the tunnel, opencode's version and its password.
    async fn establish(
        &self,
        profile: &Profile,
    ) -> Result<(Tunnel, String, Option<String>), SshError> {
        self.set(&profile.name, RemoteState::Connecting);
        let mut password = self.access.password(&profile.name)?;
        let tunnel = self.open_tunnel(profile).await?;
        self.set(&profile.name, RemoteState::Discovering);
        let where_ = format!("port {} of {}", profile.remote_port, profile.host);
        let port = tunnel.local_port;
        let found = discover(&self.http, port, &where_, &self.pinned, password.as_deref()).await;
        let found = match found {
            Err(SshError::Discovery(_)) if profile.bootstrap => {
                self.set(&profile.name, RemoteState::Bootstrapping);
                // Stored first: an opencode pocketcode cannot enter is no use.
                let fresh = new_password();
                if let Err(error) = self.access.set_password(&profile.name, &fresh) {
                    tunnel.close().await;
                    return Err(error);
                }
                let (started, output) = bootstrap::run(profile, &self.settings, &fresh).await;
                password = Some(fresh);
                if let Some(record) = self.lock().get_mut(&profile.name) {
                    record.bootstrap_output =
                        format!("stdout:\n{}stderr:\n{}", output.stdout, output.stderr);
                }
                if let Err(error) = started {
                    tunnel.close().await;
                    return Err(error);
                }
                self.set(&profile.name, RemoteState::Discovering);
                self.discover_for(port, &where_, password.as_deref(), AFTER_BOOTSTRAP)
                    .await
            }
            other => other,
        };
        let checked = found.and_then(|remote| {
            if !remote.open {
                return Ok((remote.version, password));
            }
            if self.access.open_accepted(&profile.name, &open_target(profile))? {
                return Ok((remote.version, None));
            }
            Err(SshError::Open(format!(
                "the opencode on {where_} has no password: it is open to every user of {host}. Use it anyway only if you trust every user of {host}; or stop it there and connect again with bootstrap on, so that pocketcode starts one with a password",
                host = profile.host
            )))
        });
        match checked {
            Ok((version, password)) => Ok((tunnel, version, password)),
            Err(error) => {
                tunnel.close().await;
                Err(error)
            }
        }
    }

    /// The user accepts that profile `name`'s remote opencode has no
    /// password (until the profile points elsewhere).
    pub fn accept_open(&self, profile: &Profile) -> Result<(), SshError> {
        self.access
            .accept_open(&profile.name, &open_target(profile))
    }

    /// Profile `name` was deleted: its password and acceptance go too.
    pub fn forget(&self, name: &str) -> Result<(), SshError> {
        self.access.forget(name)
    }

    async fn open_tunnel(&self, profile: &Profile) -> Result<Tunnel, SshError> {
        let opened = Tunnel::open(profile, &self.settings).await;
        if let Some(record) = self.lock().get_mut(&profile.name) {
            record.args = super::forward_args(profile, &self.settings, 0);
            if let Ok(tunnel) = &opened {
                record.args.clone_from(&tunnel.args);
            }
        }
        opened
    }

    /// Discovery, again and again until `limit` (opencode starting up).
    async fn discover_for(
        &self,
        port: u16,
        where_: &str,
        password: Option<&str>,
        limit: Duration,
    ) -> Result<super::RemoteOpencode, SshError> {
        let deadline = Instant::now() + limit;
        loop {
            match discover(&self.http, port, where_, &self.pinned, password).await {
                Err(SshError::Discovery(_)) if Instant::now() < deadline => {
                    tokio::time::sleep(Duration::from_millis(500)).await;
                }
                other => return other,
            }
        }
    }

    /// Rebuilds the tunnel with backoff whenever ssh dies while connected.
    async fn watch(
        self: Arc<Self>,
        profile: Profile,
        slot: Arc<tokio::sync::Mutex<Option<Tunnel>>>,
    ) {
        let mut backoff = Backoff::new(FIRST_BACKOFF, LONGEST_BACKOFF);
        loop {
            tokio::time::sleep(WATCH_EVERY).await;
            let mut guard = slot.lock().await;
            let Some(tunnel) = guard.as_mut() else { return };
            if tunnel.is_running() {
                backoff.reset();
                continue;
            }
            let output = tunnel.stderr();
            if let Some(record) = self.lock().get_mut(&profile.name) {
                record.ssh_output.push_str(&output);
            }
            *guard = None;
            drop(guard);
            tracing::warn!(profile = %profile.name, "ssh tunnel died; reconnecting");
            loop {
                match self.establish(&profile).await {
                    Ok((tunnel, version, password)) => {
                        let local_port = tunnel.local_port;
                        *slot.lock().await = Some(tunnel);
                        if let Some(record) = self.lock().get_mut(&profile.name) {
                            record.password = password;
                        }
                        self.set(
                            &profile.name,
                            RemoteState::Connected {
                                local_port,
                                version,
                            },
                        );
                        break;
                    }
                    Err(error) => {
                        self.fail(&profile.name, &error);
                        backoff.wait().await;
                    }
                }
            }
        }
    }

    /// Ends the connection: the watcher stops, ssh gets SIGTERM (then
    /// SIGKILL). `false` when it was not connected.
    pub async fn disconnect(&self, name: &str) -> bool {
        let (watcher, slot) = match self.lock().get_mut(name) {
            Some(record) => (record.watcher.take(), record.tunnel.take()),
            None => return false,
        };
        if let Some(watcher) = watcher {
            watcher.abort();
        }
        let Some(slot) = slot else { return false };
        if let Some(tunnel) = slot.lock().await.take() {
            let output = tunnel.stderr();
            if let Some(record) = self.lock().get_mut(name) {
                record.ssh_output.push_str(&output);
            }
            tunnel.close().await;
        }
        self.set(name, RemoteState::Disconnected);
        true
    }

    /// Every connection ends (pocketcode shutting down).
    pub async fn shutdown(&self) {
        for name in self.names() {
            self.disconnect(&name).await;
        }
    }

    /// The report behind "Copy diagnostics", redacted.
    pub async fn diagnostics(&self, name: &str) -> Option<String> {
        let live_output = {
            let slot = self.lock().get(name).and_then(|r| r.tunnel.clone());
            match slot {
                Some(slot) => slot
                    .lock()
                    .await
                    .as_ref()
                    .map(Tunnel::stderr)
                    .unwrap_or_default(),
                None => String::new(),
            }
        };
        let records = self.lock();
        let record = records.get(name)?;
        let mut text = String::new();
        let _ = writeln!(text, "pocketcode connection diagnostics: {name}");
        let _ = writeln!(
            text,
            "state: {:?}",
            record.state.clone().unwrap_or(RemoteState::Disconnected)
        );
        let binary = self.settings.binary.display();
        let _ = writeln!(text, "ssh command: {binary} {}", record.args.join(" "));
        let _ = writeln!(text, "history:");
        for (at, state) in &record.history {
            let _ = writeln!(text, "  +{} ms {state:?}", at.as_millis());
        }
        let _ = writeln!(text, "ssh output:\n{}{live_output}", record.ssh_output);
        if !record.bootstrap_output.is_empty() {
            let _ = writeln!(text, "bootstrap output:\n{}", record.bootstrap_output);
        }
        if let Some(password) = record.password.as_deref().filter(|p| !p.is_empty()) {
            text = text.replace(password, "[password removed]");
        }
        let home = std::env::var("HOME").ok();
        Some(redact(&text, home.as_deref()))
    }
}

/// What an acceptance of an open remote is tied to: `host:port`.
fn open_target(profile: &Profile) -> String {
    format!(
        "{}:{}",
        profile.hostname.as_deref().unwrap_or(&profile.host),
        profile.remote_port
    )
}
