//! Turning a [`Config`] into a running pocketcode: data directories, the
//! scripted model when no provider key is set, the opencode supervisor and
//! the shared state.

mod opencode;
mod services;

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use axum::serve::ListenerExt;
use leptos::config::LeptosOptions;

use crate::server::auth::{Auth, AuthSetupError};
use crate::server::config::Config;
use crate::server::gateway::{Gateway, GatewayError};
use crate::server::git::Layout;
use crate::server::scripted_model::ScriptedModel;
use crate::server::state::AppState;
use crate::server::supervisor::Supervisor;

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
    #[error(transparent)]
    AgentPush(#[from] crate::server::agent_push::AgentPushError),
    #[error("prompt queues: {0}")]
    Queues(#[from] crate::server::queue::QueueError),
    #[error("reviews: {0}")]
    Reviews(#[from] crate::server::review::ReviewError),
}

/// A started pocketcode, minus its listener.
pub struct Pocketcode {
    pub state: AppState,
    scripted: Option<ScriptedModel>,
    gateway: Gateway,
    /// Sends queued prompts when their chat goes idle.
    queue_drain: tokio::task::JoinHandle<()>,
}

impl Pocketcode {
    /// Creates the data directories and starts opencode (in the background;
    /// `/admin/health` shows its progress).
    pub async fn start(config: &Config) -> Result<Self, StartupError> {
        let sandboxed = sandbox_first(config).await?;
        let dirs = Dirs::resolve(config)?;
        // Before anything else: a bad auth setup must start nothing.
        let auth = Arc::new(Auth::from_config(&config.auth, &dirs.data)?);
        dirs.create_rest()?;
        let scripted = opencode::scripted_model(config).await?;
        let gateway = opencode::start_gateway(scripted.as_ref()).await?;
        let zone = sandboxed.then(|| dirs.agent_zone(config));
        let settings = opencode::settings(config, &dirs, zone.clone(), &gateway, scripted.as_ref());
        let supervisor = Supervisor::spawn(settings);
        let internal_ports = opencode::internal_ports(&supervisor, scripted.as_ref(), &gateway);
        let http = reqwest::Client::builder()
            .connect_timeout(Duration::from_secs(5))
            // opencode's server (Bun) closes a keep-alive connection idle
            // for 10 s; one picked from the pool as it closes fails the
            // request ("error sending request"), so none is kept that long.
            .pool_idle_timeout(Duration::from_secs(5))
            // The proxy passes redirects through to the client untouched.
            .redirect(reqwest::redirect::Policy::none())
            .build()?;
        let (git, github) = services::repos(config, dirs.layout(), &http).await;
        let events = services::event_hub(config, &supervisor, &http, &dirs.workspace, &git).await;
        let push = services::push(config, &dirs.data, &events, &http, &supervisor);
        let ssh = services::ssh(config, &dirs.data, &http, &events, &internal_ports);
        let browsers = crate::server::browser::Browsers::new(
            crate::server::browser::BrowserSettings {
                chromium: config.chromium.clone(),
                data_dir: dirs.data.clone(),
                max: config.max_browsers.max(1),
                idle: Duration::from_secs(config.browser_idle_seconds),
                mcp_cli: crate::server::browser::locate_mcp_cli(),
                zone,
            },
            http.clone(),
            supervisor.clone(),
            internal_ports.clone(),
        );
        let agent_push = crate::server::agent_push::AgentPush::start(
            git.clone(),
            github.clone(),
            supervisor.clone(),
            http.clone(),
            &internal_ports,
        )
        .await?;
        let instances = crate::server::instances::Instances::new(
            config.instances.idle(),
            dirs.workspace.clone(),
            supervisor.clone(),
            http.clone(),
            events.clone(),
            browsers.clone(),
            agent_push.clone(),
        );
        let memory = crate::server::budget::MemoryBudget::spawn(
            config.memory_budget(),
            supervisor.clone(),
            Arc::new(crate::server::budget::InstancesPool {
                instances: instances.clone(),
                events: events.clone(),
            }),
        );
        let transcriber =
            crate::server::transcribe::Transcriber::from_config(&config.transcribe, http.clone())
                .map(Arc::new);
        let state = AppState {
            leptos_options: leptos_options(config),
            supervisor,
            http,
            workspace: dirs.workspace,
            scripted_model: scripted.is_some(),
            sandboxed,
            git,
            github,
            gc_max_age: Duration::from_secs(config.gc_max_age_hours.saturating_mul(3600)),
            auth,
            events,
            push: Arc::new(push),
            ssh_profiles: Arc::new(crate::server::ssh::ProfileStore::new(&dirs.data)),
            ssh,
            agent_push,
            browsers,
            instances,
            internal_ports,
            memory,
            queues: Arc::new(crate::server::queue::PromptQueues::open(&dirs.data)?),
            reviews: Arc::new(crate::server::review::Reviews::open(&dirs.data)?),
            usage_tallies: Arc::default(),
            upload_max_mb: config.upload_max_mb,
            transcriber,
        };
        let queue_drain = crate::server::queue::drain_on_idle(state.clone());
        Ok(Self {
            state,
            scripted,
            gateway,
            queue_drain,
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
        self.queue_drain.abort();
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

/// Before any child starts: none of them may read our environment or
/// memory through /proc. Fails loudly, before anything is made or run,
/// when the sandbox cannot be built; says whether it is on.
async fn sandbox_first(config: &Config) -> Result<bool, StartupError> {
    if let Err(err) = crate::server::sandbox::forbid_inspection() {
        tracing::warn!(%err, "cannot make pocketcode non-dumpable");
    }
    let sandboxed = !config.no_sandbox;
    if sandboxed {
        crate::server::sandbox::probe().await?;
    } else {
        tracing::warn!(
            "--no-sandbox: the agent runs without the sandbox and can read every file this user can"
        );
    }
    Ok(sandboxed)
}

/// pocketcode's directories, absolute (opencode keys projects by absolute
/// directory).
struct Dirs {
    data: PathBuf,
    workspace: PathBuf,
    opencode_home: PathBuf,
}

impl Dirs {
    /// The data directory only: nothing else is made before the auth
    /// setup is known to be good.
    fn resolve(config: &Config) -> Result<Self, StartupError> {
        let data = absolute(&config.data_dir)?;
        let dirs = Self {
            workspace: absolute(&config.workspace_dir())?,
            opencode_home: data.join("opencode"),
            data,
        };
        create_dir(&dirs.data)?;
        Ok(dirs)
    }

    /// The rest: the workspace, opencode's home, the repos and worktrees.
    fn create_rest(&self) -> Result<(), StartupError> {
        let layout = self.layout();
        for dir in [
            &self.workspace,
            &self.opencode_home,
            &layout.repos_dir(),
            &layout.worktrees_dir(),
        ] {
            create_dir(dir)?;
        }
        Ok(())
    }

    fn layout(&self) -> Layout {
        Layout::new(self.data.clone())
    }

    /// What the agent's sandbox lets it see.
    fn agent_zone(&self, config: &Config) -> crate::server::sandbox::Zone {
        crate::server::sandbox::agent_zone(
            &self.layout(),
            &self.workspace,
            &self.opencode_home,
            &[config.ssh_known_hosts.clone(), config.ssh_config.clone()],
        )
    }
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
fn absolute(path: &Path) -> Result<PathBuf, StartupError> {
    std::path::absolute(path).map_err(|source| StartupError::DataDir {
        path: path.display().to_string(),
        source,
    })
}
