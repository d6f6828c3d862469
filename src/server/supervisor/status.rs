//! What the supervisor reports about opencode.

use serde::Serialize;

/// Where the supervised opencode is in its life.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum OpencodeState {
    /// First start, not yet answering `/global/health`.
    Starting,
    /// Answering `/global/health`.
    Healthy,
    /// It exited or never became healthy; a new start is on its way.
    Restarting,
    /// Several starts in a row failed (or no binary was found); still retrying, slowly.
    Failed,
    /// pocketcode is shutting down.
    Stopped,
}

/// A snapshot of the supervised opencode, as `/admin/health` shows it.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct OpencodeStatus {
    pub state: OpencodeState,
    /// The version opencode's health endpoint reports.
    pub version: Option<String>,
    pub pid: Option<u32>,
    pub port: Option<u16>,
    /// How many times it was started again after the first start.
    pub restarts: u32,
    pub last_error: Option<String>,
    /// The last lines opencode wrote to stderr.
    pub stderr_tail: Vec<String>,
    /// The binary being run.
    pub binary: Option<String>,
    /// Health probes missed in a row by the running opencode (see the
    /// liveness flags); at the limit it is declared hung and restarted.
    pub probe_misses: u32,
    /// Why and when opencode was last restarted after running healthy.
    pub last_restart: Option<LastRestart>,
}

/// Why a running opencode was replaced by a new one.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum RestartCause {
    /// It exited (crashed, killed, out of memory).
    Exited,
    /// It stopped answering the watchdog's probes; pocketcode killed it.
    Hung,
    /// It used more memory than its budget with no chat busy; pocketcode
    /// stopped it (see `server::budget`).
    Memory,
}

/// The last restart of an opencode that had been healthy.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct LastRestart {
    pub cause: RestartCause,
    /// What happened, e.g. `hung: 3 health probes missed in a row (…)`.
    pub reason: String,
    /// When, in milliseconds since the Unix epoch.
    pub at_ms: u64,
}

impl std::fmt::Display for RestartCause {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Self::Exited => "exited",
            Self::Hung => "hung",
            Self::Memory => "memory",
        })
    }
}

fn now_ms() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis() as u64)
        .unwrap_or_default()
}

impl LastRestart {
    pub(super) fn now(cause: RestartCause, reason: String) -> Self {
        Self {
            cause,
            reason,
            at_ms: now_ms(),
        }
    }

    /// How long ago it happened.
    pub fn age(&self) -> std::time::Duration {
        std::time::Duration::from_millis(now_ms().saturating_sub(self.at_ms))
    }
}

impl OpencodeStatus {
    pub(super) fn starting(binary: Option<String>) -> Self {
        Self {
            state: OpencodeState::Starting,
            version: None,
            pid: None,
            port: None,
            restarts: 0,
            last_error: None,
            stderr_tail: Vec::new(),
            binary,
            probe_misses: 0,
            last_restart: None,
        }
    }
}

/// How to reach a healthy opencode: its loopback base URL and the internal
/// password pocketcode generated for it (HTTP Basic, user `opencode`).
#[derive(Clone)]
pub struct Upstream {
    pub base_url: String,
    pub password: String,
}

impl std::fmt::Debug for Upstream {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Upstream")
            .field("base_url", &self.base_url)
            .field("password", &"<redacted>")
            .finish()
    }
}

impl Upstream {
    /// The user opencode expects with `OPENCODE_SERVER_PASSWORD`.
    pub const USER: &'static str = "opencode";

    /// A request to `path` (which starts with `/`) carrying the credentials.
    pub fn request(
        &self,
        http: &reqwest::Client,
        method: reqwest::Method,
        path: &str,
    ) -> reqwest::RequestBuilder {
        http.request(method, format!("{}{}", self.base_url, path))
            .basic_auth(Self::USER, Some(&self.password))
    }
}
