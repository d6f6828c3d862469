//! The state every handler and server function can reach.

use std::path::PathBuf;
use std::sync::Arc;

use axum::extract::FromRef;
use leptos::config::LeptosOptions;

use crate::server::auth::Auth;
use crate::server::events::EventHub;
use crate::server::git::RepoStore;
use crate::server::github::GithubClient;
use crate::server::supervisor::Supervisor;

/// Shared application state: cheap to clone, handed to axum and provided to
/// Leptos as context.
#[derive(Clone)]
pub struct AppState {
    pub leptos_options: LeptosOptions,
    pub supervisor: Arc<Supervisor>,
    /// One pooled HTTP client for every call to opencode.
    pub http: reqwest::Client,
    /// The directory the first UI lists sessions of and prompts in.
    pub workspace: PathBuf,
    /// Whether opencode's default model is pocketcode's scripted model.
    pub scripted_model: bool,
    /// opencode and its children run inside the bubblewrap sandbox
    /// (false only with `--no-sandbox`).
    pub sandboxed: bool,
    /// Repos and chat worktrees under the data directory.
    pub git: Arc<RepoStore>,
    /// The GitHub API, for the repo picker.
    pub github: GithubClient,
    /// How long a chat may sit idle before garbage collection removes it.
    pub gc_max_age: std::time::Duration,
    /// The auth wall: password, cookie key, login rate limits.
    pub auth: Arc<Auth>,
    /// The live event multiplexer behind `/pocket/events`.
    pub events: Arc<EventHub>,
    /// Web Push keys and subscriptions, or why notifications are off.
    pub push: Arc<Result<crate::server::push::Sender, String>>,
    /// Remote machines: their profiles and live connections.
    pub ssh_profiles: Arc<crate::server::ssh::ProfileStore>,
    pub ssh: Arc<crate::server::ssh::Connections>,
    /// The agent's `push_branch` tool (each chat's capability).
    pub agent_push: Arc<crate::server::agent_push::AgentPush>,
    /// Each chat's shared browser.
    pub browsers: Arc<crate::server::browser::Browsers>,
    /// Which chats' opencode instances are loaded; idle ones are disposed.
    pub instances: Arc<crate::server::instances::Instances>,
    /// pocketcode's own loopback ports (its listener, opencode's, the
    /// provider gateway's, …): out of the shared browser's reach. A
    /// component that opens one adds it.
    pub internal_ports: Arc<crate::server::sandbox::internal_ports::InternalPorts>,
    /// opencode's memory budget.
    pub memory: Arc<crate::server::budget::MemoryBudget>,
    /// Each chat's queued prompts (see `server::queue`).
    pub queues: Arc<crate::server::queue::PromptQueues>,
    /// Each chat's review comments (see `server::review`).
    pub reviews: Arc<crate::server::review::Reviews>,
    /// Each session's settled messages added up, for its context gauge
    /// (see `server::usage`).
    pub usage_tallies: Arc<crate::server::usage::SettledTallies>,
    /// The most one upload into a chat's files may carry, in MB.
    pub upload_max_mb: u64,
    /// The speech-to-text service the mic's recordings go to (none
    /// without `--transcribe-url`).
    pub transcriber: Option<Arc<crate::server::transcribe::Transcriber>>,
}

impl AppState {
    /// The processes that are pocketcode's own services (never orphans),
    /// and the directory orphans of ours run in.
    pub fn known_services(&self) -> crate::server::system::KnownServices {
        crate::server::system::KnownServices {
            data_dir: self.git.layout().data_dir().to_path_buf(),
            pids: self
                .supervisor
                .status()
                .pid
                .into_iter()
                .chain(self.browsers.pids())
                .collect(),
        }
    }
}

impl FromRef<AppState> for Arc<Auth> {
    fn from_ref(state: &AppState) -> Self {
        state.auth.clone()
    }
}

impl FromRef<AppState> for Arc<EventHub> {
    fn from_ref(state: &AppState) -> Self {
        state.events.clone()
    }
}

impl FromRef<AppState> for LeptosOptions {
    fn from_ref(state: &AppState) -> Self {
        state.leptos_options.clone()
    }
}
