//! The server's typed configuration, from flags and environment variables.

use std::net::SocketAddr;
use std::path::PathBuf;

use clap::{Parser, ValueEnum};

use crate::server::auth::AuthConfig;
use crate::server::events::EventsConfig;
use crate::server::git::GithubToken;

/// When pocketcode registers its scripted model as opencode's default.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ScriptedModelMode {
    /// Only when no provider key is configured in the environment.
    Auto,
    /// Always (tests, demos).
    Always,
    /// Never.
    Never,
}

/// pocketcode: a self-hosted coding agent on the web, built on opencode.
#[derive(Clone, Debug, Parser)]
#[command(name = "pocketcode", version = crate::VERSION)]
pub struct Config {
    /// Address to listen on.
    #[arg(long, env = "POCKETCODE_LISTEN", default_value = "127.0.0.1:8080")]
    pub listen: SocketAddr,

    /// Where pocketcode keeps everything: opencode's state, repos, worktrees.
    #[arg(long, env = "POCKETCODE_DATA_DIR", default_value = "./data")]
    pub data_dir: PathBuf,

    /// The opencode binary. Default: the project's pinned npm install, then PATH.
    #[arg(long, env = "POCKETCODE_OPENCODE_BIN")]
    pub opencode_bin: Option<PathBuf>,

    /// Probe opencode's health every this many seconds; after
    /// `--opencode-probe-misses` misses in a row it is hung and restarted
    /// (0: never probe, only restart it when it exits).
    #[arg(long, env = "POCKETCODE_OPENCODE_PROBE_SECS", default_value_t = 5)]
    pub opencode_probe_secs: u64,

    /// A probe not answered within this many seconds is a miss.
    #[arg(long, env = "POCKETCODE_OPENCODE_PROBE_TIMEOUT_SECS", default_value_t = 3,
        value_parser = clap::value_parser!(u64).range(1..))]
    pub opencode_probe_timeout_secs: u64,

    /// Misses in a row after which opencode is hung: its process group is
    /// killed and it is started again.
    #[arg(long, env = "POCKETCODE_OPENCODE_PROBE_MISSES", default_value_t = 3,
        value_parser = clap::value_parser!(u32).range(1..))]
    pub opencode_probe_misses: u32,

    /// opencode's memory budget in MB (its whole process tree: MCP and LSP
    /// servers, the agent's commands). Over it, idle chats' instances are
    /// disposed, then opencode is restarted once no chat is busy. 0: no
    /// budget. The default fits the 2 GB Fly machine (README, "Memory budget").
    #[arg(long, env = "POCKETCODE_OPENCODE_MEMORY_MB",
        default_value_t = crate::server::budget::DEFAULT_BUDGET_MB)]
    pub opencode_memory_mb: u64,

    /// Check opencode's memory against its budget every this many seconds.
    #[arg(long, env = "POCKETCODE_OPENCODE_MEMORY_CHECK_SECS", default_value_t = 5,
        value_parser = clap::value_parser!(u64).range(1..))]
    pub opencode_memory_check_secs: u64,

    /// Give opencode its whole models database (every provider models.dev
    /// knows) instead of the providers it can use here (the gateway's and
    /// opencode's own Zen). Each chat opencode loads again then spends
    /// 0.3–1 s more building its provider list (README, "Idle chats").
    #[arg(long, env = "POCKETCODE_OPENCODE_FULL_MODELS", default_value_t = false)]
    pub opencode_full_models: bool,

    /// opencode's working directory (chats work in their own worktrees).
    /// Default: `<data dir>/workspace`.
    #[arg(long, env = "POCKETCODE_WORKSPACE")]
    pub workspace: Option<PathBuf>,

    /// Use the built-in scripted model (auto: only when no provider key is set).
    #[arg(
        long,
        env = "POCKETCODE_SCRIPTED_MODEL",
        value_enum,
        default_value = "auto"
    )]
    pub scripted_model: ScriptedModelMode,

    /// Where `cargo leptos build` put the site (the `pkg/` bundle and public files).
    #[arg(long, env = "LEPTOS_SITE_ROOT", default_value = "target/site")]
    pub site_root: PathBuf,

    /// Garbage collection removes chat worktrees idle for this many hours
    /// (never ones with uncommitted changes).
    #[arg(long, env = "POCKETCODE_GC_MAX_AGE_HOURS", default_value_t = 168)]
    pub gc_max_age_hours: u64,

    /// A clone that grows past this many MB is stopped and removed.
    #[arg(long, env = "POCKETCODE_CLONE_MAX_MB", default_value_t = crate::server::git::DEFAULT_MAX_MB)]
    pub clone_max_mb: u64,

    /// A clone (or fetch) whose remote sends nothing for this many seconds
    /// is stopped.
    #[arg(long, env = "POCKETCODE_CLONE_STALL_SECS", default_value_t = crate::server::git::DEFAULT_STALL_SECS)]
    pub clone_stall_secs: u64,

    /// The most one upload into a chat's files may carry (all its files
    /// together), in MB; past it the upload is refused with a 413.
    #[arg(long, env = "POCKETCODE_UPLOAD_MAX_MB", default_value_t = crate::model::files::DEFAULT_UPLOAD_MAX_MB,
        value_parser = clap::value_parser!(u64).range(1..))]
    pub upload_max_mb: u64,

    /// A GitHub token: clones private repos over HTTPS and lists your repos.
    /// Only ever sent to github.com; never logged nor written to a clone.
    #[arg(long, env = "GITHUB_TOKEN", hide_env_values = true, value_parser = parse_token)]
    pub github_token: Option<GithubToken>,

    /// Whose repos the picker lists (default: all the token can see).
    #[arg(long, env = "GITHUB_USER")]
    pub github_user: Option<String>,

    /// The author (and committer) name of the commits and local merges
    /// pocketcode makes. Default: the clone's `user.name`, else `pocketcode`.
    #[arg(long, env = "POCKETCODE_GIT_AUTHOR_NAME")]
    pub git_author_name: Option<String>,

    /// Their email. Default: the clone's `user.email`, else
    /// `pocketcode@localhost`.
    #[arg(long, env = "POCKETCODE_GIT_AUTHOR_EMAIL")]
    pub git_author_email: Option<String>,

    /// The known_hosts file remote connections check host keys against
    /// (default: ssh's own, ~/.ssh/known_hosts). pocketcode never writes it.
    #[arg(long, env = "POCKETCODE_SSH_KNOWN_HOSTS")]
    pub ssh_known_hosts: Option<PathBuf>,

    /// An ssh config file to use instead of ~/.ssh/config for remote
    /// connections (profile values still win over it).
    #[arg(long, env = "POCKETCODE_SSH_CONFIG")]
    pub ssh_config: Option<PathBuf>,

    /// Run opencode and everything it starts outside the bubblewrap
    /// sandbox. Only for machines that cannot build it: the agent can then
    /// read every file pocketcode's user can (the top bar says so, in red).
    #[arg(long, env = "POCKETCODE_NO_SANDBOX", default_value_t = false)]
    pub no_sandbox: bool,

    /// The Chromium each chat's shared browser runs (`chromium` on PATH by default).
    #[arg(long, env = "POCKETCODE_CHROMIUM", default_value = "chromium")]
    pub chromium: PathBuf,

    /// How many chats' browsers may run at once (each takes about 1 GB of memory).
    #[arg(long, env = "POCKETCODE_MAX_BROWSERS", default_value_t = 2)]
    pub max_browsers: usize,

    /// A chat's browser that nobody watched or used for this many seconds
    /// is stopped (the agent's next browser call starts it again).
    #[arg(long, env = "POCKETCODE_BROWSER_IDLE_SECONDS", default_value_t = 1800)]
    pub browser_idle_seconds: u64,

    /// How push services can reach whoever runs this server (the VAPID
    /// `sub` claim): a `mailto:` or `https:` URL.
    #[arg(long, env = "PUSH_CONTACT", default_value = "mailto:pocketcode@localhost", value_parser = parse_contact)]
    pub push_contact: String,

    /// Tests only: lets push endpoints be loopback addresses (plain http
    /// too). Off, pushes go only to public https hosts.
    #[arg(long, env = "POCKETCODE_PUSH_ALLOW_LOOPBACK", hide = true)]
    pub push_allow_loopback: bool,

    /// The GitHub API (GitHub Enterprise: `https://HOST/api/v3`). GitHub's
    /// git host is derived from it (`https://HOST`): `owner/name` is cloned
    /// from there, and it is the only place `GITHUB_TOKEN` is sent.
    #[arg(
        long,
        env = "POCKETCODE_GITHUB_API",
        default_value = "https://api.github.com",
        value_parser = parse_github_api
    )]
    pub github_api: String,

    /// Log filter, in `tracing` syntax (e.g. `info`, `pocketcode=debug`).
    #[arg(long, env = "POCKETCODE_LOG", default_value = "info")]
    pub log: String,

    /// Log format: human-readable text or one JSON object per line.
    #[arg(long, env = "POCKETCODE_LOG_JSON", default_value_t = false)]
    pub log_json: bool,

    #[command(flatten)]
    pub auth: AuthConfig,

    #[command(flatten)]
    pub events: EventsConfig,

    #[command(flatten)]
    pub instances: crate::server::instances::InstancesConfig,

    #[command(flatten)]
    pub transcribe: crate::server::transcribe::TranscribeConfig,
}

/// Environment variables that name a real model provider's key. When one is
/// set, `auto` mode leaves the choice of model to opencode.
pub const PROVIDER_KEY_VARS: &[&str] = &[
    "OPENROUTER_API_KEY",
    "ANTHROPIC_API_KEY",
    "OPENAI_API_KEY",
    "GEMINI_API_KEY",
    "GOOGLE_GENERATIVE_AI_API_KEY",
    "GROQ_API_KEY",
    "DEEPSEEK_API_KEY",
    "XAI_API_KEY",
    "MISTRAL_API_KEY",
];

/// A blank token counts as none.
fn parse_token(value: &str) -> Result<GithubToken, String> {
    Ok(GithubToken::new(value.trim().to_owned()))
}

impl Config {
    /// Whether the scripted model should be opencode's default model.
    pub fn use_scripted_model(&self) -> bool {
        self.use_scripted_model_with(|var| std::env::var(var).ok())
    }

    /// [`Self::use_scripted_model`] with the environment passed in.
    fn use_scripted_model_with(&self, env: impl Fn(&str) -> Option<String>) -> bool {
        match self.scripted_model {
            ScriptedModelMode::Always => true,
            ScriptedModelMode::Never => false,
            ScriptedModelMode::Auto => !PROVIDER_KEY_VARS
                .iter()
                .any(|var| env(var).is_some_and(|v| !v.is_empty())),
        }
    }

    /// The directory the first UI lists sessions of and prompts in.
    pub fn workspace_dir(&self) -> PathBuf {
        self.workspace
            .clone()
            .unwrap_or_else(|| self.data_dir.join("workspace"))
    }

    /// How the watchdog probes opencode.
    pub fn liveness(&self) -> crate::server::supervisor::Liveness {
        crate::server::supervisor::Liveness {
            every: std::time::Duration::from_secs(self.opencode_probe_secs),
            timeout: std::time::Duration::from_secs(self.opencode_probe_timeout_secs),
            misses: self.opencode_probe_misses,
        }
    }

    /// opencode's memory budget and how often it is checked.
    pub fn memory_budget(&self) -> crate::server::budget::BudgetSettings {
        crate::server::budget::BudgetSettings {
            budget_bytes: self.opencode_memory_mb.saturating_mul(1024 * 1024),
            every: std::time::Duration::from_secs(self.opencode_memory_check_secs),
        }
    }

    /// Root of opencode's XDG directories.
    pub fn opencode_home(&self) -> PathBuf {
        self.data_dir.join("opencode")
    }
}

/// An API URL GitHub's git host can be derived from.
fn parse_github_api(text: &str) -> Result<String, String> {
    crate::server::git::GithubHost::from_api(text)
        .map(|_| text.trim().to_owned())
        .map_err(|e| e.to_string())
}

/// A VAPID contact: push services accept only `mailto:` and `https:` URLs.
fn parse_contact(text: &str) -> Result<String, String> {
    let ok = (text.starts_with("mailto:") && text.len() > "mailto:".len() && text.contains('@'))
        || (text.starts_with("https://") && text.len() > "https://".len());
    if ok && !text.chars().any(char::is_whitespace) {
        Ok(text.to_owned())
    } else {
        Err(format!(
            "`{text}` is not a mailto: or https: URL (e.g. mailto:you@example.com)"
        ))
    }
}

#[cfg(test)]
#[path = "config_tests.rs"]
mod tests;
