//! Turning a [`Config`] into a running pocketcode: data directories, the
//! scripted model when no provider key is set, the opencode supervisor and
//! the shared state.

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use axum::serve::ListenerExt;
use leptos::config::LeptosOptions;

use crate::server::auth::{Auth, AuthSetupError};
use crate::server::config::Config;
use crate::server::events::EventHub;
use crate::server::gateway::{Gateway, GatewayError, KeyHeader, ProviderRoute};
use crate::server::git::{GithubToken, Layout, RepoStore};
use crate::server::github::GithubClient;
use crate::server::push::Push;
use crate::server::sandbox::internal_ports::InternalPorts;
use crate::server::scripted_model::{self, ScriptedModel};
use crate::server::state::AppState;
use crate::server::supervisor::{OpencodeSettings, Supervisor};

#[derive(Debug, thiserror::Error)]
pub enum StartupError {
    #[error("cannot create {path}: {source}")]
    DataDir {
        path: String,
        source: std::io::Error,
    },
    #[error("cannot start the scripted model: {0}")]
    ScriptedModel(std::io::Error),
    #[error("cannot start the provider gateway: {0}")]
    Gateway(#[from] GatewayError),
    #[error("auth: {0}")]
    Auth(#[from] AuthSetupError),
    #[error(transparent)]
    Sandbox(#[from] crate::server::sandbox::SandboxError),
    #[error("cannot build the HTTP client: {0}")]
    HttpClient(#[from] reqwest::Error),
}

/// A started pocketcode, minus its listener.
pub struct Pocketcode {
    pub state: AppState,
    scripted: Option<ScriptedModel>,
    gateway: Gateway,
}

impl Pocketcode {
    /// Creates the data directories and starts opencode (in the background;
    /// `/admin/health` shows its progress).
    pub async fn start(config: &Config) -> Result<Self, StartupError> {
        // Before any child starts: none of them may read our environment
        // or memory through /proc.
        if let Err(err) = crate::server::sandbox::forbid_inspection() {
            tracing::warn!(%err, "cannot make pocketcode non-dumpable");
        }
        // Fail loudly, before anything is made or run, when the sandbox cannot be built.
        let sandboxed = !config.no_sandbox;
        if sandboxed {
            crate::server::sandbox::probe().await?;
        } else {
            tracing::warn!(
                "--no-sandbox: the agent runs without the sandbox and can read every file this user can"
            );
        }
        let data_dir = absolute(&config.data_dir)?;
        let workspace = absolute(&config.workspace_dir())?;
        let opencode_home = data_dir.join("opencode");
        create_dir(&data_dir)?;
        // Before anything else: a bad auth setup must start nothing.
        let auth = Arc::new(Auth::from_config(&config.auth, &data_dir)?);
        let layout = Layout::new(data_dir.clone());
        let (repos, worktrees) = (layout.repos_dir(), layout.worktrees_dir());
        for dir in [&workspace, &opencode_home, &repos, &worktrees] {
            create_dir(dir)?;
        }
        let scripted = if config.use_scripted_model() {
            let model = ScriptedModel::start()
                .await
                .map_err(StartupError::ScriptedModel)?;
            tracing::info!(url = %model.base_url(), "no provider key set: using the scripted model");
            Some(model)
        } else {
            None
        };
        let gateway = start_gateway(scripted.as_ref()).await?;
        let mut settings = OpencodeSettings::new(opencode_home.clone(), workspace.clone());
        settings.binary = config.opencode_bin.clone();
        settings.liveness = config.liveness();
        let zone = sandboxed.then(|| {
            crate::server::sandbox::agent_zone(
                &Layout::new(data_dir.clone()),
                &workspace,
                &opencode_home,
                &[config.ssh_known_hosts.clone(), config.ssh_config.clone()],
            )
        });
        settings.sandbox = zone.clone();
        // opencode holds the gateway's token, never a key (its environment
        // does not carry them either).
        if let Some(model) = &scripted {
            let via_gateway = gateway.url(scripted_model::PROVIDER_ID);
            let config =
                scripted_model::opencode_config(&via_gateway, gateway.token(), &model.share_url());
            settings.config_json = Some(config.to_string());
            settings.offline = true;
        } else {
            settings.config_json =
                crate::server::gateway::opencode_config(&gateway).map(|c| c.to_string());
        }
        let supervisor = Supervisor::spawn(settings);
        // Ports the shared browser's pages may not reach; the listener's
        // is added by whoever binds it (see `serving_on`).
        let internal_ports = Arc::new(InternalPorts::default());
        if let Some(model) = &scripted {
            internal_ports.add(model.addr().port());
        }
        internal_ports.add(gateway.addr().port());
        let opencode = Arc::downgrade(&supervisor);
        internal_ports.add_source(Box::new(move || {
            opencode
                .upgrade()
                .and_then(|s| s.status().port)
                .into_iter()
                .collect()
        }));
        let http = reqwest::Client::builder()
            .connect_timeout(Duration::from_secs(5))
            // The proxy passes redirects through to the client untouched.
            .redirect(reqwest::redirect::Policy::none())
            .build()?;
        let github_token = config.github_token.clone().and_then(GithubToken::non_empty);
        let github = GithubClient::new(
            http.clone(),
            config.github_api.clone(),
            github_token.clone(),
            config.github_user.clone(),
        );
        let limits =
            crate::server::git::CloneLimits::new(config.clone_max_mb, config.clone_stall_secs);
        limits.apply_to_libgit2();
        let git = Arc::new(RepoStore::new(layout, github_token.clone()).with_clone_limits(limits));
        // Before anything asks opencode about a chat (the event streams
        // below do): chats made before trust existed keep no live config.
        match git.hide_untrusted().await {
            Ok(0) => {}
            Ok(n) => tracing::info!(
                chats = n,
                "set aside the opencode config of untrusted repos"
            ),
            Err(err) => {
                tracing::error!(%err, "cannot set aside the opencode config of untrusted repos")
            }
        }
        let events = EventHub::new(config.events.clone(), supervisor.clone(), http.clone());
        crate::server::events::interrupted::interrupt_on_restarts(&events);
        events.watch(&workspace);
        // Every chat's worktree: its session is bound there.
        match git.worktrees().await {
            Ok(worktrees) => worktrees
                .iter()
                .for_each(|w| events.watch(Path::new(&w.path))),
            Err(err) => tracing::warn!(%err, "cannot list chat worktrees to watch them"),
        }
        tokio::spawn(crate::server::chats::watch_session_directories(
            events.clone(),
            supervisor.clone(),
            http.clone(),
            workspace.clone(),
        ));
        // Web Push: keys and subscriptions in the data dir; a broken file
        // turns notifications off with its reason rather than the server.
        let endpoints = crate::server::push::EndpointPolicy {
            allow_loopback: config.push_allow_loopback,
        };
        let push = match Push::open(&data_dir, endpoints) {
            Ok(push) => {
                let (alerts, incoming) = tokio::sync::mpsc::unbounded_channel();
                events.send_alerts_to(alerts);
                let sender = crate::server::push::Sender {
                    push,
                    http: http.clone(),
                    contact: config.push_contact.clone(),
                };
                sender.clone().spawn(incoming);
                crate::server::push::notify_restarts(sender.clone(), &supervisor);
                Ok(sender)
            }
            Err(err) => {
                tracing::error!(%err, "push notifications are off");
                Err(err.to_string())
            }
        };
        let ssh = crate::server::ssh::Connections::new(
            crate::server::ssh::SshSettings {
                known_hosts: config.ssh_known_hosts.clone(),
                config: config.ssh_config.clone(),
                ..crate::server::ssh::SshSettings::default()
            },
            http.clone(),
            crate::server::supervisor::PINNED_OPENCODE_VERSION,
            &data_dir,
        );
        // Every step of every connection reaches the tabs live: as a resync
        // of the remote's chats (the sidebar refetches, the Connections
        // page reloads its states).
        let hub = Arc::downgrade(&events);
        ssh.on_change(Box::new(move |name, state| {
            if let Some(hub) = hub.upgrade() {
                hub.publish_resync(
                    Some(&crate::model::remotes::remote_repo(name)),
                    &format!("connection {name}: {state:?}"),
                );
            }
        }));
        let tunnels = Arc::downgrade(&ssh);
        internal_ports.add_source(Box::new(move || {
            tunnels
                .upgrade()
                .map(|ssh| ssh.local_ports())
                .unwrap_or_default()
        }));
        let browsers = crate::server::browser::Browsers::new(
            crate::server::browser::BrowserSettings {
                chromium: config.chromium.clone(),
                data_dir: data_dir.clone(),
                max: config.max_browsers.max(1),
                idle: Duration::from_secs(config.browser_idle_seconds),
                mcp_cli: crate::server::browser::locate_mcp_cli(),
                zone,
            },
            http.clone(),
            supervisor.clone(),
            internal_ports.clone(),
        );
        let instances = crate::server::instances::Instances::new(
            config.instances.idle(),
            workspace.clone(),
            supervisor.clone(),
            http.clone(),
            events.clone(),
            browsers.clone(),
        );
        let memory = crate::server::budget::MemoryBudget::spawn(
            config.memory_budget(),
            supervisor.clone(),
            Arc::new(crate::server::budget::InstancesPool {
                instances: instances.clone(),
                events: events.clone(),
            }),
        );
        let state = AppState {
            leptos_options: leptos_options(config),
            supervisor,
            http,
            workspace,
            scripted_model: scripted.is_some(),
            sandboxed,
            git,
            github,
            gc_max_age: Duration::from_secs(config.gc_max_age_hours.saturating_mul(3600)),
            auth,
            events,
            push: Arc::new(push),
            ssh_profiles: Arc::new(crate::server::ssh::ProfileStore::new(&data_dir)),
            ssh,
            browsers,
            instances,
            internal_ports,
            memory,
        };
        Ok(Self {
            state,
            scripted,
            gateway,
        })
    }

    /// pocketcode serves on `addr`: a port of its own from now on.
    pub fn serving_on(&self, addr: std::net::SocketAddr) {
        self.state.internal_ports.add(addr.port());
    }

    pub fn router(&self) -> axum::Router {
        crate::server::router::app(self.state.clone())
    }

    pub fn supervisor(&self) -> &Arc<Supervisor> {
        &self.state.supervisor
    }

    /// The provider gateway opencode reaches models through.
    pub fn gateway(&self) -> &Gateway {
        &self.gateway
    }

    /// The scripted model, when it is opencode's model.
    pub fn scripted_model(&self) -> Option<&ScriptedModel> {
        self.scripted.as_ref()
    }

    /// Ends remote tunnels, stops opencode (its whole process group), the
    /// provider gateway and the scripted model.
    pub async fn shutdown(self) {
        self.state.memory.shutdown();
        self.state.ssh.shutdown().await;
        self.state.browsers.shutdown().await;
        self.state.events.shutdown();
        self.state.supervisor.shutdown().await;
        self.gateway.stop().await;
        if let Some(model) = self.scripted {
            model.stop().await;
        }
    }
}

/// Serves `router` on `listener` until `shutdown` resolves, then lets open
/// connections finish.
pub async fn serve(
    listener: tokio::net::TcpListener,
    router: axum::Router,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    // Without TCP_NODELAY, small writes (an SSE event, the tail of a proxied
    // body) can wait ~40 ms for a delayed ACK.
    let listener = listener.tap_io(|tcp| {
        if let Err(err) = tcp.set_nodelay(true) {
            tracing::debug!(%err, "cannot set TCP_NODELAY");
        }
    });
    // The peer address feeds the login rate limit.
    let service = router.into_make_service_with_connect_info::<std::net::SocketAddr>();
    axum::serve(listener, service)
        .with_graceful_shutdown(shutdown)
        .await
}

/// The gateway in front of the scripted model when it is in use, else in
/// front of every provider whose key is set.
async fn start_gateway(scripted: Option<&ScriptedModel>) -> Result<Gateway, StartupError> {
    let routes = match scripted {
        Some(model) => ProviderRoute::new(
            scripted_model::PROVIDER_ID,
            &model.base_url(),
            KeyHeader::Bearer,
            model.api_key().to_owned(),
        )
        .into_iter()
        .collect(),
        None => ProviderRoute::from_env(|var| std::env::var(var).ok()),
    };
    let gateway = Gateway::start(routes).await?;
    let providers: Vec<&str> = gateway.providers().collect();
    tracing::info!(addr = %gateway.addr(), ?providers, "provider gateway listening");
    Ok(gateway)
}

fn leptos_options(config: &Config) -> LeptosOptions {
    LeptosOptions::builder()
        .output_name("pocketcode")
        .site_root(config.site_root.display().to_string())
        .site_pkg_dir("pkg")
        .site_addr(config.listen)
        // Hashed file names when the build wrote its hashes beside the binary.
        .hash_files(crate::server::pwa::site_assets().hashed)
        .hash_file(crate::server::pwa::HASH_FILE.into())
        .build()
}

fn create_dir(path: &Path) -> Result<(), StartupError> {
    std::fs::create_dir_all(path).map_err(|source| StartupError::DataDir {
        path: path.display().to_string(),
        source,
    })
}

/// opencode keys projects by absolute directory, so every path we hand it is absolute.
fn absolute(path: &Path) -> Result<std::path::PathBuf, StartupError> {
    std::path::absolute(path).map_err(|source| StartupError::DataDir {
        path: path.display().to_string(),
        source,
    })
}
