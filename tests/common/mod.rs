//! Shared harness for integration tests: a real `opencode serve` under the
//! supervisor with the scripted model, or a whole pocketcode on port 0.
//! Everything a harness starts, its `stop` ends.

#![allow(
    dead_code,
    unused_imports,
    reason = "each test binary uses a different part of the harness"
)]

pub mod agent_bash;
pub mod browser_chat;
pub mod git_fixture;
pub mod http;
mod login;
pub mod measure;
pub mod mentions;
pub mod panel;
pub mod pty;
pub mod remote_opencode;
pub mod sse;
pub mod sshd;
mod temp_dir;
pub mod worktree_chats;

pub use login::{admin_health, client_from, logged_in, login, wait_for_opencode_state};
pub use temp_dir::TempDir;

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use clap::Parser;
use pocketcode::server::config::Config;
use pocketcode::server::scripted_model::ScriptedModel;
use pocketcode::server::startup::{self, Pocketcode};
use pocketcode::server::supervisor::{OpencodeSettings, Supervisor, Upstream};

/// The password every TestServer is started with (unless a test passes its own).
pub const TEST_PASSWORD: &str = "correct horse battery staple";

/// opencode takes a few seconds to start; a loaded CI machine more.
pub const READY: Duration = Duration::from_secs(120);

/// Waits until `check` holds, polling every 250 ms, for at most [`READY`].
pub async fn eventually<F, Fut>(what: &str, mut check: F)
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    let deadline = tokio::time::Instant::now() + READY;
    while !check().await {
        assert!(tokio::time::Instant::now() < deadline, "never: {what}");
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
}

/// A git repository with one commit, as opencode expects a project to be.
pub fn git_workspace(path: &Path) {
    std::fs::create_dir_all(path).expect("create workspace");
    let git = |args: &[&str]| {
        let status = std::process::Command::new("git")
            .args(["-c", "user.name=test", "-c", "user.email=test@localhost"])
            .args(args)
            .current_dir(path)
            .stdout(std::process::Stdio::null())
            .status()
            .expect("run git");
        assert!(status.success(), "git {args:?} failed");
    };
    git(&["init", "-q", "-b", "main"]);
    std::fs::write(path.join("README.md"), "test workspace\n").expect("write README");
    git(&["add", "README.md"]);
    git(&["commit", "-q", "-m", "initial"]);
}

/// A supervised opencode using the scripted model, in a temp dir.
pub struct TestOpencode {
    pub supervisor: Arc<Supervisor>,
    pub upstream: Upstream,
    pub http: reqwest::Client,
    pub workspace: PathBuf,
    pub model: ScriptedModel,
    pub dir: TempDir,
}

impl TestOpencode {
    pub async fn start() -> Self {
        Self::start_seeded(|_| {}).await
    }

    /// Starts it after `seed` wrote what it wants into opencode's home
    /// (its XDG directories' root).
    pub async fn start_seeded(seed: impl FnOnce(&Path)) -> Self {
        Self::start_with(seed, |_| {}).await
    }

    /// [`Self::start_seeded`], with `configure` changing the settings
    /// (the scripted model's config is already in them).
    pub async fn start_with(
        seed: impl FnOnce(&Path),
        configure: impl FnOnce(&mut OpencodeSettings),
    ) -> Self {
        let dir = TempDir::new();
        seed(&dir.path().join("opencode"));
        let workspace = dir.path().join("workspace");
        git_workspace(&workspace);
        let model = ScriptedModel::start().await.expect("scripted model");
        let mut settings = OpencodeSettings::new(dir.path().join("opencode"), workspace.clone());
        settings.config_json = Some(model.opencode_config().to_string());
        settings.offline = true;
        configure(&mut settings);
        let supervisor = Supervisor::spawn(settings);
        let upstream = supervisor.ready(READY).await.expect("opencode healthy");
        Self {
            supervisor,
            upstream,
            http: reqwest::Client::new(),
            workspace,
            model,
            dir,
        }
    }

    /// A request to opencode with the credentials and this workspace's directory.
    pub fn request(&self, method: reqwest::Method, path: &str) -> reqwest::RequestBuilder {
        self.upstream
            .request(&self.http, method, path)
            .header("x-opencode-directory", self.workspace.display().to_string())
    }

    pub async fn stop(self) {
        self.supervisor.shutdown().await;
        self.model.stop().await;
    }
}

/// A whole pocketcode served on a free loopback port, in a temp data dir.
pub struct TestServer {
    pub base_url: String,
    pub pocketcode: Option<Pocketcode>,
    /// Logged in: sends the session cookie with every request.
    pub http: reqwest::Client,
    /// `pocketcode_session=…`, for clients other than `http` (WebSockets).
    pub cookie: String,
    /// Not logged in, and never follows redirects.
    pub anonymous: reqwest::Client,
    pub data_dir: TempDir,
    server: tokio::task::JoinHandle<()>,
    /// The `pocketcode` binary, when the server runs as its own process.
    process: Option<std::process::Child>,
}

impl TestServer {
    /// Starts pocketcode with `extra` flags added to the defaults.
    pub async fn start(extra: &[&str]) -> Self {
        Self::start_in(TempDir::new(), extra).await
    }

    /// [`Self::start`] in a data dir the test prepared.
    pub async fn start_in(data_dir: TempDir, extra: &[&str]) -> Self {
        let data = data_dir.path().display().to_string();
        let mut args = vec![
            "pocketcode",
            "--listen",
            "127.0.0.1:0",
            "--data-dir",
            &data,
            "--scripted-model",
            "always",
        ];
        let own_password = extra
            .iter()
            .any(|a| a.starts_with("--auth-password") || a.starts_with("--production"));
        if !own_password {
            args.extend_from_slice(&["--auth-password", TEST_PASSWORD]);
        }
        // A few chats take opencode past the default memory budget, which
        // would restart it between a test's steps: off unless asked for.
        if !extra.iter().any(|a| a.starts_with("--opencode-memory-mb")) {
            args.extend_from_slice(&["--opencode-memory-mb", "0"]);
        }
        args.extend_from_slice(extra);
        let config = Config::try_parse_from(args).expect("config");
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let base_url = format!("http://{}", listener.local_addr().expect("addr"));
        let pocketcode = Pocketcode::start(&config).await.expect("pocketcode starts");
        pocketcode.serving_on(listener.local_addr().expect("addr"));
        let router = pocketcode.router();
        let server = tokio::spawn(async move {
            let _ = startup::serve(listener, router, std::future::pending()).await;
        });
        let anonymous = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .expect("client");
        let cookie = if own_password {
            String::new()
        } else {
            login(&anonymous, &base_url, TEST_PASSWORD)
                .await
                .expect("the test password logs in")
        };
        let mut headers = reqwest::header::HeaderMap::new();
        if !cookie.is_empty() {
            headers.insert(
                reqwest::header::COOKIE,
                cookie.parse().expect("cookie header"),
            );
        }
        let http = reqwest::Client::builder()
            .default_headers(headers)
            .build()
            .expect("client");
        Self {
            base_url,
            pocketcode: Some(pocketcode),
            http,
            cookie,
            anonymous,
            data_dir,
            server,
            process: None,
        }
    }

    /// Runs the `pocketcode` binary as its own process (as deployed), with
    /// `env` added to this test's environment and the scripted model;
    /// logged in with `password`.
    pub async fn start_binary(env: &[(&str, &str)], password: &str) -> Self {
        Self::start_binary_at(Path::new(env!("CARGO_BIN_EXE_pocketcode")), env, password).await
    }

    /// [`Self::start_binary`] with another build's `pocketcode` (the size
    /// bench runs the build before a change beside this one).
    pub async fn start_binary_at(program: &Path, env: &[(&str, &str)], password: &str) -> Self {
        use std::io::{BufRead, BufReader};
        let data_dir = TempDir::new();
        let mut process = std::process::Command::new(program)
            .args(["--scripted-model", "always"])
            .env("POCKETCODE_LISTEN", "127.0.0.1:0")
            .env("POCKETCODE_DATA_DIR", data_dir.path())
            .env("POCKETCODE_LOG_JSON", "true")
            // As in `start`: no memory budget unless asked for.
            .env("POCKETCODE_OPENCODE_MEMORY_MB", "0")
            .envs(env.iter().copied())
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .expect("start pocketcode");
        let stderr = process.stderr.take().expect("stderr");
        let base_url = tokio::task::spawn_blocking(move || {
            let mut lines = BufReader::new(stderr).lines();
            let url = loop {
                let line = lines.next().expect("pocketcode logs before serving");
                let entry: serde_json::Value =
                    serde_json::from_str(&line.expect("log line")).unwrap_or_default();
                if entry["fields"]["message"] == "pocketcode is serving" {
                    break entry["fields"]["url"].as_str().expect("url").to_string();
                }
            };
            // Keep reading, so pocketcode never blocks on a full pipe.
            std::thread::spawn(move || lines.for_each(drop));
            url
        })
        .await
        .expect("serving line");
        let (anonymous, cookie, http) = logged_in(&base_url, password).await;
        wait_for_opencode_state(&http, &base_url, "healthy").await;
        Self {
            base_url,
            pocketcode: None,
            http,
            cookie,
            anonymous,
            data_dir,
            server: tokio::spawn(async {}),
            process: Some(process),
        }
    }

    /// The pid of the pocketcode serving this test.
    pub fn pid(&self) -> u32 {
        self.process
            .as_ref()
            .map_or_else(std::process::id, std::process::Child::id)
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.base_url, path)
    }

    pub fn workspace(&self) -> PathBuf {
        self.data_dir.path().join("workspace")
    }

    pub async fn wait_ready(&self) -> Upstream {
        self.pocketcode
            .as_ref()
            .expect("running")
            .supervisor()
            .ready(READY)
            .await
            .expect("opencode healthy")
    }

    /// Stops this pocketcode (and its opencode) and starts a new one on the
    /// same data dir, with `extra` flags.
    pub async fn restart(self, extra: &[&str]) -> Self {
        let TestServer {
            pocketcode,
            data_dir,
            server,
            ..
        } = self;
        server.abort();
        if let Some(pocketcode) = pocketcode {
            pocketcode.shutdown().await;
        }
        Self::start_in(data_dir, extra).await
    }

    pub async fn stop(mut self) {
        self.server.abort();
        if let Some(pocketcode) = self.pocketcode.take() {
            pocketcode.shutdown().await;
        }
        if let Some(mut process) = self.process.take() {
            let pid = nix::unistd::Pid::from_raw(process.id() as i32);
            let _ = nix::sys::signal::kill(pid, nix::sys::signal::Signal::SIGTERM);
            let _ = tokio::task::spawn_blocking(move || process.wait()).await;
        }
    }
}
