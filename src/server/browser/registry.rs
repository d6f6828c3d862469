//! Every chat's browser: started on demand (from the panel, or by the
//! agent's first browser tool call through the chat's gate), at most `max`
//! at once, stopped when idle, when its chat is deleted, or on shutdown.
//! The agent's browser tools are given to the chat's opencode instance
//! only (see `agent_tools`), pointed at the chat's gate.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use super::BrowserError;
use super::agent_tools::AgentTools;
use super::chromium::{LaunchOptions, browser_dir};
use super::chromium_sandbox::SandboxChoice;
use super::egress::{ForwardProxy, Reach};
use super::gate::Gate;
use super::instance::ChatBrowser;
use crate::model::browser::{BrowserStatus, MCP_NAME};
use crate::server::opencode_client::OpencodeClient;
use crate::server::sandbox::internal_ports::InternalPorts;
use crate::server::supervisor::Supervisor;

/// How browsers are run.
#[derive(Clone, Debug)]
pub struct BrowserSettings {
    pub chromium: PathBuf,
    /// Where each chat's browser gets its own directory (`browsers/<chat>`).
    pub data_dir: PathBuf,
    /// How many may run at once (~1 GB of memory each).
    pub max: usize,
    /// A browser nobody watched or used for this long is stopped.
    pub idle: Duration,
    /// `@playwright/mcp`'s `cli.js`, run with `node`: the agent's browser tools.
    pub mcp_cli: Option<PathBuf>,
    /// The agent zone Chromium runs in (`None` with `--no-sandbox`).
    pub zone: Option<crate::server::sandbox::Zone>,
}

/// `@playwright/mcp`'s entry point in the project's pinned npm install.
pub fn locate_mcp_cli() -> Option<PathBuf> {
    crate::server::supervisor::project_roots()
        .into_iter()
        .map(|root| root.join("node_modules/@playwright/mcp/cli.js"))
        .find(|path| path.is_file())
}

pub struct Browsers {
    settings: BrowserSettings,
    http: reqwest::Client,
    pub(super) supervisor: Arc<Supervisor>,
    browsers: Mutex<HashMap<String, Arc<ChatBrowser>>>,
    /// One start at a time, so the cap holds.
    starting: tokio::sync::Mutex<()>,
    /// Each chat's gate, by key.
    gates: Mutex<HashMap<String, Gate>>,
    /// Chat directories whose opencode instance has the browser tools, and
    /// the opencode process that has them (a restarted one has not).
    pub(super) tools: tokio::sync::Mutex<HashMap<PathBuf, u32>>,
    /// The agent's browser tools, served from the first chat given them.
    pub(super) agent_tools: tokio::sync::OnceCell<Arc<AgentTools>>,
    /// pocketcode's own ports, which pages may not reach.
    pub(super) internal: Arc<InternalPorts>,
    /// Every Chromium's way out, opened with the first browser.
    proxy: tokio::sync::OnceCell<ForwardProxy>,
    sandbox: SandboxChoice,
    pub(super) me: std::sync::Weak<Self>,
}

impl Browsers {
    /// Browsers whose pages may not reach `internal`; their own gates,
    /// debugging ports and proxy join it.
    pub fn new(
        settings: BrowserSettings,
        http: reqwest::Client,
        supervisor: Arc<Supervisor>,
        internal: Arc<InternalPorts>,
    ) -> Arc<Self> {
        let browsers = Arc::new_cyclic(|me| Self {
            settings,
            http,
            supervisor,
            browsers: Mutex::default(),
            starting: tokio::sync::Mutex::new(()),
            gates: Mutex::default(),
            tools: tokio::sync::Mutex::default(),
            agent_tools: tokio::sync::OnceCell::new(),
            internal: internal.clone(),
            proxy: tokio::sync::OnceCell::new(),
            sandbox: SandboxChoice::new(),
            me: me.clone(),
        });
        let weak = Arc::downgrade(&browsers);
        internal.add_source(Box::new(move || {
            weak.upgrade().map(|b| b.own_ports()).unwrap_or_default()
        }));
        tokio::spawn(reap_idle(Arc::downgrade(&browsers)));
        browsers
    }

    /// The proxy's port, every gate's and every Chromium's debugging port.
    fn own_ports(&self) -> Vec<u16> {
        let mut ports: Vec<u16> = self.proxy.get().map(|p| p.port).into_iter().collect();
        if let Ok(gates) = self.gates.lock() {
            ports.extend(gates.values().map(|gate| gate.port));
        }
        ports.extend(self.all().iter().map(|b| b.cdp_port()));
        ports
    }

    pub fn settings(&self) -> &BrowserSettings {
        &self.settings
    }

    pub fn get(&self, key: &str) -> Option<Arc<ChatBrowser>> {
        self.browsers.lock().ok()?.get(key).cloned()
    }

    pub fn status(&self, key: &str) -> BrowserStatus {
        self.get(key)
            .map(|b| b.status())
            .unwrap_or(BrowserStatus::Stopped)
    }

    /// The pids of the running browsers' main processes.
    pub fn pids(&self) -> Vec<u32> {
        self.all().iter().map(|b| b.pid()).collect()
    }

    fn all(&self) -> Vec<Arc<ChatBrowser>> {
        self.browsers
            .lock()
            .map(|b| b.values().cloned().collect())
            .unwrap_or_default()
    }

    fn running(&self) -> usize {
        self.all()
            .iter()
            .filter(|b| matches!(b.status(), BrowserStatus::Running { .. }))
            .count()
    }

    /// Chat `key`'s browser, started if it is not running (a crashed one
    /// is cleaned up and started afresh); the agent gets its browser tools
    /// in the opencode instance of `directory` if it has not yet.
    pub async fn start(
        &self,
        key: &str,
        directory: &Path,
    ) -> Result<Arc<ChatBrowser>, BrowserError> {
        let browser = self.launch(key, directory).await?;
        self.give_tools(key, directory).await?;
        // Idle from now on, not from before the tools were given.
        browser.touch();
        Ok(browser)
    }

    /// Starts Chromium unless it runs (the gate's way in: no tools needed).
    pub(super) async fn launch(
        &self,
        key: &str,
        directory: &Path,
    ) -> Result<Arc<ChatBrowser>, BrowserError> {
        let _one_at_a_time = self.starting.lock().await;
        if let Some(existing) = self.get(key) {
            if matches!(existing.status(), BrowserStatus::Running { .. }) {
                return Ok(existing);
            }
            self.remove(key);
            existing.stop().await;
        }
        let running = self.running();
        if running >= self.settings.max {
            return Err(BrowserError::CapReached { running });
        }
        let proxy = self
            .proxy
            .get_or_try_init(|| ForwardProxy::start(Reach::new(self.internal.clone())))
            .await?;
        let options = |sandbox| LaunchOptions {
            proxy_port: proxy.port,
            sandbox,
            zone: self.settings.zone.clone(),
        };
        let start = |sandbox| {
            ChatBrowser::start(
                &self.http,
                &self.settings.chromium,
                options(sandbox),
                browser_dir(&self.settings.data_dir, key),
                directory.to_path_buf(),
            )
        };
        let sandbox = self.sandbox.wanted();
        let browser = match start(sandbox).await {
            Ok(browser) => {
                if sandbox {
                    self.sandbox.works();
                }
                browser
            }
            // Only the first time: a sandbox that worked once is not the
            // reason a later start failed.
            Err(BrowserError::Launch { reason, .. }) if sandbox && self.sandbox.untried() => {
                let browser = start(false).await?;
                self.sandbox
                    .failed(format!("Chromium would not start sandboxed ({reason})"));
                browser
            }
            Err(err) => return Err(err),
        };
        tracing::info!(
            chat = key,
            pid = browser.pid(),
            sandboxed = sandbox && self.sandbox.wanted(),
            "started a chat's browser"
        );
        if let Ok(mut browsers) = self.browsers.lock() {
            browsers.insert(key.to_owned(), browser.clone());
        }
        Ok(browser)
    }

    /// Stops chat `key`'s Chromium; returns whether one ran. Its gate and
    /// the agent's tools stay: the agent's next browser call starts it again.
    pub async fn stop(&self, key: &str) -> bool {
        let Some(browser) = self.remove(key) else {
            return false;
        };
        browser.stop().await;
        tracing::info!(chat = key, "stopped a chat's browser");
        true
    }

    fn remove(&self, key: &str) -> Option<Arc<ChatBrowser>> {
        self.browsers.lock().ok()?.remove(key)
    }

    /// Chat `key` is gone: its Chromium, its gate and the agent's tools.
    pub async fn forget(&self, key: &str, directory: &Path) {
        self.stop(key).await;
        let gate = self.gates.lock().ok().and_then(|mut g| g.remove(key));
        drop(gate);
        self.end_tools(key, true).await;
        if self.tools.lock().await.remove(directory).is_none() {
            return;
        }
        let result = match self.opencode().await {
            Ok(client) => client
                .disconnect_mcp(directory, MCP_NAME)
                .await
                .map_err(|e| e.to_string()),
            Err(err) => Err(err.to_string()),
        };
        if let Err(err) = result {
            tracing::warn!(%err, "cannot take the browser tools away from a deleted chat");
        }
    }

    /// opencode dropped `directory`'s instance, the browser tools with it:
    /// the agent's next prompt there gives them again. Whether it had them.
    pub async fn instance_reloaded(&self, directory: &Path) -> bool {
        if let Some(key) = directory.file_name().and_then(|n| n.to_str()) {
            self.end_tools(key, false).await;
        }
        self.tools.lock().await.remove(directory).is_some()
    }

    /// Forgets every chat whose worktree is gone (deleted by any path:
    /// the UI, the admin API, garbage collection).
    pub async fn forget_removed(&self) {
        let mut gone: Vec<(String, PathBuf)> = self
            .gates
            .lock()
            .map(|g| {
                g.iter()
                    .map(|(key, gate)| (key.clone(), gate.directory.clone()))
                    .collect()
            })
            .unwrap_or_default();
        gone.extend(
            self.browsers
                .lock()
                .map(|b| {
                    b.iter()
                        .map(|(key, browser)| (key.clone(), browser.directory.clone()))
                        .collect::<Vec<_>>()
                })
                .unwrap_or_default(),
        );
        gone.retain(|(_, dir)| !dir.exists());
        gone.dedup();
        for (key, dir) in gone {
            self.forget(&key, &dir).await;
        }
    }

    /// Stops every browser (pocketcode is shutting down).
    pub async fn shutdown(&self) {
        let keys: Vec<String> = self
            .browsers
            .lock()
            .map(|b| b.keys().cloned().collect())
            .unwrap_or_default();
        for key in keys {
            self.stop(&key).await;
        }
        if let Some(server) = self.agent_tools.get() {
            server.end_all().await;
        }
        if let Ok(mut gates) = self.gates.lock() {
            gates.clear();
        }
    }

    /// Chat `key`'s gate port, opened if it has none.
    pub(super) async fn gate(&self, key: &str, directory: &Path) -> Result<u16, BrowserError> {
        let open = self
            .gates
            .lock()
            .ok()
            .and_then(|gates| gates.get(key).map(|gate| gate.port));
        if let Some(port) = open {
            return Ok(port);
        }
        let gate = Gate::open(self.me.clone(), key.to_owned(), directory.to_path_buf()).await?;
        let port = gate.port;
        if let Ok(mut gates) = self.gates.lock() {
            gates.insert(key.to_owned(), gate);
        }
        Ok(port)
    }

    pub(super) async fn opencode(&self) -> Result<OpencodeClient, BrowserError> {
        let upstream = self
            .supervisor
            .upstream_within(Duration::from_secs(30))
            .await
            .map_err(|e| BrowserError::Mcp(e.to_string()))?;
        Ok(OpencodeClient::new(self.http.clone(), upstream))
    }
}

/// Stops browsers nobody has watched or used for the idle time.
async fn reap_idle(browsers: std::sync::Weak<Browsers>) {
    loop {
        let every = match browsers.upgrade() {
            Some(b) => {
                (b.settings.idle / 4).clamp(Duration::from_millis(200), Duration::from_secs(30))
            }
            None => return,
        };
        tokio::time::sleep(every).await;
        let Some(browsers) = browsers.upgrade() else {
            return;
        };
        let idle: Vec<String> = browsers
            .browsers
            .lock()
            .map(|all| {
                all.iter()
                    .filter(|(_, b)| b.idle_for() >= browsers.settings.idle)
                    .map(|(key, _)| key.clone())
                    .collect()
            })
            .unwrap_or_default();
        for key in idle {
            tracing::info!(chat = key, "stopping a chat's browser that sat idle");
            browsers.stop(&key).await;
        }
    }
}
