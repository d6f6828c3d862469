//! Turning a [`Config`] into a running pocketcode: data directories, the
//! scripted model when no provider key is set, the opencode supervisor and
//! the shared state.

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use axum::serve::ListenerExt;
use leptos::config::LeptosOptions;

use crate::server::config::Config;
use crate::server::git::{GithubToken, Layout, RepoStore};
use crate::server::github::GithubClient;
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
    #[error("cannot build the HTTP client: {0}")]
    HttpClient(#[from] reqwest::Error),
}

/// A started pocketcode, minus its listener.
pub struct Pocketcode {
    pub state: AppState,
    scripted: Option<ScriptedModel>,
}

impl Pocketcode {
    /// Creates the data directories and starts opencode (in the background;
    /// `/admin/health` shows its progress).
    pub async fn start(config: &Config) -> Result<Self, StartupError> {
        let data_dir = absolute(&config.data_dir)?;
        let workspace = absolute(&config.workspace_dir())?;
        let opencode_home = data_dir.join("opencode");
        let layout = Layout::new(data_dir.clone());
        let (repos, worktrees) = (layout.repos_dir(), layout.worktrees_dir());
        for dir in [&data_dir, &workspace, &opencode_home, &repos, &worktrees] {
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
        let mut settings = OpencodeSettings::new(opencode_home, workspace.clone());
        settings.binary = config.opencode_bin.clone();
        if let Some(model) = &scripted {
            settings.config_json =
                Some(scripted_model::opencode_config(&model.base_url()).to_string());
            settings.offline = true;
        }
        let supervisor = Supervisor::spawn(settings);
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
        let state = AppState {
            leptos_options: leptos_options(config),
            supervisor,
            http,
            workspace,
            scripted_model: scripted.is_some(),
            git: Arc::new(RepoStore::new(layout, github_token.clone())),
            github,
            gc_max_age: Duration::from_secs(config.gc_max_age_hours.saturating_mul(3600)),
        };
        Ok(Self { state, scripted })
    }

    pub fn router(&self) -> axum::Router {
        crate::server::router::app(self.state.clone())
    }

    pub fn supervisor(&self) -> &Arc<Supervisor> {
        &self.state.supervisor
    }

    /// Stops opencode (its whole process group) and the scripted model.
    pub async fn shutdown(self) {
        self.state.supervisor.shutdown().await;
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
    axum::serve(listener, router)
        .with_graceful_shutdown(shutdown)
        .await
}

fn leptos_options(config: &Config) -> LeptosOptions {
    LeptosOptions::builder()
        .output_name("pocketcode")
        .site_root(config.site_root.display().to_string())
        .site_pkg_dir("pkg")
        .site_addr(config.listen)
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
